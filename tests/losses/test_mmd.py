"""MMD^2 against a NumPy double loop, and its unbiasedness against closed forms."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.losses import mmd

BANDWIDTHS = (0.5, 1.0, 2.0)


def _numpy_mmd2(x, y, bandwidths, unbiased):
  """Direct double loops over pairs, float64."""
  k = lambda a, b: sum(math.exp(-np.sum((a - b) ** 2) / (2 * s * s))
                       for s in bandwidths)
  m, n = len(x), len(y)
  same = lambda z, i, j: unbiased and i == j
  xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if not same(x, i, j))
  yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if not same(y, i, j))
  xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n))
  dx = m * (m - 1) if unbiased else m * m
  dy = n * (n - 1) if unbiased else n * n
  return xx / dx + yy / dy - 2 * xy / (m * n)


@pytest.mark.parametrize("unbiased", [True, False])
def test_matches_numpy_double_loop(unbiased):
  rng = np.random.default_rng(0)
  x = rng.normal(size=(5, 3))
  y = rng.normal(loc=0.5, size=(7, 3))
  got = mmd.mmd2(x.astype(np.float32), y.astype(np.float32),
                 bandwidths=BANDWIDTHS, unbiased=unbiased)
  np.testing.assert_allclose(got, _numpy_mmd2(x, y, BANDWIDTHS, unbiased),
                             rtol=1e-4, atol=1e-6)


def test_kernel_hand_computed_and_flattening():
  """Points at distance 1 and 2: k = exp(-1/2) + exp(-1/8) and
  exp(-2) + exp(-1/2) for bandwidths (1, 2)."""
  x = jnp.zeros((1, 2))
  y = jnp.array([[1.0, 0.0], [0.0, 2.0]])
  np.testing.assert_allclose(
      mmd.rbf_mixture_kernel(x, y, bandwidths=(1.0, 2.0)),
      [[math.exp(-0.5) + math.exp(-0.125), math.exp(-2) + math.exp(-0.5)]],
      rtol=1e-6)
  images = jax.random.normal(jax.random.PRNGKey(0), (4, 2, 3, 1))
  other = jax.random.normal(jax.random.PRNGKey(1), (3, 2, 3, 1))
  np.testing.assert_allclose(
      mmd.mmd2(images, other, bandwidths=BANDWIDTHS),
      mmd.mmd2(images.reshape(4, -1), other.reshape(3, -1),
               bandwidths=BANDWIDTHS), rtol=1e-6)


def test_rejects_bad_inputs():
  with pytest.raises(ValueError):
    mmd.mmd2(jnp.ones((1, 2)), jnp.ones((3, 2)))
  with pytest.raises(AssertionError):
    mmd.mmd2(jnp.ones((3, 2)), jnp.ones((3, 4)))


def _population_mmd2(shift, dim, var, bandwidths):
  """N(0, var I) vs N(shift e_1, var I) with the RBF mixture, in closed form:
  E exp(-||u||^2 / (2 s^2)) for u ~ N(mu, t I) in d dims is
  (s^2 / (s^2 + t))^{d/2} exp(-||mu||^2 / (2 (s^2 + t))); here t = 2 var."""
  t = 2 * var
  e = lambda mu2, s: (s * s / (s * s + t)) ** (dim / 2) * math.exp(
      -mu2 / (2 * (s * s + t)))
  return sum(2 * e(0.0, s) - 2 * e(shift ** 2, s) for s in bandwidths)


REPLICATES, M = 400, 16


@jax.jit
def _replicates(key, shift):
  def one(k):
    kx, ky = jax.random.split(k)
    x = jax.random.normal(kx, (M, 2))
    y = jax.random.normal(ky, (M, 2)) + jnp.array([shift, 0.0])
    return jnp.stack([mmd.mmd2(x, y, bandwidths=(1.0,)),
                      mmd.mmd2(x, y, bandwidths=(1.0,), unbiased=False)])
  return jax.vmap(one)(jax.random.split(key, REPLICATES))


@pytest.mark.parametrize("shift", [0.0, 1.0])
def test_unbiased_in_expectation(shift):
  """Mean of 400 independent estimates (16 vs 16 samples) within 4 standard
  errors (replicate std / sqrt(400)) of the population MMD^2: 0 for the same
  distribution, 2/3 (1 - exp(-1/6)) ~ 0.1023 for a unit mean shift in 2-D.
  The biased V-statistic, on the same draws, misses it by more than 4 SE
  (its bias is 2 (1 - E k(x, x')) / 16 ~ 0.083), so the test has power."""
  est = np.asarray(_replicates(jax.random.PRNGKey(42), shift), np.float64)
  target = _population_mmd2(shift, 2, 1.0, (1.0,))
  if shift:
    np.testing.assert_allclose(target, 2 / 3 * (1 - math.exp(-1 / 6)))
  for column, should_match in ((0, True), (1, False)):
    se = est[:, column].std(ddof=1) / math.sqrt(REPLICATES)
    off = abs(est[:, column].mean() - target)
    assert (off < 4 * se) == should_match, (column, off, se)


def test_clearly_positive_for_different_distributions():
  """One estimate on 256 vs 256 samples of the two distributions above exceeds
  8 times the spread of same-distribution estimates (std over 400 replicates,
  16 vs 16 samples, scaled by 16/256 since the null std is O(1/M))."""
  null_std = float(np.std(np.asarray(_replicates(jax.random.PRNGKey(7), 0.0))[:, 0]))
  kx, ky = jax.random.split(jax.random.PRNGKey(1))
  x = jax.random.normal(kx, (256, 2))
  y = jax.random.normal(ky, (256, 2)) + jnp.array([1.0, 0.0])
  same = jax.random.normal(jax.random.PRNGKey(2), (256, 2))
  diff = float(mmd.mmd2(x, y, bandwidths=(1.0,)))
  null = float(mmd.mmd2(x, same, bandwidths=(1.0,)))
  scaled_null_std = null_std * 16 / 256
  assert diff > 8 * scaled_null_std + abs(null)
  assert abs(null) < 4 * scaled_null_std
