"""Recipe `gan_mnist`: DCGAN or an MLP GAN on MNIST, scored by the
MNIST-classifier IS / FID / KID, with a sample grid."""
import pathlib
from typing import Callable

import jax
import ml_collections
import numpy as np

from gentk import plotting
from gentk.algorithms import dcgan
from gentk.algorithms import gan
from gentk.data import mnist
from gentk.data import paths
from gentk.data import segment_digits
from gentk.metrics import classifier as classifier_metrics
from gentk.models import image_mlp
from gentk.recipes.gan_mixture import adam
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


def make_algorithm(config: ml_collections.ConfigDict, *,
                   axis_name: str | None) -> Algorithm:
  """DCGAN (`config.model.name='dcgan'`) or the MLP GAN ('mlp')."""
  m, g = config.model, config.gan
  common = dict(latent_dim=m.latent_dim, generator_cost=g.generator_cost,
                disc_steps=g.disc_steps, generator_optimizer=adam(config.optim),
                discriminator_optimizer=adam(config.optim),
                axis_name=axis_name)
  if m.name == "dcgan":
    return dcgan.make_dcgan(width=m.width, momentum=m.bn_momentum, **common)
  if m.name == "mlp":
    return gan.make_gan(
        image_mlp.MLPImageGenerator(tuple(m.generator_hidden)),
        image_mlp.MLPImageDiscriminator(tuple(m.discriminator_hidden)),
        **common)
  raise ConfigError(f"config.model.name={m.name!r} is unknown: use one of "
                    f"{MODELS}.")


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """GAN on MNIST: in-step batches, classifier metrics at the end."""
  d, e = config.data, config.eval
  algorithm = make_algorithm(config, axis_name=axis_name)
  train = load_images(d.source, d.train_split, seed=config.seed)
  reference = load_images(d.source, e.reference_split, e.num_reference,
                          seed=config.seed)
  data_fn = mnist.make_batch_fn(train, np.zeros(len(train), np.int32),
                                d.batch_size, num_batches=config.gan.disc_steps)
  return Experiment(algorithm, data_fn, mnist_evaluate(
      algorithm, reference, num_samples=e.num_samples,
      num_splits=e.num_splits, kid_subsets=e.kid_subsets))
