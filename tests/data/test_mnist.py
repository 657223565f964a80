"""MNIST loading (real data when the data folder has it, TFDS mock data
otherwise; the idx reader on small files written here) and batches that are
pure functions of (key, step)."""
import gzip
import os
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import tensorflow_datasets as tfds

from gentk.data import mnist
from gentk.data import paths

NUM_MOCK = 64  # Examples per split of the TFDS mock data.
# Published MNIST facts: digit counts and the test set's mean intensity.
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_MEAN = 0.1325


def _real_available() -> bool:
  try:
    return mnist.available(paths.data_dir())
  except FileNotFoundError:
    return False


def _shared_forms() -> bool:
  """Whether $GENTK_DATA_DIR holds both the idx files and TFDS MNIST."""
  root = os.environ.get(paths.ENV_VAR)
  return bool(root) and all(
      (pathlib.Path(root) / f).is_file()
      for f in mnist.IDX_FILES["test"]) and any(
          (pathlib.Path(root) / "tfds" / "mnist").glob("*/dataset_info.json"))


REAL = _real_available()
needs_real = pytest.mark.skipif(
    not REAL, reason="needs MNIST in the data folder (gentk data fetch mnist, "
    "or $GENTK_DATA_DIR; TFDS mock data has no files, so it is never cached)")
needs_both = pytest.mark.skipif(
    not _shared_forms(), reason=f"needs ${paths.ENV_VAR} holding both the idx "
    "files and tfds/mnist/ (the shared data folder, as CI sets it)")


@pytest.fixture(scope="module")
def data():
  """(train, test, real): real MNIST when present, else TFDS mock data."""
  if REAL:
    return mnist.load_mnist("train[:2000]"), mnist.load_mnist("test"), True
  with tfds.testing.mock_data(num_examples=NUM_MOCK):
    return mnist.load_mnist("train"), mnist.load_mnist("test"), False


def _match_rows(batch_images, images):
  """For each batch image, the boolean mask of dataset rows equal to it."""
  b = np.asarray(batch_images).reshape(len(batch_images), -1)
  d = np.asarray(images).reshape(len(images), -1)
  return (b[:, None, :] == d[None, :, :]).all(-1)


def test_splits_have_shapes_dtypes_and_ranges(data):
  train, test, real = data
  for split, n in ((train, 2000 if real else NUM_MOCK),
                   (test, 10_000 if real else NUM_MOCK)):
    assert split.images.shape == (n, 28, 28, 1)
    assert split.images.dtype == np.float32 and split.labels.dtype == np.int32
    assert split.labels.shape == (n,)
    assert split.images.min() >= 0.0 and split.images.max() <= 1.0
    assert set(np.unique(split.labels)) <= set(range(10))
    # Decoded from uint8: every intensity is a multiple of 1/255.
    np.testing.assert_allclose(split.images * 255, np.round(split.images * 255),
                               atol=1e-4)
  if real:
    np.testing.assert_array_equal(np.bincount(test.labels), TEST_COUNTS)
    assert test.images.mean() == pytest.approx(TEST_MEAN, abs=5e-4)


def test_loads_under_tfds_mock_data_with_an_empty_data_folder(monkeypatch,
                                                              tmp_path):
  monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
  with tfds.testing.mock_data(num_examples=16):
    test = mnist.load_mnist("test", cache_dir=tmp_path)
  assert test.images.shape == (16, 28, 28, 1)
  assert test.images.max() > 0.5  # Random pixels, not a blank image.
  assert not list(tmp_path.iterdir())  # Mock data is never cached.


@pytest.mark.parametrize("layout", ["empty", "unprepared_tfds", "train_only"])
def test_missing_data_is_a_one_line_error(monkeypatch, tmp_path, layout):
  if layout == "unprepared_tfds":  # tfds/mnist/ holds no prepared version.
    (tmp_path / "tfds" / "mnist").mkdir(parents=True)
  if layout == "train_only":
    _write_idx(tmp_path, "train", *_digits(4))
  monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
  with pytest.raises(FileNotFoundError) as info:
    mnist.load_mnist("test")
  message = str(info.value)
  assert "\n" not in message
  assert message.startswith(f"MNIST not found in {tmp_path} (")
  assert message.endswith(": run gentk data fetch mnist (or set "
                          f"{paths.ENV_VAR} to a folder that holds it)")
  if layout == "train_only":
    assert "t10k-images-idx3-ubyte.gz" in message
  # Another folder than the default one: the command names it.
  with pytest.raises(FileNotFoundError) as info:
    mnist.load_mnist("test", data_dir=tmp_path / "x")
  assert f"gentk data fetch mnist --data_dir={tmp_path / 'x'}" in str(
      info.value)


