"""Precision / recall / density / coverage against a naive reading of their
definitions, on known cases, and through the MNIST-classifier metrics."""
import numpy as np
import pytest

from gentk.metrics import classifier
from gentk.metrics import manifold

# Every figure is an integer count over a fixed denominator. The two
# implementations count the same ball memberships unless a distance lies
# within float64 rounding (~1e-13 relative) of a radius, which continuous
# random data does not produce; the tolerance only absorbs the final division.
TOL = 1e-12


def _naive(real, fake, k_pr=3, k_dc=5):
  """The papers' definitions, one pair of points at a time."""
  def dist(a, b):
    return np.sqrt(np.sum((a - b) ** 2))

  def radius(points, i, k):  # Distance to the k-th nearest *other* point.
    return sorted(dist(points[i], points[l]) for l in range(len(points))
                  if l != i)[k - 1]

  n, m = len(real), len(fake)
  r_pr = [radius(real, i, k_pr) for i in range(n)]
  r_dc = [radius(real, i, k_dc) for i in range(n)]
  f_pr = [radius(fake, j, k_pr) for j in range(m)]
  d = [[dist(fake[j], real[i]) for i in range(n)] for j in range(m)]
  precision = np.mean([any(d[j][i] <= r_pr[i] for i in range(n))
                       for j in range(m)])
  recall = np.mean([any(d[j][i] <= f_pr[j] for j in range(m))
                    for i in range(n)])
  density = sum(d[j][i] <= r_dc[i] for i in range(n)
                for j in range(m)) / (k_dc * m)
  coverage = np.mean([any(d[j][i] <= r_dc[i] for j in range(m))
                      for i in range(n)])
  return {"precision": precision, "recall": recall, "density": density,
          "coverage": coverage}


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_matches_the_naive_definitions(seed):
  rng = np.random.default_rng(seed)
  real = rng.normal(size=(60, 5))
  fake = rng.normal(0.7, 1.0, size=(50, 5))
  expected = _naive(real, fake)
  # Values strictly inside (0, 1): the comparison is not of trivial cases.
  assert 0 < min(expected.values()) and max(
      expected["precision"], expected["recall"], expected["coverage"]) < 1
  # chunk_size 7 cuts both sets into uneven row chunks.
  for chunk_size in (7, manifold.CHUNK_SIZE):
    got = manifold.manifold_metrics(real, fake, chunk_size=chunk_size)
    assert got == pytest.approx(expected, abs=TOL, rel=0)
    assert {**manifold.precision_recall(real, fake, chunk_size=chunk_size),
            **manifold.density_coverage(real, fake, chunk_size=chunk_size)
            } == pytest.approx(expected, abs=TOL, rel=0)


def test_knn_radii_are_distances_to_the_kth_other_point():
  rng = np.random.default_rng(4)
  x = rng.normal(size=(30, 3))
  d = np.linalg.norm(x[:, None] - x[None], axis=-1)
  np.fill_diagonal(d, np.inf)
  for k in (1, 3, 5):
    np.testing.assert_allclose(manifold.knn_radii(x, k, chunk_size=4),
                               np.sort(d, axis=1)[:, k - 1], rtol=1e-12)
  # A duplicate is another point at distance 0 (up to the rounding of the
  # expanded squared distance, ~1e-16 of the squared norms, under its root).
  np.testing.assert_allclose(
      manifold.knn_radii(np.concatenate([x, x[:1]]), 1)[[0, -1]], 0.0,
      atol=1e-6)


def test_identical_sets():
  x = np.random.default_rng(5).normal(size=(80, 4))
  out = manifold.manifold_metrics(x, x)
  assert out["precision"] == out["recall"] == out["coverage"] == 1.0
  # Every ball holds its own centre and the centre's k nearest neighbours
  # (the k-th on its boundary, which rounding may move out): (k + 1) / k.
  assert 1.0 <= out["density"] <= 6 / 5


def test_disjoint_sets_score_zero():
  rng = np.random.default_rng(6)
  real = rng.normal(size=(60, 5))
  fake = rng.normal(size=(50, 5)) + 1e3
  assert manifold.manifold_metrics(real, fake) == {
      "precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


def test_a_subset_of_one_tight_cluster_is_precise_but_not_diverse():
  rng = np.random.default_rng(7)
  tight = rng.normal(0.0, 0.01, size=(40, 5))
  wide = rng.normal(10.0, 1.0, size=(40, 5))
  real = np.concatenate([tight, wide])
  fake = tight[:25]
  out = manifold.manifold_metrics(real, fake)
  assert out["precision"] == 1.0  # Each fake point is a real ball's centre.
  # No fake ball reaches the wide cluster: at most the tight half is covered.
  assert out["recall"] <= 0.5 and out["coverage"] <= 0.5
  assert out["recall"] < 1.0


def test_density_is_one_in_expectation_for_one_distribution():
  # E[density] = 1 exactly: y_j lies in B(x_i, NND_k(x_i)) with probability
  # k / N (its rank among the other points around x_i is uniform). Over 100
  # draws at this size the density had std 0.016, so 0.07 is > 4 std.
  rng = np.random.default_rng(8)
  real, fake = rng.normal(size=(2000, 5)), rng.normal(size=(2000, 5))
  assert abs(manifold.density_coverage(real, fake)["density"] - 1) < 0.07


def test_too_few_points_or_bad_shapes_are_refused():
  x = np.zeros((3, 2))
  with pytest.raises(ValueError, match="more than k = 3"):
    manifold.precision_recall(x, np.ones((10, 2)))
  with pytest.raises(ValueError, match="dimension"):
    manifold.manifold_metrics(np.zeros((10, 2)), np.zeros((10, 3)))
  with pytest.raises(ValueError, match="features"):
    manifold.knn_radii(np.zeros(10), 3)


def test_reported_by_mnist_classifier_metrics():
  rng = np.random.default_rng(9)
  reference = np.concatenate([
      rng.uniform(size=(15, 28, 28, 1)),
      rng.uniform(size=(15, 28, 28, 1)) < 0.2]).astype(np.float32)
  samples = reference[::2]  # Every sample is a reference image.
  out = classifier.mnist_classifier_metrics(samples, reference, num_splits=2,
                                            kid_subsets=2)
  got = {k: out[f"{classifier.PREFIX}_{k}"] for k in manifold.KEYS}
  assert all(np.isfinite(v) for v in got.values()), got
  assert all(0.0 <= got[k] <= 1.0 for k in ("precision", "recall", "coverage"))
  assert got["density"] >= 0.0
  # The reference images are the real set: each sample sits on a real ball's
  # centre (features equal up to float32 rounding), so precision is 1.
  assert got["precision"] == 1.0
  # Too few samples for a 5th neighbour: nan, the other figures still there.
  few = classifier.mnist_classifier_metrics(samples[:4], reference,
                                            num_splits=2, kid_subsets=2)
  assert all(np.isnan(few[f"{classifier.PREFIX}_{k}"]) for k in manifold.KEYS)
  assert np.isfinite(few[f"{classifier.PREFIX}_fid"])
