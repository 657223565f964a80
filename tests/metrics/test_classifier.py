"""MNIST-classifier metrics: the shipped CNN, IS, FID, KID, Stacked MNIST modes.

Real MNIST when $GENTK_DATA_DIR has it, TFDS mock data (random pixels)
otherwise; only the accuracy assertion needs the real digits.
"""
import json

import jax
import numpy as np
import pytest
import scipy.linalg
import tensorflow_datasets as tfds

from gentk.data import mnist
from gentk.data import paths
from gentk.metrics import classifier as metrics
from gentk.models.classifier import ConvClassifier

N = 2000  # Images per set in the FID / KID checks.


REAL = mnist.available(paths.data_dir())


@pytest.fixture(scope="module")
def data():
  """(train [2N], test, real): real MNIST, else TFDS mock data (2N examples)."""
  if REAL:
    return (mnist.load_mnist(f"train[:{2 * N}]"), mnist.load_mnist("test"),
            True)
  with tfds.testing.mock_data(num_examples=2 * N):
    return mnist.load_mnist("train"), mnist.load_mnist("test"), False


@pytest.fixture(scope="module")
def train_features(data):
  feats, probs = metrics.classifier_features_and_probs(data[0].images)
  return feats, probs


@pytest.fixture(scope="module")
def test_features(data):
  feats, probs = metrics.classifier_features_and_probs(data[1].images)
  return feats, probs


@pytest.mark.parametrize("name,accuracy", [("mnist_classifier", 0.99),
                                           ("mnist_judge", 0.985)])
def test_shipped_classifiers_are_small_and_record_their_accuracy(name,
                                                                 accuracy):
  model, variables = metrics.load_classifier(name)
  size = sum(x.size * x.dtype.itemsize for x in jax.tree.leaves(variables))
  assert size < 1_000_000
  assert metrics._asset(name, ".msgpack").stat().st_size < 1_000_000
  info = json.loads(metrics._asset(name, ".json").read_text())
  assert info["test_accuracy"] >= accuracy
  assert info["architecture"]["hidden"] == model.hidden
  feats, logits = metrics.classifier_features_and_logits(
      np.zeros((3, 28, 28, 1), np.float32), model=model, variables=variables)
  assert feats.shape == (3, model.hidden) and logits.shape == (3, 10)


def test_shipped_classifier_test_accuracy(data, test_features):
  _, test, real = data
  if not real:
    pytest.skip("accuracy needs the real MNIST test set under "
                "$GENTK_DATA_DIR/tfds (mock data has random labels)")
  _, probs = test_features
  assert len(probs) == 10_000  # The whole MNIST test set.
  accuracy = np.mean(probs.argmax(-1) == test.labels)
  assert accuracy >= 0.99


def test_features_do_not_depend_on_the_batch_size(data):
  images = data[0].images[:37]
  a = metrics.classifier_features_and_logits(images, batch_size=8)
  b = metrics.classifier_features_and_logits(images, batch_size=500)
  model, variables = metrics.load_classifier()
  logits, feats = jax.jit(lambda v, x: model.apply(v, x, features=True))(
      variables, images)
  for got in (a, b):
    np.testing.assert_allclose(got[0], feats, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got[1], logits, rtol=1e-4, atol=1e-5)


def test_frechet_distance_of_diagonal_gaussians_by_hand():
  # Commuting covariances: d^2 = |mu1 - mu2|^2 + sum (sqrt(a) - sqrt(b))^2.
  mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
  a, b = np.array([1.0, 4.0, 9.0]), np.array([4.0, 4.0, 1.0])
  expected = 1 + 0 + 4 + (1 - 2) ** 2 + 0 + (3 - 1) ** 2
  assert metrics.frechet_distance(mu1, np.diag(a), mu2,
                                  np.diag(b)) == pytest.approx(expected)


def test_fid_matches_scipy_sqrtm(train_features, test_features):
  a, b = train_features[0], test_features[0][:N]
  mu1, mu2 = a.mean(0), b.mean(0)
  s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
  covmean = scipy.linalg.sqrtm(s1 @ s2).real
  direct = np.sum((mu1 - mu2) ** 2) + np.trace(s1 + s2 - 2 * covmean)
  # Both are float64; sqrtm of a non-symmetric product is less accurate on
  # near-singular covariances (dead ReLU units), hence 1e-5 relative.
  assert metrics.fid(a, b) == pytest.approx(direct, rel=1e-5, abs=1e-6)


