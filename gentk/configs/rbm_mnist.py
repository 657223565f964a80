"""A binary RBM (784-500) on dynamically binarised MNIST, trained by CD-k or
PCD, scored by AIS.

Batch 100, SGD with momentum 0.9 and weight decay 2e-4, the rate decaying
linearly from 0.05 to 0 (Hinton's practical guide). log Z by AIS
(Salakhutdinov & Murray 2008's schedule, 14,500 transitions, 100 runs); test
log-likelihood -F(v) - log Z on all 10,000 test images. Needs MNIST.
  gentk train --config=rbm_mnist --workdir=runs/rbm_mnist
Variants: `cd25` (default, 40,000 steps), `cd1` (100,000 steps), `pcd` (rate
0.01, 100,000 steps), `quick` (50 hidden units, 20 steps).
Run time (2-core CPU): 27 minutes (`cd1`, `pcd` ~7); AIS 30-45 seconds.
Expected: test log-likelihood -84.78 +- 0.23 nats (log Z 321.70 +- 0.10);
`pcd` -89.62 +- 0.25.
Reference: Salakhutdinov & Murray 2008, CD-25 about -86.34 nats (statically
binarised data).
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or a comma-separated subset of 'cd1', 'cd25', 'pcd',
  'quick'."""
  args = spec.variants(arg, __file__, flags=("cd1", "cd25", "pcd", "quick"))
  # The fields RBM and DBM configs share.
  config = groups.boltzmann_config("rbm_mnist", "rbm")
  config.model.persistent = False  # The default: CD-25.
  config.model.k = 25
  config.train = spec.train_group(
      num_steps=40_000, steps_per_call=100, log_every=1_000,
      checkpoint_every=5_000, keep_checkpoints=2)
  if "cd1" in args or "pcd" in args:
    config.model.k = 1
    config.train.num_steps = 100_000
  if "pcd" in args:
    config.model.persistent = True
    config.optim.lr = 0.01  # Chains far from the data: a gentler rate.
  if "quick" in args:
    config.model.hidden = (50,)
    groups.boltzmann_quick(config)
  return config
