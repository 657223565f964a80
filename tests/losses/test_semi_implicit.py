"""The SIG objective H_M and Theorem 1 of Yin & Zhou (2019)."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import optimize
from scipy import stats

from gentk.losses import semi_implicit


def test_h_m_equals_a_direct_computation():
  rng = np.random.default_rng(0)
  x = rng.normal(size=(7, 3)).astype(np.float32)
  theta = rng.normal(size=(5, 3)).astype(np.float32)
  sigma = 0.7
  direct = np.array([[stats.multivariate_normal.logpdf(
      xi, mean=tj, cov=sigma ** 2 * np.eye(3)) for tj in theta] for xi in x])
  np.testing.assert_allclose(
      semi_implicit.gaussian_log_kernel(x, theta, sigma), direct, rtol=1e-5)
  h_m = -np.mean(np.log(np.mean(np.exp(direct), axis=1)))
  np.testing.assert_allclose(semi_implicit.sig_loss(x, theta, sigma), h_m,
                             rtol=1e-5)
  # Images: the example axes are flattened; far-apart points stay finite.
  far = semi_implicit.sig_loss(np.zeros((2, 4, 4, 3)),
                               np.full((3, 4, 4, 3), 50.0), 0.1)
  assert np.isfinite(far)


def test_h_m_decreases_with_m_towards_the_cross_entropy():
  """Lemma 1: E[H_M] >= E[H_{M+1}] >= H. Data N(0, 1), theta ~ N(0, 1),
  kernel N(0, 0.5^2), so p_model = N(0, 1.25) and H is known. Means over
  4,000 replications; standard errors < 0.01, the gaps > 0.05."""
  key = jax.random.PRNGKey(0)
  x = jax.random.normal(key, (4000, 64, 1))
  means = []
  for i, m in enumerate((1, 4, 32)):
    theta = jax.random.normal(jax.random.fold_in(key, i + 1), (4000, m, 1))
    h = jax.vmap(lambda a, b: semi_implicit.sig_loss(a, b, 0.5))(x, theta)
    means.append(float(jnp.mean(h)))
  h_true = 0.5 * np.log(2 * np.pi * 1.25) + 0.5 / 1.25
  assert means[0] > means[1] + 0.05 > means[2] + 0.1
  assert means[2] > h_true - 0.01


@pytest.mark.parametrize("n", [(40, 30, 20, 10), (25, 25, 25, 25),
                               (50, 20, 18, 12)])
def test_theorem_1_closed_form_is_the_numerical_optimum(n):
  """K modes at the vertices of a regular simplex (equal distances c), data
  and theta spread N(vertex, s^2 I) in each region, RBF kernel
  N(x; theta, sigma^2 I): u, v are Gaussian densities at 0 and at c. The
  closed form of Theorem 1 must maximise Eq. 7 over the shares."""
  k, s, sigma, c = len(n), 0.3, 0.8, 2.2
  var = sigma ** 2 + 2 * s ** 2  # x - theta ~ N(c_a - c_b, var I).
  u = (2 * np.pi * var) ** (-k / 2)  # E N(x; theta, sigma^2), same region.
  v = u * np.exp(-c ** 2 / (2 * var))  # Regions c apart.
  closed = np.asarray(semi_implicit.optimal_allocation(n, u, v))
  assert np.all(closed > 0) and closed.sum() == pytest.approx(1.0)
  objective = jax.value_and_grad(
      lambda w: -semi_implicit.allocation_objective(w, n, u / v, 1.0))
  result = optimize.minimize(
      lambda w: tuple(np.asarray(a, np.float64) for a in objective(w)),
      np.full(k, 1.0 / k), jac=True, method="SLSQP", bounds=[(1e-9, 1.0)] * k,
      constraints=({"type": "eq", "fun": lambda w: np.sum(w) - 1.0},),
      options={"ftol": 1e-14, "maxiter": 500})
  # Float32 objective: near the maximum it is flat to second order, so its
  # rounding (1e-7 relative) moves the numerical argmax by ~sqrt(1e-7).
  np.testing.assert_allclose(result.x, closed, atol=5e-4)
  # The overlap between regions moves theta's towards the larger modes.
  p = np.asarray(n) / np.sum(n)
  assert np.all((closed - p) * (p - 1 / k) >= 0)


def test_theorem_1_with_separated_modes_gives_the_data_shares():
  n = np.array([5, 3, 2])
  np.testing.assert_allclose(semi_implicit.optimal_allocation(n, 1.0, 0.0),
                             n / n.sum(), rtol=1e-6)