def test_fid_near_zero_within_mnist_and_large_for_noise(data, train_features,
                                                       test_features):
  real = data[2]
  feats, _ = train_features
  half_a, half_b = feats[:N], feats[N:]
  floor = metrics.fid(half_a, half_b)  # Two train halves: sampling noise only.
  if real:
    other = test_features[0][:N]
    far_images = jax.random.uniform(jax.random.PRNGKey(0), (N, 28, 28, 1))
  else:  # Mock images are uniform noise: compare their halves, blank is far.
    other = half_b
    far_images = np.zeros((N, 28, 28, 1), np.float32)
  far, _ = metrics.classifier_features_and_probs(far_images)
  near = metrics.fid(other, half_a)
  noise = metrics.fid(far, half_a)
  print(f"FID floor {floor:.3f}, test-train {near:.3f}, noise-train {noise:.1f}")
  # Test vs train may exceed the train-vs-train floor by a small shift only;
  # noise must be orders of magnitude further.
  assert near < 2 * floor + 0.05 * noise / 100
  assert noise > 100 * near


@pytest.mark.parametrize("num_classes", [10, 5])
def test_inception_score_of_one_hot_uniform_classes(num_classes):
  # Each of the 10 splits holds every class equally often: p(y) is uniform,
  # KL(onehot || uniform) = log K for every image, so IS = K exactly.
  labels = np.tile(np.arange(num_classes), 10 * 20)
  probs = np.eye(num_classes)[labels]
  mean, std = metrics.inception_score(probs, num_splits=10)
  assert mean == pytest.approx(num_classes) and std == pytest.approx(0.0)
  # Identical rows: p(y|x) = p(y), IS = 1.
  assert metrics.inception_score(np.full((100, 4), 0.25))[0] == pytest.approx(1)


def test_kid_by_hand():
  # x = {0, 1}, y = {1, 2}, D = 1, k = (xy + 1)^3: within-x mean 1, within-y
  # 27, cross mean (1 + 1 + 8 + 27) / 4 = 9.25: 1 + 27 - 2 * 9.25 = 9.5.
  x, y = np.array([[0.0], [1.0]]), np.array([[1.0], [2.0]])
  mean, std = metrics.kid(x, y, num_subsets=3, subset_size=2)
  assert mean == pytest.approx(9.5) and std == pytest.approx(0.0)


def test_kid_is_unbiased_for_one_distribution():
  # 400 independent pairs of Gaussian sets of 50: E[MMD^2_u] = 0 exactly.
  rng = np.random.default_rng(0)
  est = [metrics.kid(rng.normal(size=(50, 8)), rng.normal(size=(50, 8)),
                     num_subsets=1, subset_size=50)[0] for _ in range(400)]
  se = np.std(est) / np.sqrt(len(est))
  assert abs(np.mean(est)) < 4 * se  # 4 standard errors of the mean.
  shifted = metrics.kid(rng.normal(size=(50, 8)), rng.normal(1, 1, (50, 8)),
                        num_subsets=1, subset_size=50)[0]
  assert shifted > 20 * np.std(est)


def test_kid_near_zero_within_mnist(train_features):
  feats, _ = train_features
  mean, std = metrics.kid(feats[:N], feats[N:], num_subsets=20,
                          subset_size=500)
  noise, _ = metrics.kid(feats[:N], feats[:N] * 0.5 + 1.0, num_subsets=20,
                         subset_size=500)
  # A single subset estimate has spread `std`; the mean over correlated
  # subsets is within 4 of those of its expectation 0. Rescaled and shifted
  # features are many such spreads away.
  assert abs(mean) < 4 * std
  assert noise > 20 * std


def test_mnist_classifier_metrics_names_and_values(data):
  samples, reference = data[0].images[:300], data[1].images[:300]
  out = metrics.mnist_classifier_metrics(samples, reference, num_splits=3,
                                         kid_subsets=5)
  assert set(out) == {"mnist_classifier_is", "mnist_classifier_is_std",
                      "mnist_classifier_fid", "mnist_classifier_kid",
                      "mnist_classifier_kid_std", "mnist_classifier_min_share",
                      "mnist_classifier_precision", "mnist_classifier_recall",
                      "mnist_classifier_density", "mnist_classifier_coverage"}
  a, probs = metrics.classifier_features_and_probs(samples)
  b, _ = metrics.classifier_features_and_probs(reference)
  assert out["mnist_classifier_fid"] == pytest.approx(metrics.fid(a, b))
  assert out["mnist_classifier_kid"] == pytest.approx(
      metrics.kid(a, b, num_subsets=5)[0])
  assert out["mnist_classifier_min_share"] == pytest.approx(
      metrics.class_shares(probs).min())
  assert out["mnist_classifier_is"] == pytest.approx(
      metrics.inception_score(probs, 3)[0])
  assert 1.0 <= out["mnist_classifier_is"] <= 10.0


