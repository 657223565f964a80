"""Semi-supervised GAN on MNIST with 100 labels (10 per class).

A (K+1)-class MLP discriminator with Gaussian noise on every layer and an MLP
generator trained by feature matching (Salimans et al. 2016, Sec. 5, without
weight normalisation); all 60,000 train images serve as unlabelled data.
Needs MNIST.
  gentk train --config=ssgan_mnist --workdir=runs/ssgan_mnist
Variant `quick`: 2,000 train / 1,000 test images, 20 steps (under a minute).
Run time: about 15 minutes on a 2-core CPU (6,000 steps = 10 epochs).
Expected: 96.3% MNIST test accuracy (3.7% error; seed 0).
Reference: Salimans et al. 2016, Table 1: 0.93% +- 0.07% test error with 100
labels, after 300 epochs with weight normalisation.
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

SPLIT = spec.tfds_split("train", "test")  # MNIST's splits.


def _data() -> ml_collections.ConfigDict:
  """The `config.data` group: the unlabelled and the labelled digits."""
  data = ml_collections.ConfigDict()
  # Unlabelled (and generated) examples per step.
  data.batch_size = spec.field(100, spec.positive_int)
  # Labelled and unlabelled data.
  data.train_split = spec.field("train", SPLIT)
  # Split of the reported accuracy.
  data.test_split = spec.field("test", SPLIT)
  # Labelled examples per digit.
  data.labels_per_class = spec.field(10, spec.positive_int)
  # PRNG seed that picks the labelled examples.
  data.label_seed = spec.field(0, spec.non_negative_int)
  # 'mnist' (TFDS, under $GENTK_DATA_DIR), 'segments' (seven-segment digits,
  # no files) or 'auto' (MNIST when present; resolved when the experiment is
  # built and recorded in config.json).
  data.source = spec.field("mnist", spec.one_of("mnist", "segments", "auto"))
  return data


def _model() -> ml_collections.ConfigDict:
  """The `config.model` group: the MLP generator and the noisy (K+1)-class
  discriminator."""
  model = ml_collections.ConfigDict()
  # Dimension of z.
  model.latent_dim = spec.field(100, spec.positive_int)
  # Generator widths (batch norm).
  model.generator_hidden = spec.field((500, 500), spec.positive_ints())
  # Generator nonlinearity.
  model.generator_activation = spec.field(
      "softplus", spec.attribute_of("jax.nn", "softplus"))
  # Discriminator widths; the last is the feature-matching layer.
  model.discriminator_hidden = spec.field((1000, 500, 250, 250, 250),
                                          spec.positive_ints())
  # Std of the noise on the input.
  model.input_noise = spec.field(0.3, spec.non_negative_float)
  # Std of the noise on hidden layers.
  model.hidden_noise = spec.field(0.5, spec.non_negative_float)
  return model


def _optim() -> ml_collections.ConfigDict:
  """The `config.optim` group of both players."""
  optim = ml_collections.ConfigDict()
  optim.name = spec.field("adam", spec.one_of("adam", "rmsprop"))
  # Adam learning rate, both players.
  optim.lr = spec.field(1e-3, spec.positive_float)
  optim.b1 = spec.field(0.5, spec.fraction)  # Adam beta1.
  optim.b2 = spec.field(0.999, spec.fraction)  # Adam beta2.
  return optim


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or 'quick'."""
  args = spec.variants(arg, __file__, flags=("quick",))
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes (gentk.configs.RECIPES).
  config.experiment = groups.experiment("ssgan_mnist")
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  config.data = _data()
  config.model = _model()

  config.ssgan = ml_collections.ConfigDict()
  # Labelled examples per D step.
  config.ssgan.labelled_batch_size = spec.field(100, spec.positive_int)
  # w of the unsupervised terms.
  config.ssgan.unsupervised_weight = spec.field(0.5, spec.non_negative_float)

  config.adversarial = groups.adversarial_group()
  config.optim = _optim()
  config.train = spec.train_group(
      num_steps=6_000, steps_per_call=100, log_every=500,
      checkpoint_every=2_000, keep_checkpoints=2)
  spec.pretrain_in_run(config)  # Checked before anything is written.

  if "quick" in args:
    config.data.train_split = "train[:2000]"
    config.data.test_split = "test[:1000]"
    config.data.labels_per_class = 2
    config.data.source = "auto"
    config.train.num_steps = 20
    config.train.steps_per_call = 10
    config.train.log_every = 10
    config.train.checkpoint_every = 20
  return config
