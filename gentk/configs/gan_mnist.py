"""Adversarial methods on MNIST (DCGAN by default), scored by the
MNIST-classifier IS / FID / KID of 10,000 samples against the test images.

Variants: a method, `gan` (default), `wgan`, `wgan_gp`, `ebgan` or `began`;
players `dcgan` (default) or `mlp`; `quick` (a tiny MLP GAN for 20 steps;
`dcgan,quick` the tiny DCGAN). Budgets in generator steps of batch 64: GAN
3,000 (MLP 10,000), WGAN and WGAN-GP 1,000, EBGAN and BEGAN 3,000. Needs MNIST.
  gentk train --config=gan_mnist --workdir=runs/dcgan_mnist
Run time (2-core CPU): 4-12 minutes per method (GAN-DCGAN 11); `quick` ~10 s.
Expected (one seed; IS / FID / KID, not comparable with Inception figures):
GAN-DCGAN 6.9 / 90 / 20; MLP GAN 5.6 / 208 / 48; WGAN-GP 4.8 / 231 / 50;
WGAN 4.6 / 253 / 55; EBGAN-PT 4.8 / 206 / 36; BEGAN 1.2 / 837 / 107
(collapsed); real MNIST train images 9.75 / 2.1 / 0.19.
References: Radford et al. 2016 (DCGAN), Arjovsky et al. 2017 (WGAN),
Gulrajani et al. 2017 (WGAN-GP), Zhao et al. 2016 (EBGAN), Berthelot et al.
2017 (BEGAN).
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

METHODS = ("gan", "wgan", "wgan_gp", "ebgan", "began")
PLAYERS = ("dcgan", "mlp")
VARIANTS = METHODS + PLAYERS + ("quick",)
SPLIT = spec.tfds_split("train", "test")  # MNIST's splits.
ACTIVATION = spec.attribute_of("jax.nn", "relu")


def _model(mlp: bool) -> ml_collections.ConfigDict:
  """The `config.model` group: DCGAN or MLP players, and the autoencoder
  of EBGAN / BEGAN."""
  model = ml_collections.ConfigDict()
  # 'dcgan' or 'mlp'.
  model.name = spec.field("mlp" if mlp else "dcgan",
                          spec.one_of("dcgan", "mlp"))
  # Dimension of z ~ N(0, I).
  model.latent_dim = spec.field(64, spec.positive_int)
  # DCGAN: W (generator 2W -> W -> 1, critic W -> 2W).
  model.width = spec.field(32, spec.positive_int)
  # DCGAN: batch norm running-average decay.
  model.bn_momentum = spec.field(0.9, spec.fraction)
  # DCGAN generator's x2 layers: 'subpixel' (3x3 conv to 4x channels,
  # shuffled) or 'transposed' (4x4 stride-2 transposed conv, 0.44x the FLOPs).
  model.upsample = spec.field("subpixel", spec.one_of("subpixel",
                                                      "transposed"))
  # MLP generator (BN).
  model.generator_hidden = spec.field((256, 512, 1024), spec.positive_ints())
  # MLP discriminator widths (also the autoencoder's encoder).
  model.discriminator_hidden = spec.field((512, 256), spec.positive_ints())
  # EBGAN / BEGAN: the autoencoder's code width.
  model.code_dim = spec.field(64, spec.positive_int)
  # EBGAN / BEGAN: decoder widths.
  model.decoder_hidden = spec.field((256, 512), spec.positive_ints())
  # EBGAN / BEGAN: the autoencoder's activation (a `jax.nn` name).
  model.autoencoder_activation = spec.field("relu", ACTIVATION)
  # EBGAN / BEGAN: 'mlp' (on the flattened image) or 'conv' (width W).
  model.autoencoder = spec.field("mlp", spec.one_of("mlp", "conv"))
  # EBGAN / BEGAN, 'mlp': batch-normalise the autoencoder's hidden layers.
  model.autoencoder_batch_norm = spec.field(False, spec.boolean)
  return model


def _optim() -> ml_collections.ConfigDict:
  """The `config.optim` group of both players."""
  optim = ml_collections.ConfigDict()
  # 'adam' or 'rmsprop', both players.
  optim.name = spec.field("adam", spec.one_of("adam", "rmsprop"))
  # Learning rate (DCGAN paper).
  optim.lr = spec.field(2e-4, spec.positive_float)
  # >0: the generator's own learning rate.
  optim.generator_lr = spec.field(0.0, spec.non_negative_float)
  optim.b1 = spec.field(0.5, spec.fraction)  # Adam beta1 (DCGAN paper).
  optim.b2 = spec.field(0.999, spec.fraction)  # Adam beta2.
  # RMSProp decay of the squared-gradient average.
  optim.decay = spec.field(0.99, spec.fraction)
  return optim


def _games(config: ml_collections.ConfigDict) -> None:
  """The groups of every method (`config.method` picks one)."""
  config.gan = ml_collections.ConfigDict()
  # 'minimax', 'nonsaturating', 'maximum_likelihood' or 'boundary_seeking'.
  config.gan.generator_cost = groups.generator_cost()
  config.wgan = ml_collections.ConfigDict()
  # c: critic weights clipped to [-c, c] (paper).
  config.wgan.clip = spec.field(0.01, spec.positive_float)
  config.wgan_gp = ml_collections.ConfigDict()
  # lambda of the gradient penalty.
  config.wgan_gp.penalty_weight = spec.field(10.0, spec.non_negative_float)
  config.ebgan = ml_collections.ConfigDict()
  # m on the energy (per-pixel squared error).
  config.ebgan.margin = spec.field(0.1, spec.positive_float)
  # lambda_PT (0: plain EBGAN).
  config.ebgan.pull_away_weight = spec.field(0.1, spec.non_negative_float)
  config.began = ml_collections.ConfigDict()
  # Diversity ratio E[L(G(z))] / E[L(x)].
  config.began.gamma = spec.field(0.5, spec.positive_float)
  # Gain of the k_t control.
  config.began.lambda_k = spec.field(1e-3, spec.non_negative_float)
  # k_0 of the control, in [0, 1] (with lambda_k 0, a fixed k).
  config.began.k_init = spec.field(0.0, spec.real(0, 1))


def _eval() -> ml_collections.ConfigDict:
  """The `config.eval` group: IS / FID / KID."""
  group = ml_collections.ConfigDict()
  # Generated images scored (protocol).
  group.num_samples = spec.field(10_000, spec.integer(2))
  # Real images FID / KID compare with.
  group.reference_split = spec.field("test", SPLIT)
  # How many of them (protocol: all).
  group.num_reference = spec.field(10_000, spec.integer(2))
  # Inception Score splits (protocol).
  group.num_splits = spec.field(10, spec.positive_int)
  # KID subset pairs of up to 1,000 each.
  group.kid_subsets = spec.field(100, spec.positive_int)
  return group


def _constraints(config: ml_collections.ConfigDict) -> None:
  """Relations between fields (checked before anything is written)."""
  spec.pretrain_in_run(config)
  spec.within_split(config, "data.num_train", "data.train_split")
  spec.within_split(config, "eval.num_reference", "eval.reference_split",
                    zero_means_all=False)
  spec.at_most(config, "eval.num_splits", "eval.num_samples",
               "each Inception Score split needs samples")


def _method_settings(config: ml_collections.ConfigDict, method: str,
                     mlp: bool) -> None:
  """Each method's published setting and budget (in place)."""
  if method in ("wgan", "wgan_gp"):
    config.adversarial.disc_steps = 5  # n_critic (both papers).
    config.train.num_steps = 1_000
  if method == "wgan":
    config.optim.name = "rmsprop"  # The WGAN paper's optimizer ...
    config.optim.lr = 2e-4  # ... at 4x its 5e-5, for this short budget.
  if method == "wgan_gp":
    config.optim.lr = 1e-4  # Adam(1e-4, 0, 0.9), the WGAN-GP paper's.
    config.optim.b1 = 0.0
    config.optim.b2 = 0.9
  if method == "began":
    # ELU as in the BEGAN paper: with ReLU the L1 autoencoder sticks at
    # reconstructing every image as blank (L(x) ~ 0.125, the mean pixel).
    config.model.autoencoder_activation = "elu"
    config.optim.lr = 1e-4  # The BEGAN paper's Adam learning rate.
  if mlp and method == "gan":
    config.train.num_steps = 10_000
  if not mlp and method == "gan":
    # Two time scales (InfoGAN's rates): faster in this budget than 2e-4.
    config.optim.generator_lr = 1e-3


