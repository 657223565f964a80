r"""k-nearest-neighbour manifold metrics: precision, recall, density, coverage.

Each sample of a set $X = \{x_1, \dots, x_N\}$ (real features) or
$Y = \{y_1, \dots, y_M\}$ (generated features) gets the ball $B(x, r_k(x))$
whose radius $r_k(x) = \mathrm{NND}_k(x)$ is the distance to its k-th nearest
*other* point of its own set; the union of the balls estimates the set's
manifold. With $1[\cdot]$ the indicator:

* improved precision (k = 3): $\frac1M \sum_j 1[\exists i:
  \|y_j - x_i\| \le r_k(x_i)]$, the share of generated samples on the real
  manifold (fidelity);
* improved recall (k = 3): $\frac1N \sum_i 1[\exists j:
  \|x_i - y_j\| \le r_k(y_j)]$, the share of real samples on the generated
  manifold (diversity);
* density (k = 5): $\frac{1}{kM} \sum_j \sum_i 1[y_j \in B(x_i, r_k(x_i))]$,
  how many real balls hold a generated sample on average, over k; about 1 in
  expectation when Y and X come from the same distribution, and not bounded
  by 1 (samples piled on dense real regions score above 1);
* coverage (k = 5): $\frac1N \sum_i 1[\exists j: y_j \in B(x_i,
  r_k(x_i))]$, the share of real balls that hold a generated sample; only
  real balls are used, so generated outliers cannot inflate it.

Distances are Euclidean, in float64 NumPy on the host, from the expansion
$\|a - b\|^2 = \|a\|^2 + \|b\|^2 - 2 a^\top b$ after subtracting the real
mean from both sets (fewer digits lost to cancellation); the norms and radii
ride along in the matrix product as an extra column, so the comparisons
need no further pass over it. The matrices are built `chunk_size` rows at a
time: memory is O(`chunk_size` x N), never N x M, and there are three
passes in all (real-real, fake-fake, fake-real). Memberships compare squared
distances with squared radii; a point's distance to itself is exactly 0, and
a duplicate counts as another neighbour at distance 0 (up to rounding).

References:
  Kynkaanniemi et al. 2019, "Improved Precision and Recall Metric for
    Assessing Generative Models", https://arxiv.org/abs/1904.06991
  Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for Generative
    Models", https://arxiv.org/abs/2002.09797
"""
from typing import Sequence

import numpy as np

from gentk.types import ArrayLike

PRECISION_RECALL_K = 3  # Kynkaanniemi et al. 2019.
DENSITY_COVERAGE_K = 5  # Naeem et al. 2020.
CHUNK_SIZE = 1024  # Rows of distances held at once.
KEYS = ("precision", "recall", "density", "coverage")


def _features(x: ArrayLike, name: str) -> np.ndarray:
  x = np.asarray(x, np.float64)
  if x.ndim != 2:
    raise ValueError(f"{name} must be features [num_points, dim], got shape "
                     f"{x.shape}.")
  return x


def _centred(real: ArrayLike, fake: ArrayLike
             ) -> tuple[np.ndarray, np.ndarray]:
  """Both sets as float64, less the real mean (distances are unchanged;
  smaller norms lose less to rounding in the expanded distance)."""
  real, fake = _features(real, "real"), _features(fake, "fake")
  if real.shape[1] != fake.shape[1]:
    raise ValueError(f"real and fake features differ in dimension: "
                     f"{real.shape[1]} vs {fake.shape[1]}.")
  mean = real.mean(0) if real.shape[0] else 0.0
  return real - mean, fake - mean


def _check_k(x: np.ndarray, k: int, name: str) -> None:
  if int(k) != k or k < 1:
    raise ValueError(f"k must be a positive integer, got {k}.")
  if x.shape[0] <= k:
    raise ValueError(f"{name} has {x.shape[0]} points: the k-th nearest "
                     f"other point needs more than k = {k}.")


def _sq_norms(x: np.ndarray) -> np.ndarray:
  return np.einsum("ij,ij->i", x, x)


def _rows(a: np.ndarray) -> np.ndarray:
  """`[-2 a, 1]`: with columns `[b, c]`, a matmul gives
  `||a_r - b_s||^2 - ||a_r||^2 - ||b_s||^2 + c_s`, no pass over the
  product (`c = ||b||^2 - r^2` folds in a radius)."""
  return np.concatenate([-2.0 * a, np.ones((a.shape[0], 1))], axis=1)


def _columns(b: np.ndarray, last: np.ndarray) -> np.ndarray:
  """`[b, last]^T`, `[D + 1, N]`."""
  return np.concatenate([b, last[:, None]], axis=1).T.copy()


