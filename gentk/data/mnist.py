r"""MNIST through `tfds.data_source`, held on device, batches drawn in the step.

Loading decodes the PNG-encoded TFDS records once (Pillow, ~1.5 s per 10,000
images) and caches the decoded uint8 arrays in memory for the process and on
disk as `.npz` (never pickle) under `$GENTK_CACHE_DIR` (default
`~/.cache/gentk`). The cache key is the TFDS folder and the size and mtime of
the split's record files, so a changed data set is decoded again, and data
that has no record files (`tfds.testing.mock_data`) is never cached.

Where the data comes from:

* `data_dir` (or `$GENTK_DATA_DIR`) set: `<data_dir>/tfds` read with
  `download=False`; a one-line `FileNotFoundError` names the path and the fix
  when MNIST is not there.
* neither set: an ordinary TFDS load that downloads on a user's machine.

Batches are pure functions of `(key, step)` (see `make_batch_fn`): indices
`~ U{0..N-1}` i.i.d. from `fold_in(key, step)` index the on-device arrays, so
a resumed run draws the same batches without any iterator state. Stacked
MNIST stacks `stack = 3` independent digits as channels (1,000 modes).

References:
  LeCun et al. 1998, "Gradient-based learning applied to document
    recognition", http://yann.lecun.com/exdb/mnist/
  Metz et al. 2017, "Unrolled Generative Adversarial Networks" (Stacked
    MNIST), https://arxiv.org/abs/1611.02163
"""
import functools
import hashlib
import json
import os
import pathlib
from typing import Callable, NamedTuple

import chex
import jax
import jax.numpy as jnp
import numpy as np

from gentk.data import paths
from gentk.types import Array, ArrayLike, PRNGKey

NAME = "mnist"
NUM_CLASSES = 10
IMAGE_SHAPE = (28, 28, 1)
CACHE_ENV_VAR = "GENTK_CACHE_DIR"

# Decoded uint8 images and int32 labels, keyed by the cache key (see
# `_cache_key`). Holding them avoids decoding twice in one process.
_MEMORY: dict[str, tuple[np.ndarray, np.ndarray]] = {}


class Mnist(NamedTuple):
  """One split of MNIST as host arrays.

  Attributes:
    images: float32 in [0, 1], shape `[N, 28, 28, 1]`.
    labels: int32 digits in {0..9}, shape `[N]`.
  """
  images: np.ndarray
  labels: np.ndarray


def default_cache_dir() -> pathlib.Path:
  """`$GENTK_CACHE_DIR`, else `$XDG_CACHE_HOME/gentk`, else `~/.cache/gentk`."""
  if os.environ.get(CACHE_ENV_VAR):
    return pathlib.Path(os.environ[CACHE_ENV_VAR]).expanduser()
  base = os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache"
  return pathlib.Path(base) / "gentk"


def clear_memory_cache() -> None:
  """Forgets the decoded arrays held by this process (the disk cache stays)."""
  _MEMORY.clear()


def _data_source(split: str, data_dir: str | os.PathLike | None):
  """The TFDS random-access source of `split`, with one-line errors."""
  import tensorflow_datasets as tfds  # pylint: disable=g-import-not-at-top
  root = (pathlib.Path(data_dir).expanduser().resolve()
          if data_dir is not None else paths.data_dir())
  if root is None:  # A user's machine: TFDS downloads and prepares MNIST.
    return tfds.data_source(NAME, split=split, download=True)
  tfds_dir = root / "tfds"
  fix = (f"point {paths.ENV_VAR} (or data_dir=) at the folder holding "
         f"tfds/{NAME}/ (e.g. ../shared/data), or unset it to let TFDS "
         "download MNIST")
  if not (tfds_dir / NAME).is_dir():
    raise FileNotFoundError(f"MNIST not found: {tfds_dir / NAME} does not "
                            f"exist; {fix}.")
  if not any((tfds_dir / NAME).glob("*/dataset_info.json")):
    raise FileNotFoundError(f"MNIST not found: {tfds_dir / NAME} holds no "
                            f"prepared version (*/dataset_info.json); {fix}.")
  try:
    return tfds.data_source(NAME, split=split, data_dir=str(tfds_dir),
                            download=False)
  except (AssertionError, FileNotFoundError, NotImplementedError,
          ValueError) as e:
    reason = (str(e).strip().splitlines() or [repr(e)])[0].rstrip(":")
    raise FileNotFoundError(f"MNIST split {split!r} could not be read from "
                            f"{tfds_dir / NAME} ({reason}); {fix}.") from e