def _quick(config: ml_collections.ConfigDict) -> None:
  """Tiny players on 2,000 images, 20 steps (in place)."""
  config.data.source = "auto"
  config.data.num_train = 2_000
  config.data.batch_size = 16
  config.model.width = 8
  config.model.generator_hidden = (32,)
  config.model.discriminator_hidden = (32,)
  config.model.code_dim = 8
  config.model.decoder_hidden = (32,)
  config.train.num_steps = 20
  config.train.steps_per_call = 10
  config.train.log_every = 10
  config.train.checkpoint_every = 10
  config.eval.num_samples = 500
  config.eval.num_reference = 500
  config.eval.kid_subsets = 10


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated variants (see the module docstring)."""
  args = spec.variants(arg, __file__, default="gan",
                       exclusive=(METHODS, PLAYERS), flags=("quick",))
  method = next((a for a in args if a in METHODS), "gan")
  mlp = "mlp" in args or ("quick" in args and "dcgan" not in args)

  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes (gentk.configs.RECIPES).
  config.experiment = groups.experiment("gan_mnist")
  # The game: one of METHODS.
  config.method = spec.field(method, spec.one_of(*METHODS))
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  # S runs on the seed axis.
  config.num_seeds = spec.field(1, spec.positive_int)
  config.data = groups.sampled_digits_group()
  config.model = _model(mlp)
  config.adversarial = groups.adversarial_group()
  config.optim = _optim()
  _games(config)
  config.train = spec.train_group(
      num_steps=3_000, steps_per_call=100, log_every=100,
      checkpoint_every=1_000, keep_checkpoints=3,
      compute_dtype="float32")
  config.eval = _eval()
  _constraints(config)
  _method_settings(config, method, mlp)
  if "quick" in args:
    _quick(config)
  return config
