"""Digit images for the MNIST recipes, from a config's `data` group: MNIST
(`gentk.data.mnist`) or, for smoke runs on a machine without it, seven-segment
digits (`gentk.data.segment_digits`); binarised digits for the likelihood
models (dynamic or static binarisation, held-out validation and test sets).
"""
import re
import sys
from typing import Callable, NamedTuple

import jax
import ml_collections
import numpy as np

from gentk.data import mnist
from gentk.data import paths
from gentk.data import segment_digits
from gentk.training.config import ConfigError

SOURCES = ("mnist", "segments", "auto")


class BinaryDigits(NamedTuple):
  """Binarised digits: the in-step training batches and fixed held-out
  sets."""
  data_fn: Callable
  valid: np.ndarray
  test: np.ndarray
  # The training images' mean intensities [H, W, C] (= E[pixel] of the
  # dynamically binarised batches) and their number.
  pixel_means: np.ndarray
  num_train: int


def binary_digits(config: ml_collections.ConfigDict) -> BinaryDigits:
  """Binarised MNIST (or seven-segment digits) from `config.data`
  (`source`, `train_split`, `num_valid`, `test_split`, `binarization`,
  `static_seed`, `batch_size`) and `config.eval.num_test`.

  The last `num_valid` training images are held out (IWAE: 59,600 / 400).
  Training batches are binarised inside the step, anew at every step
  ('dynamic') or once with key `static_seed` ('static'); the validation and
  test images are binarised once, with keys 1 and 0.
  """
  d = config.data
  resolve_source(d)
  images = load_digits(d.source, d.train_split, seed=config.seed).images
  train, valid = images[:-d.num_valid], images[-d.num_valid:]
  test = load_digits(d.source, d.test_split, config.eval.num_test,
                     seed=config.seed).images
  labels = np.zeros(len(train), np.int32)
  if d.binarization == "static":
    data_fn = mnist.make_batch_fn(_binary(train, d.static_seed), labels,
                                  d.batch_size)
  else:
    data_fn = mnist.make_binarized_batch_fn(train, labels, d.batch_size)
  means = (np.mean(_binary(train, d.static_seed), axis=0)
           if d.binarization == "static" else np.mean(train, axis=0))
  return BinaryDigits(data_fn, _binary(valid, 1), _binary(test, 0), means,
                      len(train))


def _binary(images: np.ndarray, seed: int) -> np.ndarray:
  """One fixed binarisation of `images` (Bernoulli(intensity), key `seed`)."""
  return np.asarray(mnist.binarize(jax.random.PRNGKey(seed), images))


def mnist_available() -> bool:
  """Whether the data folder (`gentk.data.paths.data_dir()`) holds MNIST,
  as the idx files or a prepared TFDS folder."""
  try:
    root = paths.data_dir()
  except FileNotFoundError:
    return False
  return mnist.available(root)


def resolve_source(data: ml_collections.ConfigDict) -> None:
  """Replaces `data.source='auto'` in place by the source it means here.

  'auto' is what the configs' quick smoke variants set: 'mnist' when the data
  folder holds MNIST, else 'segments' (seven-segment digits), with a warning
  line on stderr naming `gentk data fetch mnist`. A full run reads 'mnist'
  and, without the data, fails with the one-line missing-data error. Called
  when the experiment is built, before `config.json` is written, so the run
  records the data it used and a resume elsewhere cannot switch silently.
  """
  if data.source not in SOURCES:
    raise ConfigError(f"config.data.source={data.source!r} is unknown: use "
                      f"one of {SOURCES}, e.g. --config.data.source=mnist.")
  if data.source == "auto":
    data.source = "mnist" if mnist_available() else "segments"
    if data.source == "segments":
      try:
        where = paths.data_dir()
      except FileNotFoundError:
        where = f"${paths.ENV_VAR}"
      print(f"warning: config.data.source='auto' and no MNIST in {where}: "
            "this smoke run trains on seven-segment digits, not MNIST; run "
            f"gentk data fetch mnist (or set {paths.ENV_VAR}) to use MNIST",
            file=sys.stderr, flush=True)


def _split_size(split: str) -> int:
  """The example count a TFDS split names ('train[:2000]' -> 2000)."""
  match = re.search(r"\[:(\d+)\]", split)
  if match:
    return int(match.group(1))
  return 10_000 if split.startswith("test") else 60_000


def load_digits(source: str, split: str, num: int = 0, *,
                seed: int = 0) -> mnist.Mnist:
  """Images `[N, 28, 28, 1]` and labels of `split` (its first `num`; 0: all)
  from a resolved `source`: MNIST (`gentk.data.mnist.load_mnist`: the idx
  files or TFDS; a one-line error naming `gentk data fetch mnist` when the
  data folder lacks it), or seven-segment digits
  (`gentk.data.segment_digits`, for smoke runs on machines without MNIST; as
  many as `num` or the split names)."""
  if source == "segments":
    return segment_digits.segment_digits(
        num or _split_size(split),
        seed=seed + (1 if split.startswith("test") else 0))
  if source != "mnist":
    raise ConfigError(f"config.data.source={source!r} must be resolved to "
                      "'mnist' or 'segments' first (see resolve_source).")
  data = mnist.load_mnist(split)
  return mnist.Mnist(data.images[:num], data.labels[:num]) if num else data


def train_and_test(data: ml_collections.ConfigDict, *, seed: int = 0
                   ) -> tuple[mnist.Mnist, mnist.Mnist]:
  """The digits of `data.train_split` and `data.test_split` (all of each),
  `data.source` resolved first (`resolve_source`)."""
  resolve_source(data)
  return (load_digits(data.source, data.train_split, seed=seed),
          load_digits(data.source, data.test_split, seed=seed))
