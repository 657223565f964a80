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

from gentk.configs import gan_mixture
from gentk.configs import mode_mixture
from gentk.training import spec

SIZES = {"dcgan_s": (1.0, 0.5), "dcgan_m": (1.0, 1.0), "dcgan_l": (2.0, 1.0)}
VARIANTS = tuple(SIZES) + ("pacgan", "dcgan_si", "adagan")
BASE_WIDTH = 32
SPLIT = spec.tfds_split("train", "test")


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: one of `VARIANTS` (default dcgan_m), optionally with 'quick'."""
  args = spec.variants(arg, __file__, default="dcgan_m",
                       exclusive=(VARIANTS,), flags=("quick",))
  variant = next((a for a in args if a in VARIANTS), "dcgan_m")
  kg, kd = SIZES.get(variant, SIZES["dcgan_m"])
  method = {"pacgan": "pacgan", "dcgan_si": "gan_si",
            "adagan": "adagan"}.get(variant, "gan")

  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes.
  config.experiment = spec.field("stacked_mnist",
                                 spec.module_in("gentk.recipes"))
  # 'gan', 'pacgan', 'gan_si' or 'adagan'.
  config.method = spec.field(method, spec.one_of("gan", "pacgan", "gan_si",
                                                 "adagan"))
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  # S runs on the seed axis.
  config.num_seeds = spec.field(1, spec.positive_int)

  config.data = ml_collections.ConfigDict()
  # 'mnist', 'segments' (seven-segment digits, no files) or 'auto'.
  config.data.source = spec.field("mnist",
                                  spec.one_of("mnist", "segments", "auto"))
  # TFDS split the digits are drawn from.
  config.data.train_split = spec.field("train", SPLIT)
  # Keep the first N images of it (0: all).
  config.data.num_train = spec.field(0, spec.non_negative_int)
  # Real (and fake) images per step.
  config.data.batch_size = spec.field(64, spec.positive_int)

  config.model = ml_collections.ConfigDict()
  # Dimension of z ~ N(0, I).
  config.model.latent_dim = spec.field(64, spec.positive_int)
  # Generator W (7 x 7 x 2W -> 14 x 14 x W -> 28 x 28 x 3).
  config.model.generator_width = spec.field(int(BASE_WIDTH * kg),
                                            spec.positive_int)
  # Discriminator W (14 x 14 x W -> 7 x 7 x 2W -> logit).
  config.model.discriminator_width = spec.field(int(BASE_WIDTH * kd),
                                                spec.positive_int)
  # Batch norm running-average decay.
  config.model.bn_momentum = spec.field(0.9, spec.fraction)

  config.adversarial = ml_collections.ConfigDict()
  # k discriminator steps per G step.
  config.adversarial.disc_steps = spec.field(1, spec.positive_int)
  # Steps of a first phase training the discriminator alone (0: none).
  config.adversarial.pretrain_steps = spec.field(0, spec.non_negative_int)

  config.optim = ml_collections.ConfigDict()
  # Adam learning rate of the discriminator (DCGAN paper).
  config.optim.lr = spec.field(2e-4, spec.positive_float)
  # >0: the generator's own learning rate.
  config.optim.generator_lr = spec.field(1e-3, spec.non_negative_float)
  config.optim.b1 = spec.field(0.5, spec.fraction)  # Adam beta1.
  config.optim.b2 = spec.field(0.999, spec.fraction)  # Adam beta2.

  config.gan = ml_collections.ConfigDict()
  # The generator cost of 'gan'.
  config.gan.generator_cost = spec.field(
      "nonsaturating", spec.one_of(*gan_mixture.GENERATOR_COSTS))
  if method == "pacgan":
    config.pacgan = ml_collections.ConfigDict()
    # m, images per pack (PacDCGAN2).
    config.pacgan.packing = spec.field(2, spec.positive_int)
    # The GAN generator cost.
    config.pacgan.generator_cost = spec.field(
        "nonsaturating", spec.one_of(*gan_mixture.GENERATOR_COSTS))
  if method == "gan_si":
    config.gan_si = ml_collections.ConfigDict()
    # lambda, the weight of H_M in the generator loss.
    config.gan_si.weight = spec.field(0.01, spec.non_negative_float)
    # sigma of H_M's Gaussian kernel on the pixels.
    config.gan_si.sigma = spec.field(1.0, spec.positive_float)
    # The GAN generator cost.
    config.gan_si.generator_cost = spec.field(
        "nonsaturating", spec.one_of(*gan_mixture.GENERATOR_COSTS))

  config.train = spec.train_group(
      num_steps=5_000, steps_per_call=100, log_every=500,
      checkpoint_every=1_000, keep_checkpoints=2,
      compute_dtype="float32")
  # Relations between fields (checked before anything is written).
  spec.pretrain_in_run(config)
  spec.within_split(config, "data.num_train", "data.train_split")
  if method == "pacgan":
    mode_mixture.whole_packs(config)
  if method == "adagan":
    # N: the fixed sample of stacks.
    config.adagan = mode_mixture.adagan_group(
        num_rounds=5, round_steps=1_000, ratio_steps=250, num_points=60_000)
    config.train.num_steps = mode_mixture.adagan_num_steps(config.adagan)
    mode_mixture.adagan_rounds_in_run(config)

  config.eval = ml_collections.ConfigDict()
  # Generated images scored (protocol: 26,000).
  config.eval.num_samples = spec.field(26_000, spec.positive_int)

  if "quick" in args:
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
      config.train.num_steps = mode_mixture.adagan_num_steps(config.adagan)
  return config
