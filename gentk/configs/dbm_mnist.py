"""A two-hidden-layer DBM (784-500-1000) on dynamically binarised MNIST.

Greedy pre-training of two RBMs (CD-1, 30,000 steps each), then 30,000 steps
of joint training (mean-field positive phase, 100 persistent chains), batch
100. Scored on all 10,000 test images: log Z by AIS (20,000 transitions, 100
runs), test figure = mean-field lower bound - log Z. Needs MNIST.
  gentk train --config=dbm_mnist --workdir=runs/dbm_mnist
Variants: `paper` (100 epochs of pre-training per layer, 300 of joint
training: about 3 hours on 2 cores; for a GPU), `quick` (a 784-50-50 DBM,
20 steps).
Run time: about 36 minutes on a 2-core CPU.
Expected: log Z 552.72 +- 0.22, test lower bound -87.99 +- 0.24 nats.
Reference: Salakhutdinov & Hinton 2009, test lower bound -84.62 nats.
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

PRETRAIN_STEPS = 30_000
JOINT_STEPS = 30_000


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or a comma-separated subset of 'paper', 'quick'."""
  args = spec.variants(arg, __file__, flags=("paper", "quick"))
  # The fields RBM and DBM configs share.
  config = groups.boltzmann_config("dbm_mnist", "dbm")
  config.model.hidden = (500, 1000)
  config.model.persistent = True  # The joint phase's chains persist.
  # Updates of each pre-training RBM (one phase per layer).
  config.model.pretrain_steps = spec.field(PRETRAIN_STEPS,
                                           spec.non_negative_int)
  # Gibbs transitions of the persistent chains per joint update.
  config.model.gibbs_steps = spec.field(5, spec.positive_int)
  # Mean field stops when no mu moves more than this...
  config.model.mean_field_tolerance = spec.field(1e-5, spec.positive_float)
  # ... or after this many sweeps.
  config.model.mean_field_iterations = spec.field(30, spec.positive_int)
  config.optim.lr = 0.005  # The joint phase's rate.
  # The pre-training RBMs' rate.
  config.optim.pretrain_lr = spec.field(0.05, spec.positive_float)
  config.eval.ais_transitions = 20_000
  config.train = spec.train_group(
      num_steps=2 * PRETRAIN_STEPS + JOINT_STEPS, steps_per_call=100,
      log_every=1_000, checkpoint_every=5_000, keep_checkpoints=2)
  # Checked before anything is written: a joint phase after the pre-training.
  spec.constraint(
      config, ("model.pretrain_steps", "model.hidden", "train.num_steps"),
      lambda steps, hidden, num: num > len(hidden) * steps,
      "{2} must exceed {0} times the layers of {1} (one pre-training phase "
      "per layer), or the joint phase never trains",
      fix=lambda steps, hidden, num: {
          "train.num_steps": (len(hidden) + 1) * steps},
      breaks=lambda steps, hidden, num: {
          "train.num_steps": len(hidden) * max(steps, 1),
          "model.pretrain_steps": max(steps, 1)})
  if "paper" in args:
    config.model.pretrain_steps = 59_600  # 100 epochs of 596 batches.
    config.train.num_steps = 2 * 59_600 + 178_800  # + 300 epochs.
  if "quick" in args:
    config.model.hidden = (50, 50)
    config.model.pretrain_steps = 5
    groups.boltzmann_quick(config)
  return config