# --- The idx reader, on small files written here.


def _digits(num: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
  rng = np.random.default_rng(seed)
  return (rng.integers(0, 256, (num, 28, 28), dtype=np.uint8),
          rng.integers(0, 10, num).astype(np.uint8))


def _idx_bytes(array: np.ndarray, magic: int) -> bytes:
  dims = b"".join(int(d).to_bytes(4, "big") for d in array.shape)
  return magic.to_bytes(4, "big") + dims + array.tobytes()


def _write_idx(root: pathlib.Path, split: str, images: np.ndarray,
               labels: np.ndarray) -> None:
  images_file, labels_file = (root / f for f in mnist.IDX_FILES[split])
  images_file.parent.mkdir(parents=True, exist_ok=True)
  images_file.write_bytes(gzip.compress(_idx_bytes(images, 2051)))
  labels_file.write_bytes(gzip.compress(_idx_bytes(labels, 2049)))


@pytest.fixture
def idx_folder(tmp_path):
  """(data folder with idx files of 20 train / 10 test digits, the arrays)."""
  root = tmp_path / "data"
  train, test = _digits(20, 1), _digits(10, 2)
  _write_idx(root, "train", *train)
  _write_idx(root, "test", *test)
  return root, {"train": train, "test": test}


@pytest.mark.parametrize("split,part", [
    ("train", slice(None)), ("test", slice(None)), ("train[:5]", slice(0, 5)),
    ("train[-3:]", slice(-3, None)), ("test[10%:30%]", slice(1, 3)),
    ("train[50%:]", slice(10, None))])
def test_idx_files_load_with_split_slices(idx_folder, tmp_path, split, part):
  root, arrays = idx_folder
  got = mnist.load_mnist(split, data_dir=root, cache=False)
  images, labels = arrays[split.split("[")[0]]
  assert got.images.dtype == np.float32 and got.labels.dtype == np.int32
  np.testing.assert_array_equal(got.images[..., 0] * 255, images[part])
  np.testing.assert_array_equal(got.labels, labels[part])


def test_idx_decode_cache_is_keyed_by_the_files(idx_folder, tmp_path):
  root, arrays = idx_folder
  cache = tmp_path / "cache"
  mnist.load_mnist("test[:4]", data_dir=root, cache_dir=cache)
  (npz,) = cache.glob("mnist-*.npz")  # The whole split, sliced after.
  with np.load(npz) as f:
    assert f["images"].shape == (10, 28, 28, 1)
    np.savez(npz, images=np.zeros_like(f["images"]), labels=f["labels"])
  mnist.clear_memory_cache()
  assert mnist.load_mnist("test", data_dir=root,
                          cache_dir=cache).images.max() == 0  # Read back.
  # New files (another size) are another key: decoded afresh.
  _write_idx(root, "test", *_digits(12, 3))
  again = mnist.load_mnist("test", data_dir=root, cache_dir=cache)
  assert again.labels.shape == (12,) and again.images.max() > 0
  assert len(list(cache.glob("mnist-*.npz"))) == 2


@pytest.mark.parametrize("damage", ["truncated", "magic", "size", "count"])
def test_a_damaged_idx_file_is_a_one_line_error(idx_folder, monkeypatch,
                                                damage):
  root, arrays = idx_folder
  monkeypatch.setenv(paths.ENV_VAR, str(root))
  images, labels = arrays["test"]
  images_file = root / mnist.IDX_FILES["test"][0]
  if damage == "truncated":
    blob = images_file.read_bytes()
    images_file.write_bytes(blob[:len(blob) // 2])
  elif damage == "magic":
    images_file.write_bytes(gzip.compress(_idx_bytes(images, 2049 + 8)))
  elif damage == "size":
    images_file.write_bytes(gzip.compress(_idx_bytes(images, 2051)[:-28]))
  else:
    _write_idx(root, "test", images[:9], labels)
  with pytest.raises(paths.DataError) as info:
    mnist.load_mnist("test", cache=False)
  message = str(info.value)
  assert "\n" not in message and "is damaged (" in message
  named = mnist.IDX_FILES["test"][1 if damage == "count" else 0]
  assert message.startswith(str(root / named))
  assert message.endswith("run gentk data fetch mnist to get a good copy")


def test_a_split_outside_the_syntax_is_refused(idx_folder):
  root, _ = idx_folder
  for split in ("validation", "train[:10]+test", "train[::2]"):
    with pytest.raises(ValueError, match="'train' or 'test'"):
      mnist.load_mnist(split, data_dir=root)


@needs_both
def test_shipped_idx_files_hold_the_tfds_examples(tmp_path):
  """The idx test split is the TFDS test split as a multiset (the order
  differs); the train split has MNIST's digit counts."""
  shared = pathlib.Path(os.environ[paths.ENV_VAR])
  (tmp_path / "idx").mkdir()
  (tmp_path / "idx" / "mnist").symlink_to(shared / "mnist")
  cache = tmp_path / "cache"
  idx = mnist.load_mnist("test", data_dir=tmp_path / "idx", cache_dir=cache)
  tf = mnist.load_mnist("test", data_dir=shared, cache_dir=cache)

  def rows(split):
    pixels = np.round(split.images * 255).astype(np.uint8).reshape(
        len(split.labels), -1)
    table = np.concatenate([pixels, split.labels[:, None].astype(np.uint8)],
                           axis=1)
    return table[np.lexsort(table.T[::-1])]

  assert not np.array_equal(idx.labels, tf.labels)  # Another order.
  np.testing.assert_array_equal(rows(idx), rows(tf))
  train = mnist.load_mnist("train", data_dir=tmp_path / "idx",
                           cache_dir=cache)
  assert train.images.shape == (60_000, 28, 28, 1)
  np.testing.assert_array_equal(np.bincount(train.labels), TRAIN_COUNTS)


@needs_real
def test_disk_cache_is_written_read_and_repaired(tmp_path):
  first = mnist.load_mnist("test[:50]", cache_dir=tmp_path)
  (npz,) = tmp_path.glob("mnist-*.npz")
  with np.load(npz, allow_pickle=False) as f:
    labels = f["labels"]
  # Read back: a doctored cache file is what the next load returns.
  with open(npz, "wb") as f:
    np.savez(f, images=np.zeros((50, 28, 28, 1), np.uint8), labels=labels)
  mnist.clear_memory_cache()
  assert mnist.load_mnist("test[:50]", cache_dir=tmp_path).images.max() == 0
  # A damaged file is decoded again and rewritten.
  npz.write_bytes(b"not an npz")
  mnist.clear_memory_cache()
  again = mnist.load_mnist("test[:50]", cache_dir=tmp_path)
  np.testing.assert_array_equal(again.images, first.images)
  np.testing.assert_array_equal(again.labels, first.labels)
  with np.load(npz, allow_pickle=False) as f:
    assert f["images"].dtype == np.uint8


def test_batches_are_pure_functions_of_key_and_step(data):
  train, _, _ = data
  fn = mnist.make_batch_fn(train.images, train.labels, 16)
  key = jax.random.PRNGKey(0)
  jitted = jax.jit(fn, static_argnums=2)  # num_batches is static.
  a, b, c = jitted(key, 5, 3), jitted(key, 5, 3), jitted(key, 6, 3)
  assert a["x"].shape == (16, 3, 28, 28, 1) and a["x"].dtype == jnp.float32
  assert a["label"].shape == (16, 3) and a["label"].dtype == jnp.int32
  np.testing.assert_array_equal(a["x"], b["x"])
  np.testing.assert_array_equal(fn(key, 5, 3)["x"], a["x"])
  assert not np.array_equal(a["x"], c["x"])
  assert not np.array_equal(a["x"], jitted(jax.random.PRNGKey(1), 5, 3)["x"])
  assert jitted(key, 5, None)["x"].shape == (16, 28, 28, 1)
  # The arrays are pytree leaves: passing the function as an argument of a
  # jitted function gives the same batches as closing over it.
  as_argument = jax.jit(lambda f, k, s: f(k, s, 3))(fn, key, 5)
  np.testing.assert_array_equal(as_argument["x"], a["x"])


def test_batch_images_carry_their_labels(data):
  train, _, _ = data
  images, labels = train.images[:256], train.labels[:256]
  batch = jax.jit(mnist.make_batch_fn(images, labels, 32))(
      jax.random.PRNGKey(2), 0)
  match = _match_rows(batch["x"], images)
  assert match.any(1).all()
  for row, label in zip(match, np.asarray(batch["label"])):
    assert label in labels[row]


def test_stacked_mnist_channels_are_digits_of_the_label(data):
  train, _, _ = data
  images, labels = train.images[:256], train.labels[:256]
  batch = jax.jit(mnist.make_batch_fn(images, labels, 32, stack=3))(
      jax.random.PRNGKey(3), 7)
  assert batch["x"].shape == (32, 28, 28, 3)
  label = np.asarray(batch["label"])
  assert label.min() >= 0 and label.max() <= 999
  for c, place in enumerate((100, 10, 1)):
    match = _match_rows(batch["x"][..., c:c + 1], images)
    for row, digit in zip(match, label // place % 10):
      assert digit in labels[row]


def test_indices_are_uniform():
  n, draws = 8, 64 * 100
  images = np.arange(n, dtype=np.float32)[:, None, None, None]
  fn = jax.jit(mnist.make_batch_fn(images, np.arange(n), 64))
  labels = np.concatenate(
      [np.asarray(fn(jax.random.PRNGKey(4), s)["label"]) for s in range(100)])
  counts = np.bincount(labels, minlength=n)
  # Multinomial counts: s.e. sqrt(draws p (1 - p)) = 26.5; allow 4 s.e. per bin.
  se = np.sqrt(draws * (1 / n) * (1 - 1 / n))
  assert np.all(np.abs(counts - draws / n) < 4 * se)


def test_binarize_is_bernoulli_of_the_intensity():
  x = jnp.concatenate([jnp.zeros((10, 28, 28, 1)), jnp.ones((10, 28, 28, 1)),
                       jnp.full((1000, 28, 28, 1), 0.3)])
  key = jax.random.PRNGKey(5)
  b = np.asarray(mnist.binarize(key, x))
  assert b.shape == x.shape and set(np.unique(b)) <= {0.0, 1.0}
  assert b[:10].max() == 0 and b[10:20].min() == 1
  # Mean of 784,000 Bernoulli(0.3): s.e. sqrt(0.21 / 784000) = 5.2e-4; 4 s.e.
  assert b[20:].mean() == pytest.approx(0.3, abs=4 * np.sqrt(0.21 / 784_000))
  np.testing.assert_array_equal(b, mnist.binarize(key, x))
  assert not np.array_equal(b, mnist.binarize(jax.random.PRNGKey(6), x))


def test_dynamic_binarisation_is_a_pure_function_of_key_and_step():
  images = np.full((50, 28, 28, 1), 0.3, np.float32)
  fn = mnist.make_binarized_batch_fn(images, np.zeros(50, np.int32), 32)
  key = jax.random.PRNGKey(0)
  jitted = jax.jit(fn, static_argnums=2)
  a, b, c = jitted(key, 4, None), jitted(key, 4, None), jitted(key, 5, None)
  np.testing.assert_array_equal(a["x"], b["x"])
  assert set(np.unique(a["x"])) == {0.0, 1.0}
  assert not np.array_equal(a["x"], c["x"])  # A fresh draw every step.
  # 25,088 Bernoulli(0.3) pixels: std of the mean 0.003; 5 s.e. = 0.015.
  assert abs(float(a["x"].mean()) - 0.3) < 0.015
  assert jitted(key, 4, 3)["x"].shape == (32, 3, 28, 28, 1)