def _knn_sq_radii(x: np.ndarray, ks: Sequence[int], chunk_size: int
                  ) -> dict[int, np.ndarray]:
  """`{k: NND_k(x_i)^2 for every i}`: squared distances to the k-th nearest
  other point of `x`, one pass for all `ks`."""
  k_max = max(ks)
  x_sq = _sq_norms(x)
  cols = _columns(x, x_sq)
  out = {k: np.empty(x.shape[0]) for k in ks}
  for start in range(0, x.shape[0], chunk_size):
    rows = slice(start, start + chunk_size)
    # e[r, s] = ||x_r - x_s||^2 - ||x_r||^2: ranks a row like the distances.
    e = _rows(x[rows]) @ cols
    n = e.shape[0]
    e[np.arange(n), start + np.arange(n)] = -x_sq[rows]  # Self: exactly 0.
    # The k_max + 1 smallest (self first), sorted; one k is 3x faster to
    # partition at than several.
    nearest = np.sort(np.partition(e, k_max, axis=1)[:, :k_max + 1], axis=1)
    nearest = np.maximum(nearest + x_sq[rows, None], 0.0)
    for k in ks:
      out[k][rows] = nearest[:, k]
  return out


def knn_radii(x: ArrayLike, k: int, *, chunk_size: int = CHUNK_SIZE
              ) -> np.ndarray:
  r"""$\mathrm{NND}_k(x_i)$: each point's distance to its k-th nearest other
  point of `x` `[N, D]`; `[N]`, float64."""
  x = _features(x, "x")
  _check_k(x, k, "x")
  return np.sqrt(_knn_sq_radii(x - x.mean(0), (k,), chunk_size)[k])


def _ball_membership(real: np.ndarray, fake: np.ndarray,
                     real_sq_radii: Sequence[np.ndarray],
                     fake_sq_radii: np.ndarray | None, chunk_size: int
                     ) -> tuple[list[tuple[np.ndarray, np.ndarray]],
                                np.ndarray | None]:
  """One pass over the fake-real distances `d[j, i] = ||y_j - x_i||`.

  Args:
    real, fake: `[N, D]`, `[M, D]`.
    real_sq_radii: squared radii `[N]` of the real balls, one or more sets.
    fake_sq_radii: squared radii `[M]` of the fake balls, or None.
    chunk_size: fake rows at a time.
  Returns:
    per set of real radii `(count [M]`, how many real balls hold each
    `y_j`; `covered [N]`, whether ball i holds some `y_j`), and
    `inside [N]`, whether `x_i` lies in some fake ball (None without
    `fake_sq_radii`).
  """
  fake_sq = _sq_norms(fake)
  counts = [np.zeros(fake.shape[0], np.int64) for _ in real_sq_radii]
  covered = [np.zeros(real.shape[0], bool) for _ in real_sq_radii]
  inside = None if fake_sq_radii is None else np.zeros(real.shape[0], bool)
  # e moves from one set of real radii to the next by these shifts.
  shifts = [prev - cur for prev, cur in zip(real_sq_radii, real_sq_radii[1:])]
  cols = _columns(real, _sq_norms(real) - real_sq_radii[0])
  for start in range(0, fake.shape[0], chunk_size):
    rows = slice(start, start + chunk_size)
    # e[j, i] = d[j, i]^2 - ||y_j||^2 - r(x_i)^2, and y_j is in ball i iff
    # e[j, i] <= -||y_j||^2 (the threshold).
    e = _rows(fake[rows]) @ cols
    threshold = -fake_sq[rows, None]
    for m, (count, cov) in enumerate(zip(counts, covered)):
      if m:
        e += shifts[m - 1][None]
      in_ball = e <= threshold
      count[rows] = np.count_nonzero(in_ball, axis=1)
      cov |= in_ball.any(0)
    if inside is not None:
      e += real_sq_radii[-1][None]  # e = d^2 - ||y_j||^2: x_i is in ball
      # j iff d^2 <= r(y_j)^2, i.e. e <= r(y_j)^2 - ||y_j||^2.
      inside |= (e <= (fake_sq_radii[rows] + threshold[:, 0])[:, None]).any(0)
  return list(zip(counts, covered)), inside


