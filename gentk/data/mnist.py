r"""MNIST held on device, batches drawn in the step.

Where the data comes from, in the data folder (`data_dir=`, else
`gentk.data.paths.data_dir()`: `$GENTK_DATA_DIR`, else the per-user cache
folder that `gentk data fetch mnist` fills):

* `tfds/mnist/<version>/` (a prepared TFDS data set, e.g. CI's): read with
  `tfds.data_source(..., download=False)`; decoding the PNG-encoded records
  takes Pillow, ~1.5 s per 10,000 images.
* else `mnist/*-ubyte.gz`, the four original idx files: read straight from
  gzip (~0.3 s for the 60,000 training images); their example order differs
  from TFDS's.
* neither: a one-line `FileNotFoundError` naming the folder and
  `gentk data fetch mnist`. (When TFDS is imported, it is still asked,
  without download, so `tfds.testing.mock_data` serves mock examples.)

TFDS is never asked to download (that needs TensorFlow).

Decoded uint8 arrays are cached in memory for the process and on disk as
`.npz` (never pickle) under `$GENTK_CACHE_DIR` (default `~/.cache/gentk`).
The cache key is the source's files and their sizes and mtimes, so a changed
data set is decoded again, and data without files (`tfds.testing.mock_data`)
is never cached.

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
import gzip
import hashlib
import json
import os
import pathlib
import re
import sys
import zlib
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
# Split -> (images, labels), the idx files relative to the data folder.
IDX_FILES = {
    "train": ("mnist/train-images-idx3-ubyte.gz",
              "mnist/train-labels-idx1-ubyte.gz"),
    "test": ("mnist/t10k-images-idx3-ubyte.gz",
             "mnist/t10k-labels-idx1-ubyte.gz"),
}
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049  # idx: uint8 data, 3 and 1 dims.
_SPLIT = re.compile(r"(train|test)(?:\[(-?\d*%?):(-?\d*%?)\])?")
_MISSING = "no mnist/ idx files or tfds/mnist/"

# Decoded uint8 images and int32 labels, keyed by the cache key (see
# `_tfds_cache_key`, `_idx_cache_key`). Holding them avoids decoding twice in
# one process.
_MEMORY: dict[str, tuple[np.ndarray, np.ndarray]] = {}


class Mnist(NamedTuple):
  """One split of MNIST as host arrays.

  Attributes:
    images: float32 in [0, 1], shape `[N, 28, 28, 1]`.
    labels: int32 digits in {0..9}, shape `[N]`.
  """
  images: np.ndarray
  labels: np.ndarray


def clear_memory_cache() -> None:
  """Forgets the decoded arrays held by this process (the disk cache stays)."""
  _MEMORY.clear()


def parse_split(split: str) -> tuple[str, slice]:
  """('train' or 'test', the slice) of a split such as 'train[:2000]',
  'test[-500:]' or 'train[10%:20%]' (TFDS's syntax, percentages rounded to
  the closest example).

  Raises:
    ValueError: one line for any other split.
  """
  match = _SPLIT.fullmatch(split.replace(" ", ""))
  if not match:
    raise ValueError(f"MNIST split {split!r} is not understood: use 'train' "
                     "or 'test', whole or sliced, e.g. 'train[:2000]'")
  return match.group(1), slice(match.group(2) or None, match.group(3) or None)


def _bound(value: str | None, num: int) -> int | None:
  if value is None:
    return None
  if value.endswith("%"):
    return int(round(int(value[:-1]) * num / 100))
  return int(value)


def select(bounds: slice, num: int) -> slice:
  """The integer slice of `num` examples that `parse_split`'s slice names."""
  return slice(_bound(bounds.start, num), _bound(bounds.stop, num))


def _damaged(path: pathlib.Path, root: pathlib.Path,
             what: str) -> paths.DataError:
  return paths.DataError(
      f"{path} is damaged ({what}): run {paths.fetch_command(NAME, root)} to "
      "get a good copy")