def _cache_key(source, split: str) -> str | None:
  """A digest of the source's folder and record files, or None without files."""
  folder = pathlib.Path(str(source.dataset_info.data_dir))
  base = split.split("[")[0]
  files = sorted(folder.glob(f"{NAME}-{base}.*")) if folder.is_dir() else []
  if not files:
    return None
  stats = [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]
  blob = json.dumps([str(folder.resolve()), split, stats])
  return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _decode(source) -> tuple[np.ndarray, np.ndarray]:
  """Decodes every record: uint8 `[N, 28, 28, 1]` images, int32 `[N]` labels."""
  examples = [source[i] for i in range(len(source))]
  images = np.stack([np.asarray(ex["image"], np.uint8) for ex in examples])
  labels = np.asarray([ex["label"] for ex in examples], np.int32)
  return images.reshape((-1,) + IMAGE_SHAPE), labels


def _read_npz(path: pathlib.Path) -> tuple[np.ndarray, np.ndarray] | None:
  try:
    with np.load(path, allow_pickle=False) as f:
      return f["images"], f["labels"]
  except (OSError, KeyError, ValueError):  # Missing or damaged: decode again.
    return None


def _write_npz(path: pathlib.Path, images: np.ndarray,
               labels: np.ndarray) -> None:
  """Writes atomically (temporary file + rename); a read-only cache is skipped."""
  try:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
      np.savez(f, images=images, labels=labels)  # Uncompressed: loads in ~0.1 s.
    os.replace(tmp, path)
  except OSError:
    pass


def load_mnist(split: str = "train", *,
               data_dir: str | os.PathLike | None = None,
               cache_dir: str | os.PathLike | None = None,
               cache: bool = True) -> Mnist:
  """Loads a split of MNIST as float32 images in [0, 1] and int32 labels.

  Args:
    split: a TFDS split, e.g. 'train', 'test' or 'train[:2000]'.
    data_dir: the gentk data folder holding `tfds/mnist/` (default:
      `$GENTK_DATA_DIR`); when neither is set, TFDS downloads MNIST.
    cache_dir: where decoded splits are kept as `.npz` (default:
      `default_cache_dir()`).
    cache: False decodes afresh and neither reads nor writes any cache.
  Returns:
    `Mnist(images [N, 28, 28, 1] float32, labels [N] int32)`.
  Raises:
    FileNotFoundError: one line naming the path and the fix when the data
      folder is set but MNIST is not in it.
  """
  source = _data_source(split, data_dir)
  key = _cache_key(source, split) if cache else None
  arrays = _MEMORY.get(key) if key else None
  if arrays is None and key:
    npz = pathlib.Path(cache_dir or default_cache_dir()) / f"{NAME}-{key}.npz"
    arrays = _read_npz(npz)
    if arrays is None:
      arrays = _decode(source)
      _write_npz(npz, *arrays)
    _MEMORY[key] = arrays
  if arrays is None:
    arrays = _decode(source)
  images, labels = arrays
  return Mnist(images.astype(np.float32) / 255.0, labels.astype(np.int32))


def stack_images(images: ArrayLike, idx: ArrayLike) -> Array:
  """`images[idx]` stacked as channels: indices `[..., S]` into images
  `[N, H, W, C]` -> float32 `[..., H, W, S*C]` (channel s holds image
  `idx[..., s]`; Stacked MNIST's image of a triple of digit indices)."""
  x = jnp.moveaxis(jnp.asarray(images)[idx], -4, -2)  # [..., H, W, S, C]
  return x.reshape(x.shape[:-2] + (-1,)).astype(jnp.float32)


def _draw(images: Array, labels: Array, key: PRNGKey, step: ArrayLike,
          num_batches: int | None = None, *, batch_size: int, stack: int,
          num_classes: int) -> dict[str, Array]:
  """One batch (or `num_batches` stacked on axis 1): `stack` i.i.d. images
  per example, stacked as channels."""
  shape = (batch_size,) if num_batches is None else (batch_size, num_batches)
  idx = jax.random.randint(jax.random.fold_in(key, step), shape + (stack,), 0,
                           images.shape[0])
  x = stack_images(images, idx)
  digits = num_classes ** jnp.arange(stack - 1, -1, -1)  # Most significant first.
  return {"x": x, "label": jnp.sum(labels[idx] * digits, axis=-1)}


