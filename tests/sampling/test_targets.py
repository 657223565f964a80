"""The test targets: normalised densities whose moments match the stated
exact ones, both by quadrature and by their exact samplers."""
import jax
import numpy as np
import pytest

from gentk.sampling import targets

TARGETS = {
    "banana": targets.banana(),
    "mixture": targets.demo_mixture(),
    "gaussian": targets.isotropic_gaussian([1.0, -0.5], 0.7),
}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_density_integrates_to_one_with_the_stated_moments(name):
  # Riemann sum on a 0.05 grid over [-12, 12] x [-12, 40]: for smooth,
  # rapidly decaying densities whose scales are >= 0.7 it is accurate to far
  # below 1e-3 (the error decays like exp(-2 pi^2 sd^2 / h^2)); the grid cuts
  # the banana's x2 tail beyond 40 (|x1| > 4.6 sd, mass 4e-6), which lowers
  # Var[x2] = 9 by about 1e-3 relative, hence rtol 3e-3 on the covariance.
  target = TARGETS[name]
  h = 0.05
  x1, x2 = np.meshgrid(np.arange(-12, 12, h), np.arange(-12, 40, h),
                       indexing="ij")
  grid = np.stack([x1, x2], -1).astype(np.float32)
  log_p = np.asarray(jax.jit(target.logdensity_fn)(grid), np.float64)
  p = np.exp(log_p) * h**2
  np.testing.assert_allclose(p.sum(), 1.0, atol=1e-3)
  mean = np.einsum("ij,ijd->d", p, np.asarray(grid, np.float64))
  np.testing.assert_allclose(mean, target.mean, atol=1e-3)
  centred = np.asarray(grid, np.float64) - mean
  cov = np.einsum("ij,ijd,ije->de", p, centred, centred)
  np.testing.assert_allclose(cov, target.covariance, rtol=3e-3, atol=1e-3)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_exact_sampler_has_the_stated_mean_and_variance(name):
  # i.i.d. draws: standard errors sd / sqrt(n) of the mean and
  # sd((x - m)^2) / sqrt(n) of the variance, at 4 sigma.
  target = TARGETS[name]
  n = 100_000
  x = np.asarray(jax.jit(target.sample_fn, static_argnums=1)(
      jax.random.key(0), n), np.float64)
  se = x.std(0) / np.sqrt(n)
  np.testing.assert_array_less(np.abs(x.mean(0) - target.mean), 4 * se)
  sq = (x - np.asarray(target.mean))**2
  np.testing.assert_array_less(
      np.abs(sq.mean(0) - np.diag(target.covariance)),
      4 * sq.std(0) / np.sqrt(n))
