"""Recipe `gan_mnist`: adversarial methods on MNIST, scored by the
MNIST-classifier IS / FID / KID, with a sample grid.

`config.method` picks the method ('gan', 'wgan', 'wgan_gp', 'fgan', 'ebgan',
'began'; see `adversarial_methods.ADVERSARIAL_METHODS`), `config.model.name`
the players:
'dcgan' (conv generator with batch norm; conv discriminator, with batch norm
for 'gan' only, so a critic scores examples independently) or 'mlp' (fully
connected; batch norm in the generator only). EBGAN and BEGAN take an
autoencoder discriminator, `config.model.autoencoder`: 'mlp' (on the flattened
image) or 'conv'. `config.data.source='auto'` is resolved when the experiment
is built (MNIST when `$GENTK_DATA_DIR` holds it, else seven-segment digits)
and the resolved source is what `config.json` records.
"""
import ml_collections
import numpy as np

from gentk.data import mnist
from gentk.models import dcgan
from gentk.models import image_mlp
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment
from gentk.types import Algorithm
from gentk.recipes import evaluation
from gentk.data import digits
from gentk.recipes import adversarial_methods

MODELS = ("dcgan", "mlp")


def players(model: ml_collections.ConfigDict, axis_name: str | None,
            dtype=None) -> adversarial_methods.Players:
  """The image players of `model.name`; `dtype` is the computation dtype of
  the DCGAN players and of the MLP generator (None: float32)."""
  if model.name not in MODELS:
    raise ConfigError(f"config.model.name={model.name!r} is unknown: use one "
                      f"of {MODELS}, e.g. --config.model.name=dcgan.")
  if model.name == "dcgan":
    return adversarial_methods.Players(
        generator=dcgan.DCGANGenerator(model.width, 1, model.bn_momentum,
                                       axis_name, dtype=dtype,
                                       upsample=model.upsample),
        scorer=lambda batch_norm: dcgan.DCGANDiscriminator(
            model.width, model.bn_momentum, axis_name, batch_norm=batch_norm,
            dtype=dtype),
        autoencoder=lambda: adversarial_methods.autoencoder_discriminator(
            model))
  return adversarial_methods.Players(
      generator=image_mlp.MLPGenerator(hidden=tuple(model.generator_hidden),
                                       momentum=model.bn_momentum,
                                       axis_name=axis_name, dtype=dtype),
      scorer=lambda batch_norm: image_mlp.MLPImageDiscriminator(
          tuple(model.discriminator_hidden)),
      autoencoder=lambda: adversarial_methods.autoencoder_discriminator(model))


def make_algorithm(config: ml_collections.ConfigDict, *,
                   axis_name: str | None) -> Algorithm:
  """The method `config.method` with the players of `config.model.name`."""
  return adversarial_methods.adversarial_algorithm(
      config, players(config.model, axis_name,
                      adversarial_methods.compute_dtype(config)),
      axis_name=axis_name)


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """An adversarial method on MNIST: in-step batches, classifier metrics."""
  d, e = config.data, config.eval
  digits.resolve_source(d)
  algorithm = make_algorithm(config, axis_name=axis_name)
  train = digits.load_digits(d.source, d.train_split, d.num_train,
                             seed=config.seed).images
  reference = digits.load_digits(d.source, e.reference_split, e.num_reference,
                                 seed=config.seed).images
  data_fn = mnist.make_batch_fn(train, np.zeros(len(train), np.int32),
                                d.batch_size)
  return Experiment(algorithm, data_fn, evaluation.mnist_evaluate(
      algorithm, reference, num_samples=e.num_samples,
      num_splits=e.num_splits, kid_subsets=e.kid_subsets))