def make_batch_fn(images: ArrayLike, labels: ArrayLike, batch_size: int, *,
                  stack: int = 1, num_classes: int = NUM_CLASSES
                  ) -> Callable[..., dict[str, Array]]:
  r"""Returns `batch_fn(key, step, num_batches=None) -> {"x", "label"}`, pure
  in `(key, step)`; `num_batches` k (a static int, the training phase's, see
  `gentk.types.Phase`) draws `[batch_size, k, ...]`, one batch per inner step
  (e.g. per discriminator step), example axis first.

  Each example draws `stack` indices $i_1..i_S \sim U\{0..N-1\}$ (i.i.d., with
  replacement) from `fold_in(key, step)`; its image is the channel
  concatenation of `images[i_s]` and its label is
  $\sum_s \text{labels}[i_s] \cdot K^{S-s}$ (Stacked MNIST with S = 3, K = 10:
  label = 100 d_1 + 10 d_2 + d_3, 1,000 modes).

  The arrays move to the device once. The returned function is a
  `jax.tree_util.Partial` whose leaves are those arrays: pass it as an
  argument of a jitted function to keep them out of the compiled program's
  constants (closing over it also works, and embeds them).

  Args:
    images: `[N, H, W, C]`, e.g. `load_mnist(...).images`.
    labels: integer class labels `[N]`.
    batch_size: examples per batch (the leading, example axis).
    stack: images stacked as channels per example (3 for Stacked MNIST).
    num_classes: K, the base of the stacked label.
  Returns:
    `batch_fn(key, step, num_batches=None)` giving `x` float32
    `[B, (k,) H, W, S*C]` and
    `label` int32 `[B, (k,)]`.
  """
  chex.assert_rank(images, 4)
  chex.assert_rank(labels, 1)
  chex.assert_equal_shape_prefix([images, labels], 1)
  if stack < 1:
    raise ValueError(f"stack must be >= 1, got {stack}")
  draw = functools.partial(_draw, batch_size=batch_size, stack=stack,
                           num_classes=num_classes)
  return jax.tree_util.Partial(draw, jnp.asarray(images),
                               jnp.asarray(labels, jnp.int32))


def binarize(key: PRNGKey, images: ArrayLike) -> Array:
  r"""Dynamic binarisation: $b \sim \text{Bernoulli}(x)$ per pixel.

  Resampled every time it is called with a new key (e.g.
  `fold_in(key, step)`), as in the dynamically binarised MNIST benchmark.

  Args:
    key: PRNG key.
    images: intensities in [0, 1], any shape.
  Returns:
    float32 array of 0s and 1s, the shape of `images`.
  References:
    Salakhutdinov & Murray 2008, "On the quantitative analysis of deep belief
      networks", https://doi.org/10.1145/1390156.1390266
    Burda et al. 2016, "Importance Weighted Autoencoders",
      https://arxiv.org/abs/1509.00519
  """
  images = jnp.asarray(images)
  return jax.random.bernoulli(key, images).astype(jnp.float32)


def _binarized(batch_fn: Callable, key: PRNGKey, step: ArrayLike,
               num_batches: int | None = None) -> dict[str, Array]:
  batch = batch_fn(key, step, num_batches)
  # The index draw uses fold_in(key, step); the pixels an independent key.
  pixel_key = jax.random.fold_in(jax.random.fold_in(key, step), 1)
  return dict(batch, x=binarize(pixel_key, batch["x"]))


def make_binarized_batch_fn(images: ArrayLike, labels: ArrayLike,
                            batch_size: int) -> Callable[..., dict[str, Array]]:
  r"""`make_batch_fn` with dynamic binarisation: every batch's pixels are
  drawn $b \sim \text{Bernoulli}(x)$ anew inside the step, a pure function of
  `(key, step)` (Burda et al. 2016's dynamically binarised MNIST).

  For a static binarisation, binarise the images once
  (`binarize(PRNGKey(seed), images)`) and use `make_batch_fn`.

  Returns:
    `batch_fn(key, step, num_batches=None)` giving binary float32 `x` and
    `label`, the shapes of `make_batch_fn`'s.
  """
  return jax.tree_util.Partial(
      _binarized, make_batch_fn(images, labels, batch_size))
