"""Inverse-transform sampling: exact quantiles on linear densities, KS tests.

KS tests use 20,000 samples at level 1%: a correct sampler fails with
probability 0.01 per fresh key; keys are fixed so the outcome is deterministic,
and the KS statistic must also be below its 1% critical value
1.63 / sqrt(N) = 0.0115, which a grid error of order 1e-3 would exceed.
"""
import jax
import jax.numpy as jnp
import numpy as np
from scipy import stats

from gentk.sampling import inverse_cdf

NUM_SAMPLES, LEVEL = 20_000, 0.01


def test_grid_quantile_is_exact_for_piecewise_linear_densities():
  # Uniform on [0, 2]: F^{-1}(u) = 2u. Triangle p(x) = x / 2 on [0, 2]:
  # F(x) = x^2 / 4, F^{-1}(u) = 2 sqrt(u); both are linear on a 3-point grid,
  # so the inversion is exact up to float error.
  u = jnp.asarray([0.0, 0.1, 0.25, 0.5, 0.9, 1.0])
  grid = jnp.asarray([0.0, 1.0, 2.0])
  uniform = inverse_cdf.grid_cdf(grid, jnp.zeros(3))
  np.testing.assert_allclose(inverse_cdf.grid_quantile(uniform, u), 2 * u,
                             atol=1e-6)
  triangle = inverse_cdf.grid_cdf(grid, jnp.log(grid / 2))  # log 0 = -inf
  np.testing.assert_allclose(triangle.cdf, [0.0, 0.25, 1.0])
  np.testing.assert_allclose(inverse_cdf.grid_quantile(triangle, u),
                             2 * np.sqrt(u), atol=1e-6)


def test_grid_cdf_batches_densities_on_one_grid():
  grid = jnp.linspace(-3, 3, 7)
  table = inverse_cdf.grid_cdf(grid, jnp.stack([-grid**2, -jnp.abs(grid)]))
  assert table.cdf.shape == (2, 7)
  np.testing.assert_allclose(table.cdf[:, -1], [1.0, 1.0], rtol=1e-6)


def _assert_ks(samples, cdf):
  result = stats.kstest(np.asarray(samples), cdf)
  assert result.pvalue > LEVEL, result
  assert result.statistic < 1.63 / np.sqrt(len(samples)), result


def test_closed_form_quantile_exponential_ks():
  rate = 2.0
  samples = inverse_cdf.sample_from_quantile(
      jax.random.key(0), lambda u: -jnp.log1p(-u) / rate, (NUM_SAMPLES,))
  _assert_ks(samples, stats.expon(scale=1 / rate).cdf)


def test_grid_inversion_of_a_gaussian_ks():
  samples = inverse_cdf.sample_on_grid(
      jax.random.key(1), lambda x: -0.5 * ((x - 1.0) / 2.0)**2,
      jnp.linspace(-11.0, 13.0, 2001), (NUM_SAMPLES,))
  _assert_ks(samples, stats.norm(1.0, 2.0).cdf)


def test_grid_inversion_of_a_bimodal_mixture_ks():
  def log_density(x):
    return jnp.logaddexp(jnp.log(0.3) + stats_log_normal(x, -2.0, 0.5),
                         jnp.log(0.7) + stats_log_normal(x, 1.5, 1.0))

  def stats_log_normal(x, mean, std):
    return -0.5 * ((x - mean) / std)**2 - jnp.log(std)

  samples = inverse_cdf.sample_on_grid(
      jax.random.key(2), log_density, jnp.linspace(-8.0, 9.0, 2001),
      (NUM_SAMPLES,))
  _assert_ks(samples, lambda x: 0.3 * stats.norm(-2.0, 0.5).cdf(x)
             + 0.7 * stats.norm(1.5, 1.0).cdf(x))
