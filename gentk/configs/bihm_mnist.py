r"""Bidirectional Helmholtz Machine (or reweighted wake-sleep) on dynamically
binarised MNIST.

Layered sigmoid belief networks p (top-down) and q (bottom-up) trained with
K = 10 samples per example by the BiHM's gradient estimator; Adam 1e-3,
batch 100. The BiHM's test log-likelihood is 2 log p~*(x) - log Z^2: the
bound 2 log p~*(x) estimated with `eval.num_samples` draws per test image and
log Z^2 from `eval.z_samples` draws (-log Z^2 = 2 D_B(p, q) is reported too).
Run (CPU budget, about 50 minutes on 2 cores):
  GENTK_DATA_DIR=../shared/data python -m experiments.main \
    --config=experiments/configs/bihm_mnist.py --workdir=runs/bihm_mnist
Variants: `paper` (the 12 layers of Bornschein et al. 2016: 300, 200, 100,
75, 50, 35, 30, 25, 20, 15, 10, 10), `rws` (reweighted wake-sleep, the
baseline, from the same code), `quick` (2,000 train / 200 test images, 20
steps; seven-segment digits when $GENTK_DATA_DIR holds no MNIST). The
default network is a CPU-budget one: 200, 100, 50, 20.

Expected (measured 2026-11-26, shared 2-core CPU, at 40,000 steps = 41
minutes of training): test log-likelihood
estimate -96.21 +- 0.25 over all 10,000 test images (bound 2 log p~*(x)
-101.36, 2 D_B = 5.15).
Reference: BiHM test log-likelihood estimate -84.8 (12 layers, Bornschein et
al. 2016).
"""
import ml_collections

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
  # module of gentk/recipes.
  config.experiment = spec.field("bihm_mnist", spec.module_in("gentk.recipes"))
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)

  config.data = spec.binary_digits_group()

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
  spec.binary_digits_constraints(config)  # Checked before anything is written.

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
