"""Tests for gentk.estimators.pathwise."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.stats

from gentk.estimators import pathwise
from tests.estimators import mc_util

_NUM = 20_000
_PARAMS = {"mean": jnp.array([0.5, -1.0]), "log_std": jnp.array([0.2, -0.4])}


def test_diag_gaussian_kl_by_hand():
  # N(1, 1) || N(0, 1): 1/2; N(0, 4) || N(0, 1): (4 - 1 - log 4) / 2.
  kl = pathwise.diag_gaussian_kl(jnp.array([1.0, 0.0]),
                                 jnp.array([0.0, math.log(2.0)]))
  np.testing.assert_allclose(kl, 0.5 + 0.5 * (3 - math.log(4)), rtol=1e-6)
  # N(1, 1) || N(1, 4): log 2 + 1/8 - 1/2.
  kl = pathwise.diag_gaussian_kl(jnp.array([[1.0]]), jnp.array([[0.0]]),
                                 1.0, math.log(2.0))
  np.testing.assert_allclose(kl, [math.log(2) + 0.125 - 0.5], rtol=1e-6)


def test_diag_gaussian_log_prob_matches_scipy():
  z = jnp.array([[0.3, -2.0], [1.0, 0.5]])
  expected = scipy.stats.norm.logpdf(
      np.asarray(z), [0.5, -1.0], np.exp([0.2, -0.4])).sum(-1)
  np.testing.assert_allclose(
      pathwise.diag_gaussian_log_prob(z, _PARAMS["mean"], _PARAMS["log_std"]),
      expected, rtol=1e-5)


def _gaussian_per_sample(f):
  """Per-sample pathwise gradients of E[f(z)], z ~ N(mean, std^2)."""
  def per_sample(params):
    z = pathwise.diag_gaussian_sample(jax.random.PRNGKey(0), params["mean"],
                                      params["log_std"], num_samples=_NUM)
    return pathwise.pathwise_surrogate(f(z))[1]
  return mc_util.per_sample_gradients(per_sample, _PARAMS)


_A = jnp.array([2.0, -3.0])
_STD2 = np.exp(2 * np.asarray(_PARAMS["log_std"]))


@pytest.mark.parametrize("f, exact", [
    # f = c: zero gradient, exactly (every per-sample gradient is 0).
    (lambda z: jnp.full(z.shape[:1], 3.0), {"mean": [0, 0], "log_std": [0, 0]}),
    # f = a.z: d/dmean = a, d/dlog_std = 0.
    (lambda z: z @ _A, {"mean": _A, "log_std": [0, 0]}),
    # f = |z|^2: E = |mean|^2 + sum std^2; d/dmean = 2 mean, d/dlog_std = 2 std^2.
    (lambda z: jnp.sum(z**2, -1), {"mean": 2 * _PARAMS["mean"],
                                   "log_std": 2 * _STD2}),
], ids=["constant", "linear", "quadratic"])
def test_gaussian_pathwise_gradient_is_unbiased(f, exact):
  per_sample = _gaussian_per_sample(f)
  if np.all(np.asarray(exact["log_std"]) == 0) and np.all(
      np.asarray(exact["mean"]) == 0):
    for v in per_sample.values():
      np.testing.assert_array_equal(v, 0.0)
    return
  mc_util.assert_tree_unbiased(per_sample, exact)


def test_generic_reparameterisation_exponential():
  # z = -log(u) / rate ~ Exp(rate); E[z^2] = 2 / rate^2, derivative -4 / rate^3.
  rate = 1.5

  def per_sample(rate):
    z = pathwise.reparameterize(
        jax.random.PRNGKey(1), lambda u, r: -jnp.log(u) / r, rate,
        lambda k: jax.random.uniform(k, (_NUM,), minval=1e-12, maxval=1.0))
    return pathwise.pathwise_surrogate(z**2)[1]

  grads = mc_util.per_sample_gradients(per_sample, rate)
  mc_util.assert_unbiased(grads, -4 / rate**3, what="d E[z^2] / d rate")


# SGVB on z ~ N(0, I), x | z ~ N(z, I), q(z | x) = N(mean, std^2), D = 2.
_X = jnp.array([1.2, -0.3])


def _analytic_elbo(params):
  std2 = jnp.exp(2 * params["log_std"])
  expected_log_lik = jnp.sum(-0.5 * math.log(2 * math.pi) -
                             0.5 * ((_X - params["mean"])**2 + std2))
  return expected_log_lik - pathwise.diag_gaussian_kl(params["mean"],
                                                      params["log_std"])


def _sgvb_per_sample(params, estimator):
  z = pathwise.diag_gaussian_sample(jax.random.PRNGKey(2), params["mean"],
                                    params["log_std"], num_samples=_NUM)
  log_lik = pathwise.diag_gaussian_log_prob(_X, z, 0.0)
  if estimator == "a":
    log_joint = log_lik + pathwise.diag_gaussian_log_prob(z, 0.0, 0.0)
    log_q = pathwise.diag_gaussian_log_prob(z, params["mean"], params["log_std"])
    return pathwise.sgvb_estimator_a(log_joint, log_q)[1]
  kl = pathwise.diag_gaussian_kl(params["mean"], params["log_std"])
  return pathwise.sgvb_estimator_b(log_lik, kl)[1]


def test_sgvb_estimators_are_unbiased_and_b_has_lower_variance():
  elbo = float(_analytic_elbo(_PARAMS))
  exact_grad = jax.grad(_analytic_elbo)(_PARAMS)
  variances = {}
  for estimator in ("a", "b"):
    values = jax.jit(_sgvb_per_sample, static_argnums=1)(_PARAMS, estimator)
    mc_util.assert_unbiased(values, elbo, what=f"ELBO {estimator}")
    grads = mc_util.per_sample_gradients(
        lambda p: _sgvb_per_sample(p, estimator), _PARAMS)
    mc_util.assert_tree_unbiased(grads, exact_grad, what=f"grad {estimator}")
    variances[estimator] = mc_util.total_variance(grads)
  # The analytic KL removes the sampled KL's noise: measured ratio ~2.5.
  assert variances["b"] < 0.7 * variances["a"], variances