def read_idx(path: str | os.PathLike, magic: int, *,
             root: str | os.PathLike | None = None) -> np.ndarray:
  """The uint8 array of a gzipped idx file, its header checked.

  Args:
    path: an `*-ubyte.gz` file.
    magic: the header's magic number (2051 images, 2049 labels).
    root: the data folder, named in the error's fetch command.
  Returns:
    uint8 `[N, 28, 28]` images or `[N]` labels.
  Raises:
    gentk.data.paths.DataError: one line naming the file, what is wrong and
      the `gentk data fetch mnist` command, for a truncated or damaged file.
  """
  path = pathlib.Path(path)
  root = pathlib.Path(root) if root is not None else path.parent.parent
  try:
    with gzip.open(path, "rb") as f:
      data = f.read()
  except (OSError, EOFError, zlib.error) as e:
    reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
    raise _damaged(path, root, f"not a complete gzip file: {reason}") from e
  ndim = magic & 0xFF
  header = 4 * (1 + ndim)
  if len(data) < header:
    raise _damaged(path, root, f"{len(data)} bytes, shorter than its header")
  found = int.from_bytes(data[:4], "big")
  if found != magic:
    raise _damaged(path, root, f"magic number {found}, expected {magic}")
  shape = tuple(int.from_bytes(data[4 * (i + 1):4 * (i + 2)], "big")
                for i in range(ndim))
  if ndim == 3 and shape[1:] != IMAGE_SHAPE[:2]:
    raise _damaged(path, root, f"images of {shape[1:]}, expected 28x28")
  size = int(np.prod(shape))
  if len(data) - header != size:
    raise _damaged(path, root, f"{len(data) - header} bytes of data, its "
                   f"header announces {shape} = {size}")
  return np.frombuffer(data, np.uint8, offset=header).reshape(shape)


def read_idx_split(root: str | os.PathLike,
                   base: str) -> tuple[np.ndarray, np.ndarray]:
  """uint8 `[N, 28, 28, 1]` images and int32 `[N]` labels of the split
  `base` ('train' or 'test') from the idx files under `root/mnist/`.

  Raises:
    gentk.data.paths.DataError: one line for a damaged file or files that
      disagree.
  """
  root = pathlib.Path(root)
  images_file, labels_file = (root / f for f in IDX_FILES[base])
  images = read_idx(images_file, IMAGES_MAGIC, root=root)
  labels = read_idx(labels_file, LABELS_MAGIC, root=root)
  if len(images) != len(labels):
    raise _damaged(labels_file, root, f"{len(labels)} labels for "
                   f"{len(images)} images in {images_file.name}")
  if labels.size and labels.max() >= NUM_CLASSES:
    raise _damaged(labels_file, root, f"label {labels.max()} is not a digit")
  return images.reshape((-1,) + IMAGE_SHAPE), labels.astype(np.int32)


def available(root: str | os.PathLike) -> bool:
  """Whether the data folder `root` holds MNIST: both splits' idx files, or
  a prepared TFDS folder."""
  root = pathlib.Path(root)
  return _tfds_prepared(root) or all(_idx_present(root, s) for s in IDX_FILES)


def _tfds_prepared(root: pathlib.Path) -> bool:
  return any((root / "tfds" / NAME).glob("*/dataset_info.json"))


def _idx_present(root: pathlib.Path, base: str) -> bool:
  return all((root / f).is_file() for f in IDX_FILES[base])


def _tfds_source(split: str, root: pathlib.Path):
  """The TFDS random-access source of `split` under `root/tfds` (never
  downloads)."""
  import tensorflow_datasets as tfds  # pylint: disable=g-import-not-at-top
  return tfds.data_source(NAME, split=split, data_dir=str(root / "tfds"),
                          download=False)


def _read_tfds(split: str, root: pathlib.Path):
  """`_tfds_source` with a one-line error for a prepared folder that fails."""
  try:
    return _tfds_source(split, root)
  except (AssertionError, FileNotFoundError, NotImplementedError,
          ValueError) as e:
    reason = (str(e).strip().splitlines() or [repr(e)])[0].rstrip(":")
    raise FileNotFoundError(
        f"MNIST split {split!r} could not be read from {root / 'tfds' / NAME} "
        f"({reason}): run {paths.fetch_command(NAME, root)} for the idx files "
        "and move that folder aside") from e


def _missing(root: pathlib.Path, split: str) -> FileNotFoundError:
  """The one-line error when neither form of MNIST is in `root`."""
  detail = _MISSING
  if (root / "tfds" / NAME).is_dir():
    detail = ("no mnist/ idx files, and tfds/mnist/ holds no prepared "
              "version (*/dataset_info.json)")
  elif (root / "mnist").is_dir():
    base, _ = parse_split(split)
    lacking = [f for f in IDX_FILES[base] if not (root / f).is_file()]
    detail = f"no {', '.join(lacking)} and no tfds/mnist/"
  return paths.missing(NAME, "MNIST", root=root, detail=detail)


