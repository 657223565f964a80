"""Recipe `gan_mnist`: adversarial methods on MNIST, scored by the
MNIST-classifier IS / FID / KID, with a sample grid.

`config.method` picks the game ('gan', 'wgan', 'wgan_gp', 'ebgan', 'began';
see `METHODS`), `config.model.name` the players: 'dcgan' (conv generator with
batch norm; conv discriminator, with batch norm for 'gan' only, so a critic
scores examples independently) or 'mlp' (fully connected; batch norm in the
generator only). EBGAN and BEGAN take an autoencoder discriminator,
`config.model.autoencoder`: 'mlp' (on the flattened image) or 'conv'.
"""
import pathlib
from typing import Callable

import jax
import ml_collections
import numpy as np

from gentk import plotting
from gentk.algorithms import adversarial as adversarial_lib
from gentk.algorithms import gan
from gentk.algorithms import wgan
from gentk.data import mnist
from gentk.data import paths
from gentk.data import segment_digits
from gentk.metrics import classifier as classifier_metrics
from gentk.models import dcgan
from gentk.models import image_mlp
from gentk.models import mnist_mlp
from gentk.recipes import adversarial_mixture
from gentk.training.config import ConfigError
from gentk.training.loop import Experiment
from gentk.types import Algorithm

MODELS = ("dcgan", "mlp")
SOURCES = ("mnist", "segments", "auto")
GRID_SIZE = 100  # Samples in the PNG grid.


def mnist_available() -> bool:
  """Whether `$GENTK_DATA_DIR` holds the prepared TFDS MNIST."""
  root = paths.data_dir()
  return root is not None and (root / "tfds" / mnist.NAME).is_dir()


def load_images(source: str, split: str, num: int | None = None, *,
                seed: int = 0) -> np.ndarray:
  """Images `[N, 28, 28, 1]` of `split` from `source` (see the config).

  'auto' reads MNIST when `$GENTK_DATA_DIR` holds it, else makes seven-segment
  digits (`gentk.data.segment_digits`): for smoke runs on machines without
  MNIST.
  """
  if source not in SOURCES:
    raise ConfigError(f"config.data.source={source!r} is unknown: use one of "
                      f"{SOURCES}.")
  if source == "segments" or (source == "auto" and not mnist_available()):
    size = num or (10_000 if split.startswith("test") else 60_000)
    return segment_digits.segment_digits(
        size, seed=seed + (1 if split.startswith("test") else 0)).images
  images = mnist.load_mnist(split).images
  return images[:num] if num else images


def sample_in_chunks(algorithm: Algorithm, state, key, num: int,
                     chunk: int) -> np.ndarray:
  """`num` samples drawn `chunk` at a time (bounds the memory of big nets)."""
  chunk = min(chunk, num)
  count = -(-num // chunk)
  draw = jax.jit(lambda s, keys: jax.lax.map(
      lambda k: algorithm.sample(s, k, chunk), keys))
  samples = draw(state, jax.random.split(key, count))
  return np.asarray(samples.reshape((-1,) + samples.shape[2:])[:num])


def mnist_evaluate(algorithm: Algorithm, reference: np.ndarray, *,
                   num_samples: int, num_splits: int, kid_subsets: int,
                   chunk: int = 250) -> Callable:
  """MNIST-classifier IS / FID / KID of `num_samples` samples against
  `reference`, and a grid of the first `GRID_SIZE` samples."""
  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    samples = sample_in_chunks(algorithm, state, key, num_samples, chunk)
    result = classifier_metrics.mnist_classifier_metrics(
        samples, reference, num_splits=num_splits, kid_subsets=kid_subsets)
    name = f"samples_{tag}.png" if tag else "samples.png"
    plotting.image_grid(samples[:GRID_SIZE], workdir / name)
    return result
  return evaluate


def _scorer(config, axis_name: str | None, *, batch_norm: bool):
  """`(module, what the game applies)`: one score (logit) per image."""
  m = config.model
  if m.name == "dcgan":
    module = dcgan.DCGANDiscriminator(m.width, m.bn_momentum, axis_name,
                                      batch_norm=batch_norm)
    return module, adversarial_lib.TrainMode(module) if batch_norm else module
  module = image_mlp.MLPImageDiscriminator(tuple(m.discriminator_hidden))
  return module, module


def _gan(config, latent_fn, axis_name):
  module, applied = _scorer(config, axis_name, batch_norm=True)
  return module, gan.gan_game(applied, latent_fn,
                              generator_cost=config.gan.generator_cost)


def _wgan(config, latent_fn, axis_name):
  module, applied = _scorer(config, axis_name, batch_norm=False)
  return module, wgan.wgan_game(applied, latent_fn, clip=config.wgan.clip)


def _wgan_gp(config, latent_fn, axis_name):
  module, applied = _scorer(config, axis_name, batch_norm=False)
  return module, wgan.wgan_game(
      applied, latent_fn, penalty_weight=config.wgan_gp.penalty_weight)


def _autoencoder_method(name: str) -> Callable:
  """`adversarial_mixture.METHODS[name]` (EBGAN, BEGAN: an autoencoder
  without batch statistics, so `axis_name` is unused)."""
  method = adversarial_mixture.METHODS[name]
  return lambda config, latent_fn, axis_name: method(config, latent_fn)


# config.method -> (config, latent_fn, axis_name) -> (discriminator, Game).
METHODS: dict[str, Callable] = {
    "gan": _gan,
    "wgan": _wgan,
    "wgan_gp": _wgan_gp,
    "ebgan": _autoencoder_method("ebgan"),
    "began": _autoencoder_method("began"),
}


def make_algorithm(config: ml_collections.ConfigDict, *,
                   axis_name: str | None) -> Algorithm:
  """The method `config.method` with the players of `config.model.name`."""
  m = config.model
  if config.method not in METHODS:
    raise ConfigError(f"config.method={config.method!r} is unknown: use one "
                      f"of {sorted(METHODS)}.")
  if m.name not in MODELS:
    raise ConfigError(f"config.model.name={m.name!r} is unknown: use one of "
                      f"{MODELS}.")
  if m.name == "dcgan":
    generator = dcgan.DCGANGenerator(m.width, 1, m.bn_momentum, axis_name)
  else:
    generator = mnist_mlp.MLPGenerator(hidden=tuple(m.generator_hidden),
                                       momentum=m.bn_momentum)
  discriminator, game = METHODS[config.method](
      config, adversarial_lib.gaussian_latent(m.latent_dim), axis_name)
  generator_optimizer, discriminator_optimizer = (
      adversarial_mixture.optimizers(config.optim))
  return adversarial_lib.make_adversarial(
      generator, discriminator, game,
      disc_steps=config.adversarial.disc_steps,
      generator_optimizer=generator_optimizer,
      discriminator_optimizer=discriminator_optimizer, axis_name=axis_name)


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """An adversarial method on MNIST: in-step batches, classifier metrics."""
  d, e = config.data, config.eval
  algorithm = make_algorithm(config, axis_name=axis_name)
  train = load_images(d.source, d.train_split, d.num_train or None,
                      seed=config.seed)
  reference = load_images(d.source, e.reference_split, e.num_reference,
                          seed=config.seed)
  data_fn = mnist.make_batch_fn(train, np.zeros(len(train), np.int32),
                                d.batch_size,
                                num_batches=config.adversarial.disc_steps)
  return Experiment(algorithm, data_fn, mnist_evaluate(
      algorithm, reference, num_samples=e.num_samples,
      num_splits=e.num_splits, kid_subsets=e.kid_subsets))
