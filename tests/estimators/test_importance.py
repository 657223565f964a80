"""Tests for gentk.estimators.importance."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.estimators import importance
from tests.estimators import mc_util


def _normal_logpdf(x, mean, std):
  return -0.5 * ((x - mean) / std)**2 - jnp.log(std) - 0.5 * math.log(2 * math.pi)


# --- deterministic, hand-computed -------------------------------------------


def test_weights_ess_and_log_mean_exp_by_hand():
  # w = (1, 3): normalised (1/4, 3/4); ESS = 4^2 / (1 + 9) = 1.6; mean 2.
  log_w = jnp.log(jnp.array([1.0, 3.0]))
  np.testing.assert_allclose(importance.self_normalized_weights(log_w),
                             [0.25, 0.75], rtol=1e-6)
  np.testing.assert_allclose(importance.effective_sample_size(log_w), 1.6,
                             rtol=1e-6)
  np.testing.assert_allclose(importance.log_mean_exp(log_w), math.log(2.0),
                             rtol=1e-6)


def test_log_importance_weights_is_the_difference():
  np.testing.assert_allclose(
      importance.log_importance_weights(jnp.array([1.0, -2.0]),
                                        jnp.array([0.5, 1.0])), [0.5, -3.0])


def test_stable_for_huge_log_weights():
  # exp(1000) overflows float32; the log-space forms must not.
  # rtol 1e-4: float32 spacing at 1000 is 6e-5, so 1000 + log 2 is rounded.
  log_w = jnp.array([1000.0, 1000.0, 1000.0 + math.log(2.0)])
  np.testing.assert_allclose(importance.self_normalized_weights(log_w),
                             [0.25, 0.25, 0.5], rtol=1e-4)
  # ESS = 4^2 / (1 + 1 + 4) = 8/3.
  np.testing.assert_allclose(importance.effective_sample_size(log_w), 8 / 3,
                             rtol=1e-4)
  np.testing.assert_allclose(importance.log_mean_exp(log_w),
                             1000.0 + math.log(4 / 3), rtol=1e-6)


def test_axis_reduces_the_named_axis():
  # Rows [1, 3] and [2, 2] along axis 1.
  log_w = jnp.log(jnp.array([[1.0, 3.0], [2.0, 2.0]]))
  np.testing.assert_allclose(importance.effective_sample_size(log_w, axis=1),
                             [1.6, 2.0], rtol=1e-6)
  np.testing.assert_allclose(
      importance.self_normalized_weights(log_w, axis=1).sum(1), [1.0, 1.0],
      rtol=1e-6)
  f = jnp.array([[[1.0, 0.0], [5.0, 1.0]], [[2.0, 4.0], [4.0, 0.0]]])
  np.testing.assert_allclose(
      importance.self_normalized_expectation(f, log_w, axis=1),
      [[0.25 * 1 + 0.75 * 5, 0.75], [3.0, 2.0]], rtol=1e-6)
  with pytest.raises(ValueError):
    importance.log_mean_exp(log_w, axis=2)


def test_iwae_bound_with_equal_weights_is_log_weight():
  # All w_k equal to p(x) (q the exact posterior): the bound is exact for any K.
  log_p = jnp.full((5,), -3.0)
  log_q = jnp.full((5,), -1.0)
  np.testing.assert_allclose(importance.iwae_bound(log_p, log_q), -2.0)


def test_bihm_weights_uniform_when_q_is_the_posterior():
  # p(x, h) = p(x) q(h|x) gives omega = sqrt(p(x)) for every h.
  log_q = jnp.log(jnp.array([0.1, 0.2, 0.7]))
  log_p = math.log(0.3) + log_q
  _, weights = importance.bihm_surrogate(log_p, log_q)
  np.testing.assert_allclose(weights, [1 / 3] * 3, rtol=1e-6)
  np.testing.assert_allclose(importance.bihm_log_weights(log_p, log_q),
                             [0.5 * math.log(0.3)] * 3, rtol=1e-6)


def test_works_under_jit_and_vmap():
  log_p = jax.random.normal(jax.random.PRNGKey(0), (3, 7))
  log_q = jax.random.normal(jax.random.PRNGKey(1), (3, 7))
  batched = jax.jit(jax.vmap(importance.iwae_bound))(log_p, log_q)
  np.testing.assert_allclose(batched, importance.iwae_bound(log_p, log_q, axis=1),
                             rtol=1e-6)


# --- statistical ------------------------------------------------------------

# p~(x) = 3 exp(-(x - 1)^2 / (2 * 0.5^2)) (Z_p = 3 sqrt(2 pi) 0.5), proposal
# q = N(0, 1.5^2) with q~ its unnormalised form (Z_q = sqrt(2 pi) 1.5).
_NUM = 50_000


def _p_tilde(x):
  return math.log(3.0) - 0.5 * ((x - 1.0) / 0.5)**2


def _q_tilde(x):
  return -0.5 * (x / 1.5)**2


def _samples_from_q():
  return 1.5 * jax.random.normal(jax.random.PRNGKey(42), (_NUM,))


def test_log_normalizer_ratio_is_unbiased_in_ratio_space():
  x = _samples_from_q()
  log_w = importance.log_importance_weights(_p_tilde(x), _q_tilde(x))
  estimate = math.exp(importance.log_normalizer_ratio(_p_tilde(x), _q_tilde(x)))
  exact = 3.0 * 0.5 / 1.5
  # The ratio estimate is a mean of iid w_k: SE = std(w) / sqrt(K).
  _, se = mc_util.mean_and_se(np.exp(np.asarray(log_w, np.float64)))
  mc_util.assert_close_in_se(estimate, exact, se, what="Z_p / Z_q")


def test_self_normalized_expectation_is_consistent():
  x = _samples_from_q()
  log_w = importance.log_importance_weights(_p_tilde(x), _q_tilde(x))
  f = jnp.stack([x, x**2], axis=-1)  # E_p = (1, 1 + 0.25)
  estimate = importance.self_normalized_expectation(f, log_w)
  # Delta-method SE of the ratio estimator; its O(1/K) bias is ~1e-5 here,
  # far below the SE (~5e-3).
  w = np.asarray(importance.self_normalized_weights(log_w), np.float64)[:, None]
  se = np.sqrt(np.sum(w**2 * (np.asarray(f) - np.asarray(estimate))**2, axis=0))
  mc_util.assert_close_in_se(estimate, [1.0, 1.25], se, what="E_p[x, x^2]")
  # ESS of this proposal: K / E_q[w^2]/E_q[w]^2; just a sanity range.
  ess = float(importance.effective_sample_size(log_w))
  assert 0.2 * _NUM < ess < _NUM


# Model z ~ N(0, 1), x | z ~ N(z, 1): p(x) = N(x; 0, 2), posterior
# N(x / 2, 1 / 2). Proposal q = N(0.2, 1), deliberately off.
_X, _QMEAN, _QSTD = 1.5, 0.2, 1.0
_LOG_PX = float(_normal_logpdf(_X, 0.0, math.sqrt(2.0)))
_KS = (1, 4, 16, 64, 256, 1024)
_TOTAL = 2**18  # samples per K: R = TOTAL / K replications of the bound


def iwae_bounds_versus_k():
  """(K, mean bound, SE of the mean) for every K in _KS."""
  rows = []
  for i, k in enumerate(_KS):
    z = _QMEAN + _QSTD * jax.random.normal(
        jax.random.PRNGKey(100 + i), (k, _TOTAL // k))
    log_p = _normal_logpdf(z, 0.0, 1.0) + _normal_logpdf(_X, z, 1.0)
    log_q = _normal_logpdf(z, _QMEAN, _QSTD)
    mean, se = mc_util.mean_and_se(importance.iwae_bound(log_p, log_q, axis=0))
    rows.append((k, float(mean), float(se)))
  return rows


def test_iwae_bound_increases_with_k_towards_log_px():
  rows = iwae_bounds_versus_k()
  # K = 1 is the ELBO = log p(x) - KL(q || posterior), Gaussian KL by hand.
  post_mean, post_std = _X / 2, math.sqrt(0.5)
  kl = (math.log(post_std / _QSTD) +
        (_QSTD**2 + (_QMEAN - post_mean)**2) / (2 * post_std**2) - 0.5)
  mc_util.assert_close_in_se(rows[0][1], _LOG_PX - kl, rows[0][2], what="ELBO")
  for (_, m0, s0), (k1, m1, s1) in zip(rows, rows[1:]):
    # Non-decreasing within 4 combined SE (the true means are monotone) ...
    assert m1 > m0 - 4 * math.hypot(s0, s1), (k1, rows)
  for k, m, s in rows:
    # ... a lower bound in expectation ...
    assert m < _LOG_PX + 4 * s, (k, m, _LOG_PX)
  # ... that strictly increases and closes the gap: the gap decays like
  # chi^2(posterior || q) / (2K) (= 0.0003 at K = 1024), from KL = 0.48 at K = 1.
  assert rows[-1][1] - rows[0][1] > 4 * math.hypot(rows[0][2], rows[-1][2])
  assert _LOG_PX - rows[-1][1] < 0.01 * (_LOG_PX - rows[0][1]), rows


def test_bihm_surrogate_gradient_is_consistent():
  # Four discrete h; parameters: prior logits theta, log-likelihoods ell (so
  # p(x, h) = softmax(theta)_h exp(ell_h)) and posterior logits phi of q(h|x).
  params = {"theta": jnp.array([0.3, -0.2, 0.5, 0.0]),
            "ell": jnp.array([-1.0, -2.5, -0.3, -1.7]),
            "phi": jnp.array([0.0, 0.4, -0.6, 0.2])}

  def log_p_and_q(params):
    log_p = jax.nn.log_softmax(params["theta"]) + params["ell"]
    return log_p, jax.nn.log_softmax(params["phi"])

  def exact_objective(params):  # log p~*(x) = log sum_h sqrt(p(x, h) q(h|x))
    log_p, log_q = log_p_and_q(params)
    return jax.nn.logsumexp(0.5 * (log_p + log_q))

  exact = jax.grad(exact_objective)(params)
  num = 20_000
  h = jax.random.categorical(jax.random.PRNGKey(7), params["phi"], shape=(num,))

  def surrogate(params):
    log_p, log_q = log_p_and_q(params)
    return importance.bihm_surrogate(log_p[h], log_q[h])[0]

  estimate = jax.grad(surrogate)(params)
  # Per-sample gradients g_k of (log p + log q) / 2 give the delta-method SE
  # sqrt(sum_k w_k^2 (g_k - estimate)^2); the O(1/K) bias is negligible.
  def half_log_joint(params, hk):
    log_p, log_q = log_p_and_q(params)
    return 0.5 * (log_p[hk] + log_q[hk])

  per_sample = jax.vmap(jax.grad(half_log_joint), (None, 0))(params, h)
  log_p, log_q = log_p_and_q(params)
  _, w = importance.bihm_surrogate(log_p[h], log_q[h])
  w = np.asarray(w, np.float64)[:, None]
  for name in params:
    g = np.asarray(per_sample[name], np.float64)
    se = np.sqrt(np.sum(w**2 * (g - np.asarray(estimate[name]))**2, axis=0))
    mc_util.assert_close_in_se(estimate[name], exact[name], se, what=name)
