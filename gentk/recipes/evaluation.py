"""Evaluation pieces the recipes share: sampling in chunks, PNG names per
seed, and the evaluations of the 2-D mixture (PacGAN mode metrics) and MNIST
(IS / FID / KID on the shipped classifier's features) recipes."""
import pathlib
from typing import Callable

import jax
import numpy as np

from gentk import plotting
from gentk.data import mixtures
from gentk.metrics import classifier as classifier_metrics
from gentk.metrics import modes
from gentk.types import Algorithm

GRID_SIZE = 100  # Samples in a PNG grid.


def sample_in_chunks(algorithm: Algorithm, state, key, num: int,
                     chunk: int = 250) -> np.ndarray:
  """`num` samples drawn `chunk` at a time (bounds the memory of big nets)."""
  chunk = min(chunk, num)
  count = -(-num // chunk)
  draw = jax.jit(lambda s, keys: jax.lax.map(
      lambda k: algorithm.sample(s, k, chunk), keys))
  samples = draw(state, jax.random.split(key, count))
  return np.asarray(samples.reshape((-1,) + samples.shape[2:])[:num])


def png_name(stem: str, tag: str) -> str:
  """`stem.png`, or `stem_<tag>.png` for one seed of several."""
  return f"{stem}_{tag}.png" if tag else f"{stem}.png"


def mixture_evaluate(algorithm: Algorithm, mixture: mixtures.Mixture,
                     num_samples: int) -> Callable:
  """PacGAN mode metrics on `num_samples` samples, plus a scatter plot."""
  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    samples = jax.jit(algorithm.sample, static_argnums=2)(state, key,
                                                          num_samples)
    result = {k: float(v) for k, v in
              modes.mode_metrics(samples, mixture).items()}
    plotting.scatter_with_modes(
        samples, mixture.centers, workdir / png_name("samples", tag),
        title=(f"{result['modes']:.0f}/{mixture.centers.shape[0]} modes, "
               f"{result['high_quality_pct']:.1f}% HQ, "
               f"KL {result['reverse_kl']:.2f}"))
    return result
  return evaluate


def mnist_evaluate(algorithm: Algorithm, reference: np.ndarray, *,
                   num_samples: int, num_splits: int, kid_subsets: int,
                   chunk: int = 250) -> Callable:
  """MNIST-classifier IS / FID / KID of `num_samples` samples against
  `reference`, and a grid of the first `GRID_SIZE` samples."""
  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    samples = sample_in_chunks(algorithm, state, key, num_samples, chunk)
    result = classifier_metrics.mnist_classifier_metrics(
        samples, reference, num_splits=num_splits, kid_subsets=kid_subsets)
    plotting.image_grid(samples[:GRID_SIZE], workdir / png_name("samples",
                                                                 tag))
    return result
  return evaluate
