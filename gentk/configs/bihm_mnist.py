"""Bidirectional Helmholtz machine (or reweighted wake-sleep) on dynamically
binarised MNIST.

Layered sigmoid belief networks p and q (200, 100, 50, 20: a CPU-budget
network) trained with K = 10 samples per example, Adam 1e-3, batch 100. Test
log-likelihood 2 log p~*(x) - log Z^2 on all 10,000 test images. Needs MNIST.
  gentk train --config=bihm_mnist --workdir=runs/bihm_mnist
Variants: `paper` (Bornschein et al.'s 12 layers), `rws` (reweighted
wake-sleep, the baseline), `quick` (20 steps).
Run time (2-core CPU): about 50 minutes (41 minutes of training, 40,000 steps).
Expected: test log-likelihood -96.21 +- 0.25 (bound 2 log p~*(x) -101.36,
2 D_B = 5.15).
Reference: Bornschein et al. 2016, BiHM test log-likelihood -84.8 (12 layers).
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

# Draws of Z^2 per compiled call (`gentk.recipes.bihm_mnist.estimate_log_z2`'s
# chunk): more draws must come in whole chunks.
Z_CHUNK = 10_000
Z_SAMPLES = spec.Check(
    f"an int in [1, {Z_CHUNK:,}] or a multiple of {Z_CHUNK:,} (drawn "
    f"{Z_CHUNK:,} at a time)",
    lambda v, _: spec.positive_int.accepts(v, _) and (
        v <= Z_CHUNK or v % Z_CHUNK == 0))


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or a comma-separated subset of 'paper', 'rws', 'quick'."""
  args = spec.variants(arg, __file__, flags=("paper", "rws", "quick"))
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes (gentk.configs.RECIPES).
  config.experiment = groups.experiment("bihm_mnist")
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)

  config.data = groups.binary_digits_group()

  config.model = ml_collections.ConfigDict()
  # Binary units per latent layer, bottom first.
  config.model.hidden = spec.field((200, 100, 50, 20), spec.positive_ints())
  # 'bihm' or 'rws' (reweighted wake-sleep).
  config.model.method = spec.field("bihm", spec.one_of("bihm", "rws"))
  # K, samples of h per example in training.
  config.model.num_samples = spec.field(10, spec.positive_int)

  config.optim = ml_collections.ConfigDict()
  config.optim.lr = spec.field(1e-3, spec.positive_float)  # Adam rate.
  config.optim.b1 = spec.field(0.9, spec.fraction)  # Adam beta1.
  config.optim.b2 = spec.field(0.999, spec.fraction)  # Adam beta2.

  config.eval = ml_collections.ConfigDict()
  # Importance samples per test image.
  config.eval.num_samples = spec.field(1_000, spec.positive_int)
  # Draws of the Z^2 estimate (BiHM).
  config.eval.z_samples = spec.field(100_000, Z_SAMPLES)
  # Test images scored (0: the whole split).
  config.eval.num_test = spec.field(0, spec.non_negative_int)

  config.train = spec.train_group(
      num_steps=40_000, steps_per_call=100, log_every=1_000,
      checkpoint_every=10_000, keep_checkpoints=2)
  # Checked before anything is written.
  groups.binary_digits_constraints(config)

  if "paper" in args:
    config.model.hidden = (300, 200, 100, 75, 50, 35, 30, 25, 20, 15, 10, 10)
  if "rws" in args:
    config.model.method = "rws"
  if "quick" in args:
    config.data.train_split = "train[:2000]"
    config.data.test_split = "test[:200]"
    config.data.num_valid = 100
    config.data.source = "auto"
    config.model.hidden = (16, 8)
    config.eval.num_samples = 100
    config.eval.z_samples = 1_000
    config.train.num_steps = 20
    config.train.steps_per_call = 10
    config.train.log_every = 10
    config.train.checkpoint_every = 10
  return config
