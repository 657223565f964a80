"""InfoGAN on MNIST: a 10-way categorical code and 2 continuous codes.

A DCGAN generator (width 32) and a discriminator body (two 4x4 stride-2
convolutions of 16 and 32 channels, a dense layer of 256, batch norm) shared
by the GAN head and the Q head; lambda = 1 for both code kinds; 12,000 steps
of batch 64. Needs MNIST.
  gentk train --config=infogan_mnist --workdir=runs/infogan_mnist
Variant `quick`: 2,000 train / 1,000 test images, 20 steps (under a minute).
Run time: about 30 minutes on a 2-core CPU (~7 steps/s).
Expected (seed 0): categorical-code-to-digit accuracy (best permutation,
MNIST test) 68.0%, MNIST-classifier IS 9.15 / FID 7.2 / KID 1.24; seed 1
50.1%: the accuracy varies much between seeds.
Reference: Chen et al. 2016, Sec. 7.1: about 95% (5% error), with larger
players and a longer budget.
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

SPLIT = spec.tfds_split("train", "test")  # MNIST's splits.


def _data() -> ml_collections.ConfigDict:
  """The `config.data` group: the digits trained on and scored."""
  data = ml_collections.ConfigDict()
  # Real (and fake) examples per step.
  data.batch_size = spec.field(64, spec.positive_int)
  data.train_split = spec.field("train", SPLIT)  # TFDS split trained on.
  # TFDS split of the code accuracy.
  data.test_split = spec.field("test", SPLIT)
  # 'mnist' (TFDS, under $GENTK_DATA_DIR), 'segments' (seven-segment digits,
  # no files) or 'auto' (MNIST when present; resolved when the experiment is
  # built and recorded in config.json).
  data.source = spec.field("mnist", spec.one_of("mnist", "segments", "auto"))
  return data


def _model() -> ml_collections.ConfigDict:
  """The `config.model` group: the generator and the shared D / Q body."""
  model = ml_collections.ConfigDict()
  # Dimension of z (the paper's MNIST model).
  model.noise_dim = spec.field(62, spec.positive_int)
  # 'dcgan' (gentk.models.dcgan, sub-pixel upsampling) or 'mlp'.
  model.generator = spec.field("dcgan", spec.one_of("dcgan", "mlp"))
  # DCGAN: channels 2W (7x7) -> W (14x14).
  model.generator_width = spec.field(32, spec.positive_int)
  # MLP generator widths (BN).
  model.generator_hidden = spec.field((512, 512), spec.positive_ints())
  # Shared body: 4x4 stride-2 convolutions (leaky ReLU) of these widths,
  # then dense layers of these widths.
  model.discriminator_conv = spec.field((16, 32), spec.positive_ints())
  model.discriminator_hidden = spec.field((256,), spec.positive_ints())
  # Width of the Q head's hidden layer.
  model.q_hidden = spec.field(128, spec.positive_int)
  # Batch norm on every D/Q layer but the first (the paper's networks).
  model.discriminator_batch_norm = spec.field(True, spec.boolean)
  return model


def _infogan() -> ml_collections.ConfigDict:
  """The `config.infogan` group: the latent codes and their weights."""
  infogan = ml_collections.ConfigDict()
  # Classes of the categorical code.
  infogan.num_categories = spec.field(10, spec.positive_int)
  # Continuous codes ~ U[-1, 1].
  infogan.num_continuous = spec.field(2, spec.non_negative_int)
  # Q's Gaussian: learned or unit std.
  infogan.learn_std = spec.field(False, spec.boolean)
  # lambda of the categorical code.
  infogan.categorical_weight = spec.field(1.0, spec.non_negative_float)
  # lambda of the continuous codes.
  infogan.continuous_weight = spec.field(1.0, spec.non_negative_float)
  return infogan


def _optim() -> ml_collections.ConfigDict:
  """The `config.optim` group: the paper's two rates."""
  optim = ml_collections.ConfigDict()
  # 'adam' or 'rmsprop'.
  optim.name = spec.field("adam", spec.one_of("adam", "rmsprop"))
  # Learning rate of D and Q (the paper's).
  optim.lr = spec.field(2e-4, spec.positive_float)
  # Learning rate of G (the paper's).
  optim.generator_lr = spec.field(1e-3, spec.non_negative_float)
  optim.b1 = spec.field(0.5, spec.fraction)  # Adam beta1.
  optim.b2 = spec.field(0.999, spec.fraction)  # Adam beta2.
  return optim


def _eval() -> ml_collections.ConfigDict:
  """The `config.eval` group: the code grid and IS / FID / KID."""
  group = ml_collections.ConfigDict()
  # Samples per code value in code_grid.png.
  group.grid_columns = spec.field(10, spec.positive_int)
  # Samples scored by IS / FID / KID.
  group.num_samples = spec.field(10_000, spec.integer(2))
  # Inception Score splits (protocol).
  group.num_splits = spec.field(10, spec.positive_int)
  # KID subset pairs of up to 1,000 each.
  group.kid_subsets = spec.field(100, spec.positive_int)
  return group


def _quick(config: ml_collections.ConfigDict) -> None:
  """2,000 train / 1,000 test images, 20 steps (in place)."""
  config.data.train_split = "train[:2000]"
  config.data.test_split = "test[:1000]"
  config.data.source = "auto"
  config.train.num_steps = 20
  config.train.steps_per_call = 10
  config.train.log_every = 10
  config.train.checkpoint_every = 20
  config.eval.num_samples = 500
  config.eval.kid_subsets = 10


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or 'quick'."""
  args = spec.variants(arg, __file__, flags=("quick",))
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes (gentk.configs.RECIPES).
  config.experiment = groups.experiment("infogan_mnist")
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  config.data = _data()
  config.model = _model()
  config.infogan = _infogan()
  config.adversarial = groups.adversarial_group()
  config.optim = _optim()
  config.train = spec.train_group(
      num_steps=12_000, steps_per_call=100, log_every=500,
      checkpoint_every=2_000, keep_checkpoints=2,
      compute_dtype="float32")
  config.eval = _eval()

  # Relations between fields (checked before anything is written).
  spec.pretrain_in_run(config)
  spec.at_most(config, "eval.num_splits", "eval.num_samples",
               "each Inception Score split needs samples")
  if "quick" in args:
    _quick(config)
  return config
