"""VAE (SGVB) and IWAE on dynamically binarised MNIST (Burda et al. 2016).

784-[200,200]-50 (tanh), Gaussian q(z|x), Bernoulli p(x|z); batch 100, Adam
with the rate cosine-decayed from 1e-3 to 1e-4. Scored on all 10,000 test
images: log-likelihood by importance sampling (K = 5,000 draws per image)
with its stderr, the ELBO and the IWAE-5 / IWAE-50 bounds. Needs MNIST.
  gentk train --config=vae_mnist --workdir=runs/vae_mnist
Variants: `iwae` (k = 5), `two_layer`, `static` (one fixed binarisation),
`paper` (Burda et al.'s 8-stage schedule, batch 20), `quick` (20 steps).
Run time (2-core CPU): 47 minutes of training (180,000 steps; `iwae` 60,000
steps, 45 minutes) and 15-45 minutes of scoring; `iwae,paper` on one H100
(experiments/accelerator/iwae_paper.sh, 773,000 steps): 5.3 minutes.
Expected test log-likelihood: -88.44 +- 0.24 (ELBO -92.28, IWAE-50 -89.22);
`iwae` -89.01 +- 0.24; `iwae,paper` on the H100 -85.94 +- 0.22.
Reference (Burda et al. 2016, Table 1, -log p(x)): VAE 86.76, IWAE k=50 84.78.
"""
import math

import ml_collections

from gentk.configs import groups
from gentk.training import spec


def constraints(config: ml_collections.ConfigDict) -> None:
  """Declares the relations between the fields of `config`: the splits, the
  IWAE-k bounds' k against the K draws, and SGVB B's one stochastic
  layer."""
  groups.binary_digits_constraints(config)
  spec.constraint(
      config, ("eval.ks", "eval.num_samples"),
      lambda ks, num: all(num % k == 0 for k in ks),
      "every k of {0} must divide {1} (the IWAE-k bound splits the K draws "
      "into K / k groups of k)",
      fix=lambda ks, num: {"eval.num_samples": -(-num // math.lcm(*ks))
                           * math.lcm(*ks)},
      breaks=lambda ks, num: {"eval.ks": (num + 1,)})
  spec.constraint(
      config, ("model.objective", "model.latents"),
      lambda objective, latents: objective != "sgvb_b" or len(latents) == 1,
      "objective 'sgvb_b' takes the KL in closed form, of one stochastic "
      "layer: {1} must then have one width (or {0} 'sgvb_a' or 'iwae')",
      fix=lambda objective, latents: {"model.objective": "sgvb_a"},
      breaks=lambda objective, latents: {
          "model.objective": "sgvb_b",
          "model.latents": tuple(latents) + (latents[-1],)})


def _model() -> ml_collections.ConfigDict:
  """The `config.model` group: the layers and the objective."""
  model = ml_collections.ConfigDict()
  # Widths of z_1, ..., z_L (stochastic layers).
  model.latents = spec.field((50,), spec.positive_ints())
  # Deterministic layers between x and z_1, in the encoder and the decoder.
  model.hidden = spec.field((200, 200), spec.positive_ints())
  # Deterministic layers between z_l and z_{l+1} (two or more layers).
  model.hidden_upper = spec.field((100, 100), spec.positive_ints())
  # 'sgvb_a', 'sgvb_b' (analytic KL) or 'iwae'.
  model.objective = spec.field("sgvb_b",
                               spec.one_of("sgvb_a", "sgvb_b", "iwae"))
  # k, draws of z per example in training.
  model.num_samples = spec.field(1, spec.positive_int)
  return model


def _optim() -> ml_collections.ConfigDict:
  """The `config.optim` group: Adam and its rate's schedule."""
  optim = ml_collections.ConfigDict()
  optim.lr = spec.field(1e-3, spec.positive_float)  # Adam rate.
  # 'cosine' (from optim.lr to optim.lr * optim.final_lr_fraction over the
  # run) or 'burda' (Burda et al.'s 8 stages of 3^i epochs, lr * 10^(-i/7),
  # scaled to the run's steps: gentk.algorithms.vae.burda_schedule).
  optim.schedule = spec.field("cosine", spec.one_of("cosine", "burda"))
  # The cosine decay's rate at the last step, as a fraction of optim.lr (1:
  # constant; 0.1: 1e-4).
  optim.final_lr_fraction = spec.field(0.1, spec.real(0, 1))
  optim.b1 = spec.field(0.9, spec.fraction)  # Adam beta1.
  optim.b2 = spec.field(0.999, spec.fraction)  # Adam beta2.
  optim.eps = spec.field(1e-8, spec.positive_float)  # Adam epsilon.
  return optim


def _eval() -> ml_collections.ConfigDict:
  """The `config.eval` group: the importance-sampled log-likelihood."""
  group = ml_collections.ConfigDict()
  # K, importance samples per test image (protocol: 5,000).
  group.num_samples = spec.field(5_000, spec.positive_int)
  # The k of the IWAE-k bounds reported (each divides eval.num_samples).
  group.ks = spec.field((5, 50), spec.positive_ints())
  # Test images scored (0: the whole split).
  group.num_test = spec.field(0, spec.non_negative_int)
  return group


def _variants(config: ml_collections.ConfigDict, args) -> None:
  """`two_layer`, `iwae`, `paper` and `static` among `args` (in place)."""
  if "two_layer" in args:
    config.model.latents = (100, 50)
    config.model.objective = "sgvb_a"  # sgvb_b needs one layer.
  if "iwae" in args:
    config.model.objective = "iwae"
    config.model.num_samples = 5
    config.train.num_steps = 60_000  # 5 draws per step: the same hour.
  if "paper" in args:  # Burda et al.'s schedule: 3,280 epochs of batch 20.
    config.data.batch_size = 20
    config.optim.schedule = "burda"
    config.optim.eps = 1e-4
    if "iwae" in args:
      config.model.num_samples = 50
    config.train.num_steps = 3_280 * (59_600 // 20)
    config.train.steps_per_call = 1_000
    config.train.log_every = 20_000
    config.train.checkpoint_every = 200_000
  if "static" in args:
    config.data.binarization = "static"


def _quick(config: ml_collections.ConfigDict, args) -> None:
  """2,000 train / 500 test images, small layers, 20 steps (in place)."""
  config.data.train_split = "train[:2000]"
  config.data.test_split = "test[:500]"
  config.data.num_valid = 100
  config.data.source = "auto"
  config.model.hidden = (32,)
  config.model.hidden_upper = (16,)
  config.model.latents = (8,) if "two_layer" not in args else (8, 4)
  config.eval.num_samples = 100
  config.eval.ks = (5, 50)
  config.train.num_steps = 20
  config.train.steps_per_call = 10
  config.train.log_every = 10
  config.train.checkpoint_every = 10


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or a comma-separated subset of 'iwae', 'two_layer',
  'static', 'paper', 'quick'."""
  args = spec.variants(arg, __file__,
                       flags=("iwae", "two_layer", "static", "paper",
                              "quick"))
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes (gentk.configs.RECIPES).
  config.experiment = groups.experiment("vae_mnist")
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  config.data = groups.binary_digits_group()
  config.model = _model()
  config.optim = _optim()
  config.eval = _eval()
  config.train = spec.train_group(
      num_steps=180_000, steps_per_call=100, log_every=1_000,
      checkpoint_every=5_000, keep_checkpoints=2)
  constraints(config)  # Checked before anything is written.
  _variants(config, args)
  if "quick" in args:
    _quick(config, args)
  return config
