"""Stacked MNIST (1,000 modes): DCGAN at three sizes, PacGAN2, DCGAN-SI, AdaGAN

Three MNIST digits are the channels of one image; 26,000 samples, each
channel classified by the shipped MNIST classifier: `modes` (digit triples
hit) and `kl` to the uniform over 1,000. 5,000 generator steps of batch 64,
Adam 2e-4 (the generator 1e-3). Needs MNIST.
  gentk train --config=stacked_mnist:dcgan_si --workdir=runs/stacked_dcgan_si
Variants: `dcgan_s`, `dcgan_m` (default), `dcgan_l`, `pacgan`, `dcgan_si`,
`adagan` (5 rounds of 1,000 steps), `quick` (with any of them).
Run time (one CPU core): dcgan_s 7, dcgan_m 10, dcgan_l 18, adagan 15
minutes, plus 1-2 minutes of scoring; one H100: 20,000 steps ~1 minute.
Expected (one seed; modes / KL): dcgan_m 1000 / 0.224, dcgan_si 1000 / 0.186,
dcgan_s 883 / 1.091, dcgan_l 984 / 0.449, adagan 940 / 0.744; on the H100
(20,000 steps, 3 seeds) dcgan_si 1000 / 0.162, pacgan 1000 / 0.195.
References (modes / KL): PacDCGAN2 1000 / 0.06 (PacGAN); seed 004's
DCGAN-SI(M) 969.0 / 0.30.
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

SIZES = {"dcgan_s": (1.0, 0.5), "dcgan_m": (1.0, 1.0), "dcgan_l": (2.0, 1.0)}
VARIANTS = tuple(SIZES) + ("pacgan", "dcgan_si", "adagan")
BASE_WIDTH = 32


def _model(variant: str) -> ml_collections.ConfigDict:
  """The `config.model` group: the DCGAN players at `variant`'s size."""
  kg, kd = SIZES.get(variant, SIZES["dcgan_m"])
  model = ml_collections.ConfigDict()
  # Dimension of z ~ N(0, I).
  model.latent_dim = spec.field(64, spec.positive_int)
  # Generator W (7 x 7 x 2W -> 14 x 14 x W -> 28 x 28 x 3).
  model.generator_width = spec.field(int(BASE_WIDTH * kg), spec.positive_int)
  # Discriminator W (14 x 14 x W -> 7 x 7 x 2W -> logit).
  model.discriminator_width = spec.field(int(BASE_WIDTH * kd),
                                         spec.positive_int)
  # Batch norm running-average decay.
  model.bn_momentum = spec.field(0.9, spec.fraction)
  return model


def _optim() -> ml_collections.ConfigDict:
  """The `config.optim` group: Adam at two time scales."""
  optim = ml_collections.ConfigDict()
  # Adam learning rate of the discriminator (DCGAN paper).
  optim.lr = spec.field(2e-4, spec.positive_float)
  # >0: the generator's own learning rate.
  optim.generator_lr = spec.field(1e-3, spec.non_negative_float)
  optim.b1 = spec.field(0.5, spec.fraction)  # Adam beta1.
  optim.b2 = spec.field(0.999, spec.fraction)  # Adam beta2.
  return optim


def _method_group(config: ml_collections.ConfigDict, method: str) -> None:
  """The group of `method` (named after it; 'gan': `config.gan` alone), with
  its relations."""
  if method == "pacgan":
    # PacDCGAN2: m = 2 images per pack; the GAN generator cost.
    config.pacgan = groups.pacgan_group(packing=2)
    groups.whole_packs(config)
  if method == "gan_si":
    # lambda, the weight of H_M; sigma of H_M's Gaussian kernel on the
    # pixels; the GAN generator cost.
    config.gan_si = groups.gan_si_group(weight=0.01, sigma=1.0)
  if method == "adagan":
    # N: the fixed sample of stacks.
    config.adagan = groups.adagan_group(
        num_rounds=5, round_steps=1_000, ratio_steps=250, num_points=60_000)
    config.train.num_steps = groups.adagan_num_steps(config.adagan)
    groups.adagan_rounds_in_run(config)


def _quick(config: ml_collections.ConfigDict, method: str) -> None:
  """Small players on 2,000 digits, 20 steps; adagan: 2 rounds (in
  place)."""
  config.data.source = "auto"
  config.data.num_train = 2_000
  config.data.batch_size = 16
  config.model.latent_dim = 16
  config.model.generator_width = 8
  config.model.discriminator_width = 8
  config.train.num_steps = 20
  config.train.steps_per_call = 10
  config.train.log_every = 10
  config.train.checkpoint_every = 10
  config.eval.num_samples = 500
  if method == "adagan":
    config.adagan.num_rounds = 2
    config.adagan.round_steps = 10
    config.adagan.ratio_steps = 5
    config.adagan.num_points = 500
    config.train.num_steps = groups.adagan_num_steps(config.adagan)


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: one of `VARIANTS` (default dcgan_m), optionally with 'quick'."""
  args = spec.variants(arg, __file__, default="dcgan_m",
                       exclusive=(VARIANTS,), flags=("quick",))
  variant = next((a for a in args if a in VARIANTS), "dcgan_m")
  method = {"pacgan": "pacgan", "dcgan_si": "gan_si",
            "adagan": "adagan"}.get(variant, "gan")

  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes (gentk.configs.RECIPES).
  config.experiment = groups.experiment("stacked_mnist")
  # 'gan', 'pacgan', 'gan_si' or 'adagan'.
  config.method = spec.field(method, spec.one_of("gan", "pacgan", "gan_si",
                                                 "adagan"))
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  # S runs on the seed axis.
  config.num_seeds = spec.field(1, spec.positive_int)
  config.data = groups.sampled_digits_group()
  config.model = _model(variant)
  config.adversarial = groups.adversarial_group()
  config.optim = _optim()
  config.gan = ml_collections.ConfigDict()
  # The generator cost of 'gan'.
  config.gan.generator_cost = groups.generator_cost()
  config.train = spec.train_group(
      num_steps=5_000, steps_per_call=100, log_every=500,
      checkpoint_every=1_000, keep_checkpoints=2,
      compute_dtype="float32")
  # Relations between fields (checked before anything is written).
  spec.pretrain_in_run(config)
  spec.within_split(config, "data.num_train", "data.train_split")
  _method_group(config, method)

  config.eval = ml_collections.ConfigDict()
  # Generated images scored (protocol: 26,000).
  config.eval.num_samples = spec.field(26_000, spec.positive_int)
  if "quick" in args:
    _quick(config, method)
  return config