def test_stacked_mnist_modes_reads_channels_in_order(data):
  images = data[1].images[:6]
  _, probs = metrics.classifier_features_and_probs(images)
  digits = probs.argmax(-1)
  # All 216 ordered triples of the 6 images, stacked as channels.
  idx = np.stack(np.meshgrid(*[np.arange(6)] * 3, indexing="ij"), -1)
  idx = idx.reshape(-1, 3)
  samples = np.concatenate([images[idx[:, c]] for c in range(3)], axis=-1)
  modes = digits[idx] @ np.array([100, 10, 1])
  h = np.bincount(modes, minlength=1000) / len(modes)
  kl = np.sum(h[h > 0] * np.log(h[h > 0] * 1000))
  out = metrics.stacked_mnist_modes(samples)
  assert out["stacked_mnist_modes"] == len(np.unique(modes))
  assert out["stacked_mnist_kl"] == pytest.approx(kl)


def test_stacked_mnist_modes_of_one_mode_and_of_all():
  model, variables = metrics.load_classifier()
  del model, variables
  one = np.zeros((50, 28, 28, 3), np.float32)  # One mode: KL = log 1000.
  out = metrics.stacked_mnist_modes(one)
  assert out["stacked_mnist_modes"] == 1
  assert out["stacked_mnist_kl"] == pytest.approx(np.log(1000))


def test_classifier_module_shapes():
  model = ConvClassifier(channels=(4, 8), hidden=16)
  x = np.zeros((2, 28, 28, 1), np.float32)
  variables = jax.jit(model.init)(jax.random.PRNGKey(0), x)
  logits, feats = jax.jit(lambda v, x: model.apply(v, x, features=True))(
      variables, x)
  assert logits.shape == (2, 10) and feats.shape == (2, 16)
  np.testing.assert_allclose(jax.jit(model.apply)(variables, x), logits,
                             rtol=1e-6)


def test_inception_score_of_real_digits(data, test_features):
  mean, std = metrics.inception_score(test_features[1])
  assert 1.0 <= mean <= 10.0 and std >= 0.0
  if data[2]:
    # Confident (>= 99% accurate) predictions of nearly balanced classes:
    # IS is close to exp(H(y)) ~ 9.98 on MNIST test.
    assert mean > 9.5


def test_real_stacked_digits_hit_nearly_every_mode(data):
  """10,000 stacks of three random MNIST test digits: 1,000 modes, each hit
  with probability 1 - e^{-10}, so >= 995 modes unless the metric is wrong
  (expected misses 0.05); the empirical KL of a uniform multinomial is about
  999 / (2 * 10,000) = 0.05, plus MNIST's class imbalance and the
  classifier's 0.7% errors: < 0.1. Real digits are confident and balanced:
  exp(H(y)) near 10, high quality > 95%, IS near real MNIST's 9.75."""
  if not data[2]:
    pytest.skip("needs real MNIST")
  images = data[1].images
  idx = np.random.default_rng(0).integers(0, len(images), (10_000, 3))
  stacked = np.concatenate([images[idx[:, c]] for c in range(3)], axis=-1)
  out = metrics.stacked_mnist_modes(stacked)
  assert out["stacked_mnist_modes"] >= 995
  assert out["stacked_mnist_kl"] < 0.1
  assert out["stacked_mnist_exp_h_y"] > 9.9
  assert out["stacked_mnist_high_quality"] > 0.95
  assert out["stacked_mnist_exp_h_y_given_x"] < 1.1
  assert out["stacked_mnist_is"] == pytest.approx(
      out["stacked_mnist_exp_h_y"] / out["stacked_mnist_exp_h_y_given_x"],
      rel=1e-6)
  assert 9.0 < out["stacked_mnist_is"] <= 10.0


def test_class_shares_count_argmax_labels():
  probs = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1],
                    [0.5, 0.1, 0.4]])
  np.testing.assert_allclose(metrics.class_shares(probs), [0.75, 0.25, 0.0])
