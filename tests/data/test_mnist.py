"""MNIST loading (real data when $GENTK_DATA_DIR has it, TFDS mock data otherwise)
and batches that are pure functions of (key, step)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
import tensorflow_datasets as tfds

from gentk.data import mnist
from gentk.data import paths

NUM_MOCK = 64  # Examples per split of the TFDS mock data.
# Published MNIST test-set facts: digit counts and the mean pixel intensity.
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
TEST_MEAN = 0.1325


def _real_available() -> bool:
  root = paths.data_dir()
  return root is not None and (root / "tfds" / "mnist").is_dir()


REAL = _real_available()
needs_real = pytest.mark.skipif(
    not REAL, reason="needs MNIST under $GENTK_DATA_DIR/tfds (TFDS mock data "
    "has no record files, so it is never cached)")


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


def test_loads_under_tfds_mock_data_without_a_data_folder(monkeypatch,
                                                          tmp_path):
  monkeypatch.delenv(paths.ENV_VAR, raising=False)
  with tfds.testing.mock_data(num_examples=16):
    test = mnist.load_mnist("test", cache_dir=tmp_path)
  assert test.images.shape == (16, 28, 28, 1)
  assert test.images.max() > 0.5  # Random pixels, not a blank image.
  assert not list(tmp_path.iterdir())  # Mock data is never cached.


@pytest.mark.parametrize("make_folder", [False, True])
def test_missing_data_is_a_one_line_error(monkeypatch, tmp_path, make_folder):
  if make_folder:  # tfds/mnist/ exists but holds no prepared version.
    (tmp_path / "tfds" / "mnist").mkdir(parents=True)
  monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
  with pytest.raises(FileNotFoundError) as info:
    mnist.load_mnist("test")
  message = str(info.value)
  assert "\n" not in message
  assert str(tmp_path / "tfds" / "mnist") in message
  assert paths.ENV_VAR in message


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