def _tfds_cache_key(source, split: str) -> str | None:
  """A digest of the source's folder and record files, or None without files."""
  folder = pathlib.Path(str(source.dataset_info.data_dir))
  base = split.split("[")[0]
  files = sorted(folder.glob(f"{NAME}-{base}.*")) if folder.is_dir() else []
  if not files:
    return None
  stats = [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]
  blob = json.dumps([str(folder.resolve()), split, stats])
  return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _idx_cache_key(root: pathlib.Path, base: str) -> str:
  """A digest of the split's idx files, their sizes and mtimes."""
  files = [(root / f).resolve() for f in IDX_FILES[base]]
  stats = [(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
  blob = json.dumps(["idx", base, stats])
  return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _decode(source, split: str) -> tuple[np.ndarray, np.ndarray]:
  """Decodes every record: uint8 `[N, 28, 28, 1]` images, int32 `[N]` labels.

  Raises:
    gentk.data.paths.DataError: one line naming the record file when a record
      cannot be read (a truncated or damaged `*.array_record-*` file).
  """
  try:
    examples = [source[i] for i in range(len(source))]
  except (RuntimeError, OSError, ValueError) as e:
    folder = pathlib.Path(str(source.dataset_info.data_dir))
    base = split.split("[")[0]
    named = sorted(folder.glob(f"{NAME}-{base}.*")) or [folder]
    reason = (str(e).strip().splitlines() or [repr(e)])[0]
    reason = reason.split(";")[0].split(" (")[0].rstrip(":")
    root = folder.parent.parent.parent  # <root>/tfds/mnist/<version>
    raise paths.DataError(
        f"{', '.join(map(str, named))} is damaged ({reason}): move "
        f"{folder.parent} aside and run {paths.fetch_command(NAME, root)} to "
        "get the idx files") from e
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


def _cached(key: str | None, decode: Callable[[], tuple[np.ndarray,
                                                        np.ndarray]],
            cache_dir: str | os.PathLike | None
            ) -> tuple[np.ndarray, np.ndarray]:
  """`decode()`, through the memory and `.npz` caches when `key` is set."""
  if not key:
    return decode()
  arrays = _MEMORY.get(key)
  if arrays is None:
    folder = pathlib.Path(cache_dir or paths.default_cache_dir())
    npz = folder / f"{NAME}-{key}.npz"
    arrays = _read_npz(npz)
    if arrays is None:
      arrays = decode()
      _write_npz(npz, *arrays)
    _MEMORY[key] = arrays
  return arrays


def load_mnist(split: str = "train", *,
               data_dir: str | os.PathLike | None = None,
               cache_dir: str | os.PathLike | None = None,
               cache: bool = True) -> Mnist:
  """Loads a split of MNIST as float32 images in [0, 1] and int32 labels.

  Args:
    split: 'train' or 'test', whole or sliced as TFDS slices, e.g.
      'train[:2000]', 'test[-500:]', 'train[:10%]'.
    data_dir: the gentk data folder holding `tfds/mnist/` or `mnist/` (the
      idx files); default `gentk.data.paths.data_dir()`.
    cache_dir: where decoded splits are kept as `.npz` (default:
      `gentk.data.paths.default_cache_dir()`).
    cache: False decodes afresh and neither reads nor writes any cache.
  Returns:
    `Mnist(images [N, 28, 28, 1] float32, labels [N] int32)`.
  Raises:
    FileNotFoundError: one line naming the data folder and
      `gentk data fetch mnist` when MNIST is not in it.
    gentk.data.paths.DataError: one line naming a damaged idx file.
    ValueError: for a split other than the above.
  """
  root = (pathlib.Path(data_dir).expanduser().resolve()
          if data_dir is not None else paths.data_dir())
  base, bounds = parse_split(split)
  if _tfds_prepared(root):
    source = _read_tfds(split, root)
    key = _tfds_cache_key(source, split) if cache else None
    images, labels = _cached(key, lambda: _decode(source, split), cache_dir)
  elif _idx_present(root, base):
    key = _idx_cache_key(root, base) if cache else None
    images, labels = _cached(key, lambda: read_idx_split(root, base),
                             cache_dir)
    part = select(bounds, len(labels))
    images, labels = images[part], labels[part]
  elif "tensorflow_datasets" in sys.modules:
    try:  # Finds nothing, unless tfds.testing.mock_data is active.
      source = _tfds_source(split, root)
    except Exception as e:  # pylint: disable=broad-except
      raise _missing(root, split) from e
    images, labels = _decode(source, split)
  else:
    raise _missing(root, split)
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
