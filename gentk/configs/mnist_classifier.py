"""The MNIST classifier behind the MNIST-classifier IS / FID / KID.

A ConvClassifier (three stride-2 3x3 convolutions of 32, 64, 64 channels, a
128-unit dense layer; ~190k parameters) trained with Adam and a cosine decay
on images shifted by up to 2 pixels, 4,000 steps of batch 128. It writes
`mnist_classifier.{msgpack,json}`: copy both to `gentk/assets/` to ship a new
classifier (when `summary.json` reports `good_enough` = 1). Needs MNIST.
  gentk train --config=mnist_classifier --workdir=runs/classifier
Variants: `judge` (the independent classifier that judges PPGN's samples,
2,000 steps, written as `mnist_judge.{msgpack,json}`), `quick` (20 steps;
seconds).
Run time: about 6 minutes on a 2-core CPU.
Expected: 99.26% MNIST test accuracy (the shipped classifier); `judge` 98.9%.
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

SPLIT = spec.tfds_split("train", "test")  # MNIST's splits.


def _data() -> ml_collections.ConfigDict:
  """The `config.data` group: the digits and their shifts."""
  data = ml_collections.ConfigDict()
  # 'mnist' (TFDS, under $GENTK_DATA_DIR), 'segments' (seven-segment digits,
  # no files) or 'auto' (MNIST when present; resolved when the experiment is
  # built and recorded in config.json).
  data.source = spec.field("mnist", spec.one_of("mnist", "segments", "auto"))
  # Split trained on.
  data.train_split = spec.field("train", SPLIT)
  # Split of the reported accuracy.
  data.test_split = spec.field("test", SPLIT)
  # Examples per step.
  data.batch_size = spec.field(128, spec.positive_int)
  # Largest random translation of a training image, in pixels.
  data.max_shift = spec.field(2, spec.integer(0, 14))
  return data


def _model() -> ml_collections.ConfigDict:
  """The `config.model` group: the ConvClassifier."""
  model = ml_collections.ConfigDict()
  # Channels of the stride-2 convolutions (28 -> 14 -> 7 -> 4).
  model.channels = spec.field((32, 64, 64), spec.positive_ints())
  # Convolution kernel size.
  model.kernel_size = spec.field(3, spec.positive_int)
  # Width of the dense layer before the logits.
  model.hidden = spec.field(128, spec.positive_int)
  return model


def _eval() -> ml_collections.ConfigDict:
  """The `config.eval` group: the accuracy shipped and the files written."""
  group = ml_collections.ConfigDict()
  # Test accuracy a classifier must reach to be shipped.
  group.min_accuracy = spec.field(0.99, spec.fraction)

  # Stem of the files written (gentk.metrics.classifier.load_classifier's
  # `name`).
  group.asset_name = spec.field(
      "mnist_classifier", spec.matches(r"[A-Za-z0-9_]+", "a file stem of "
                                       "letters, digits and underscores"))
  return group


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or a comma-separated subset of 'judge', 'quick'."""
  args = spec.variants(arg, __file__, flags=("judge", "quick"))
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes (gentk.configs.RECIPES).
  config.experiment = groups.experiment("mnist_classifier")
  # Root PRNG seed: init, data and shifts derive from it.
  config.seed = spec.field(0, spec.non_negative_int)
  config.data = _data()
  config.model = _model()

  config.optim = ml_collections.ConfigDict()
  # Peak Adam learning rate (cosine decay to 0 over train.num_steps).
  config.optim.lr = spec.field(2e-3, spec.positive_float)
  config.optim.b1 = spec.field(0.9, spec.fraction)  # Adam beta1.
  config.optim.b2 = spec.field(0.999, spec.fraction)  # Adam beta2.

  config.train = spec.train_group(
      num_steps=4_000, steps_per_call=100, log_every=500,
      checkpoint_every=1_000, keep_checkpoints=2)
  config.eval = _eval()

  if "judge" in args:
    config.seed = 1
    config.model.channels = (16, 32)
    config.model.kernel_size = 5
    config.model.hidden = 64
    config.train.num_steps = 2_000
    config.eval.min_accuracy = 0.985
    config.eval.asset_name = "mnist_judge"
  if "quick" in args:
    config.data.source = "auto"
    config.data.train_split = "train[:2000]"
    config.data.test_split = "test[:1000]"
    config.train.num_steps = 20
    config.train.steps_per_call = 10
    config.train.log_every = 10
    config.train.checkpoint_every = 20
  return config