def precision_recall(real: ArrayLike, fake: ArrayLike,
                     k: int = PRECISION_RECALL_K, *,
                     chunk_size: int = CHUNK_SIZE) -> dict[str, float]:
  r"""Improved precision and recall of k-NN manifolds.

  $$\mathrm{precision} = \frac1M \sum_{j=1}^M 1\big[\exists i:
  \|y_j - x_i\| \le \mathrm{NND}_k(x_i)\big], \qquad
  \mathrm{recall} = \frac1N \sum_{i=1}^N 1\big[\exists j:
  \|x_i - y_j\| \le \mathrm{NND}_k(y_j)\big],$$
  with $\mathrm{NND}_k$ the distance to the k-th nearest other point of the
  same set.

  Args:
    real: real features `[N, D]`, N > k.
    fake: generated features `[M, D]`, M > k.
    k: the neighbour defining the radii (3 in the paper).
    chunk_size: rows of the distance matrices held at once.
  Returns:
    `{"precision", "recall"}`, floats in [0, 1].
  References:
    Kynkaanniemi et al. 2019, https://arxiv.org/abs/1904.06991
  """
  real, fake = _centred(real, fake)
  _check_k(real, k, "real")
  _check_k(fake, k, "fake")
  [(count, _)], inside = _ball_membership(
      real, fake, [_knn_sq_radii(real, (k,), chunk_size)[k]],
      _knn_sq_radii(fake, (k,), chunk_size)[k], chunk_size)
  return {"precision": float(np.mean(count > 0)),
          "recall": float(np.mean(inside))}


def density_coverage(real: ArrayLike, fake: ArrayLike,
                     k: int = DENSITY_COVERAGE_K, *,
                     chunk_size: int = CHUNK_SIZE) -> dict[str, float]:
  r"""Density and coverage on the real samples' k-NN balls.

  $$\mathrm{density} = \frac{1}{kM} \sum_{j=1}^M \sum_{i=1}^N
  1\big[y_j \in B(x_i, \mathrm{NND}_k(x_i))\big], \qquad
  \mathrm{coverage} = \frac1N \sum_{i=1}^N 1\big[\exists j:
  y_j \in B(x_i, \mathrm{NND}_k(x_i))\big].$$

  Args:
    real: real features `[N, D]`, N > k.
    fake: generated features `[M, D]`, M >= 1.
    k: the neighbour defining the radii (5 in the paper).
    chunk_size: rows of the distance matrices held at once.
  Returns:
    `{"density", "coverage"}`: density >= 0 (about 1 when both sets come
    from one distribution, up to N / k), coverage in [0, 1].
  References:
    Naeem et al. 2020, https://arxiv.org/abs/2002.09797
  """
  real, fake = _centred(real, fake)
  _check_k(real, k, "real")
  if not fake.shape[0]:
    raise ValueError("fake has no points.")
  [(count, covered)], _ = _ball_membership(
      real, fake, [_knn_sq_radii(real, (k,), chunk_size)[k]], None,
      chunk_size)
  return {"density": float(count.sum() / (k * fake.shape[0])),
          "coverage": float(np.mean(covered))}


def manifold_metrics(real: ArrayLike, fake: ArrayLike, *,
                     precision_recall_k: int = PRECISION_RECALL_K,
                     density_coverage_k: int = DENSITY_COVERAGE_K,
                     chunk_size: int = CHUNK_SIZE) -> dict[str, float]:
  """`precision_recall` and `density_coverage` at their papers' k, sharing
  the distance passes (real-real, fake-fake, fake-real: three in all).

  Args:
    real: real features `[N, D]`, N > both k.
    fake: generated features `[M, D]`, M > `precision_recall_k`.
    precision_recall_k: k of precision and recall (3).
    density_coverage_k: k of density and coverage (5).
    chunk_size: rows of the distance matrices held at once.
  Returns:
    `{"precision", "recall", "density", "coverage"}` as floats, the
    figures of the two functions.
  References:
    Kynkaanniemi et al. 2019, https://arxiv.org/abs/1904.06991
    Naeem et al. 2020, https://arxiv.org/abs/2002.09797
  """
  real, fake = _centred(real, fake)
  k_pr, k_dc = precision_recall_k, density_coverage_k
  _check_k(real, k_pr, "real")
  _check_k(real, k_dc, "real")
  _check_k(fake, k_pr, "fake")
  real_r2 = _knn_sq_radii(real, (k_pr, k_dc), chunk_size)
  fake_r2 = _knn_sq_radii(fake, (k_pr,), chunk_size)
  (pr, dc), inside = _ball_membership(
      real, fake, [real_r2[k_pr], real_r2[k_dc]], fake_r2[k_pr], chunk_size)
  return {"precision": float(np.mean(pr[0] > 0)),
          "recall": float(np.mean(inside)),
          "density": float(dc[0].sum() / (k_dc * fake.shape[0])),
          "coverage": float(np.mean(dc[1]))}
