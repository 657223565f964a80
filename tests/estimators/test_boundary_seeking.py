"""Tests for gentk.estimators.boundary_seeking (BGAN, discrete).

Statistical tests compare Monte Carlo means with exact expectations computed
by enumerating every outcome, within `mc_util.NUM_SE` = 4 standard errors of
independent groups (fixed keys; a false alarm has probability ~6e-5 per
component, so a failure flags a bias).
"""
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.estimators import boundary_seeking
from gentk.estimators import score_function
from gentk.losses import fgan
from tests.estimators import mc_util

_RATIOS = np.array([0.2, 0.5, 1.0, 2.0, 5.0])

# The optimal statistic T* = f'(p/q) of each divergence, written out by hand
# from f (Nowozin et al. 2016, Table 1), and a critic output v* with
# g_f(v*) = T* (Table 2 activations).
_OPTIMAL = {
    "kl": (lambda r: 1.0 + np.log(r), lambda r: 1.0 + np.log(r)),
    "reverse_kl": (lambda r: -1.0 / r, np.log),  # -exp(-v) = -1/r
    "pearson": (lambda r: 2.0 * (r - 1.0), lambda r: 2.0 * (r - 1.0)),
    "squared_hellinger": (lambda r: 1.0 - r**-0.5,  # 1 - exp(-v)
                          lambda r: 0.5 * np.log(r)),
    "jensen_shannon": (lambda r: np.log(2.0 * r / (1.0 + r)), np.log),
    "gan": (lambda r: np.log(r / (1.0 + r)), np.log),  # log sigmoid(v)
}


def test_every_divergence_is_covered():
  assert set(_OPTIMAL) == set(boundary_seeking.DIVERGENCES)


@pytest.mark.parametrize("divergence", sorted(_OPTIMAL))
def test_weights_at_optimal_statistic_equal_density_ratio(divergence):
  statistic, logits = _OPTIMAL[divergence]
  np.testing.assert_allclose(
      boundary_seeking.weights_from_statistic(
          jnp.asarray(statistic(_RATIOS), jnp.float32), divergence=divergence),
      _RATIOS, rtol=1e-5)
  np.testing.assert_allclose(
      boundary_seeking.log_weights_from_logits(
          jnp.asarray(logits(_RATIOS), jnp.float32), divergence=divergence),
      np.log(_RATIOS), atol=1e-6)
  # Both routes agree for any critic output: log (f*)'(g_f(v)).
  v = jnp.linspace(-2.0, 1.5, 8)
  d = fgan.get_divergence(divergence)
  np.testing.assert_allclose(
      jnp.exp(boundary_seeking.log_weights_from_logits(v, divergence=d)),
      boundary_seeking.weights_from_statistic(d.activation(v), divergence=d),
      rtol=1e-5)


def test_unknown_divergence_raises():
  with pytest.raises(ValueError, match="unknown f-divergence"):
    boundary_seeking.weights_from_statistic(1.0, divergence="tv")


# Generator g_theta = softmax(theta) over 3 outcomes, data p; with the exact
# weights w = p / g (a critic at its optimum), the BGAN target is
# grad_theta E_p[log g_theta] = p - g.
_THETA = jnp.array([0.4, -0.6, 0.1])
_P = np.array([0.6, 0.1, 0.3])
_G = np.exp(np.asarray(_THETA, np.float64))
_G /= _G.sum()  # float64: the enumerations below sum to 0 exactly at M = 1


def _exact_bgan_mean(num):
  """E over M = num iid samples of sum_m w~_m (e_{x_m} - g), by enumeration."""
  mean = np.zeros(3)
  for xs in itertools.product(range(3), repeat=num):
    xs = np.array(xs)
    w = _P[xs] / _G[xs]
    mean += np.prod(_G[xs]) * (w / w.sum()) @ (np.eye(3)[xs] - _G)
  return mean


def _optimal_log_weights(x):
  """log w from the GAN critic's optimum v* = log p/g, through the library."""
  v_star = jnp.log(jnp.asarray(_P, jnp.float32))[x] - jax.nn.log_softmax(_THETA)[x]
  return boundary_seeking.log_weights_from_logits(v_star, divergence="gan")


def test_bgan_surrogate_matches_enumeration():
  num = 3  # samples per z: the estimator is self-normalised, biased O(1/M)

  @jax.jit
  def grads(key):
    x = jax.random.categorical(key, _THETA, shape=(20_000, num))
    log_w = _optimal_log_weights(x)
    return jax.jacfwd(lambda t: boundary_seeking.bgan_surrogate(
        jax.nn.log_softmax(t)[x], log_w, axis=1)[0])(_THETA)

  mc_util.assert_unbiased(grads(jax.random.PRNGKey(0)), _exact_bgan_mean(num),
                          what="BGAN, M = 3")


def test_centred_bgan_surrogate_has_the_same_mean():
  # Subtracting 1/M from the normalised weights removes (1/M) sum_m
  # grad log g(x_m), of mean zero: the exact mean of the uncentred
  # estimator still holds (same keys, same 4-standard-error check).
  num = 3

  @jax.jit
  def grads(key):
    x = jax.random.categorical(key, _THETA, shape=(20_000, num))
    log_w = _optimal_log_weights(x)
    return jax.jacfwd(lambda t: boundary_seeking.bgan_surrogate(
        jax.nn.log_softmax(t)[x], log_w, axis=1, centred=True)[0])(_THETA)

  mc_util.assert_unbiased(grads(jax.random.PRNGKey(0)), _exact_bgan_mean(num),
                          what="centred BGAN, M = 3")


def test_bgan_estimator_is_consistent_in_group_size():
  # The exact mean of the self-normalised estimator approaches p - g as M
  # grows (M = 1 gives 0: one sample has weight 1).
  target = _P - _G
  errors = [np.abs(_exact_bgan_mean(m) - target).max() for m in (1, 2, 4, 8)]
  np.testing.assert_allclose(_exact_bgan_mean(1), 0.0, atol=1e-12)
  # Bias O(1/M): it halves with each doubling of M (measured 0.50, 0.49, 0.49).
  ratios = [b / a for a, b in zip(errors, errors[1:])]
  assert all(0.4 < r < 0.6 for r in ratios), (errors, ratios)


def test_normalised_weights_by_hand():
  # log w = log(1, 3) in a group of 2 -> (1/4, 3/4); surrogate sums over M.
  log_w = jnp.log(jnp.array([[1.0, 3.0], [2.0, 2.0]]))
  log_prob = jnp.array([[-1.0, -2.0], [-0.5, -1.5]])
  surrogate, weights = boundary_seeking.bgan_surrogate(log_prob, log_w, axis=1)
  np.testing.assert_allclose(weights, [[0.25, 0.75], [0.5, 0.5]], rtol=1e-6)
  np.testing.assert_allclose(surrogate, [-1.75, -1.0], rtol=1e-6)
  # The weights carry no gradient.
  grad = jax.grad(lambda lw: boundary_seeking.bgan_surrogate(
      log_prob, lw, axis=1)[0].sum())(log_w)
  np.testing.assert_array_equal(grad, 0.0)


def test_centred_weights_by_hand():
  # The per-sample signal is w~ - 1/M: (1/4, 3/4) - 1/2 = (-1/4, 1/4), and
  # uniform weights give none.
  log_w = jnp.log(jnp.array([[1.0, 3.0], [2.0, 2.0]]))
  log_prob = jnp.array([[-1.0, -2.0], [-0.5, -1.5]])
  signal = jax.grad(lambda lp: boundary_seeking.bgan_surrogate(
      lp, log_w, axis=1, centred=True)[0].sum())(log_prob)
  np.testing.assert_allclose(signal, [[-0.25, 0.25], [0.0, 0.0]], atol=1e-7)
  _, weights = boundary_seeking.bgan_surrogate(log_prob, log_w, axis=1,
                                               centred=True)
  np.testing.assert_allclose(weights, [[0.25, 0.75], [0.5, 0.5]], rtol=1e-6)


def test_reinforce_variant_is_unbiased():
  # F = log w = log p - log g (stopped): mean gradient -grad KL(g || p).
  exact = jax.grad(lambda t: -jnp.sum(jax.nn.softmax(t) * (
      jax.nn.log_softmax(t) - jnp.log(_P))))(_THETA)

  @jax.jit
  def grads(key):
    x = jax.random.categorical(key, _THETA, shape=(10_000, 4))
    log_w = _optimal_log_weights(x)
    out = {}
    for name, baseline in (
        ("none", None),
        ("leave_one_out", score_function.leave_one_out_baseline(log_w, 1))):
      out[name] = jax.jacfwd(lambda t, b=baseline: (
          boundary_seeking.bgan_reinforce_surrogate(
              jax.nn.log_softmax(t)[x], log_w, b)[0].mean(axis=1)))(_THETA)
    return out

  for name, g in grads(jax.random.PRNGKey(1)).items():
    mc_util.assert_unbiased(g, exact, what=f"REINFORCE BGAN/{name}")


def test_jit_and_vmap():
  log_prob = jax.random.normal(jax.random.PRNGKey(2), (3, 4))
  v = jax.random.normal(jax.random.PRNGKey(3), (3, 4))

  def fn(log_prob, v):  # one z: a group of 4 samples
    log_w = boundary_seeking.log_weights_from_logits(v, divergence="kl")
    return (boundary_seeking.bgan_surrogate(log_prob, log_w),
            boundary_seeking.bgan_reinforce_surrogate(log_prob, log_w, 0.5),
            boundary_seeking.weights_from_statistic(v, divergence="pearson"))

  eager = [fn(log_prob[i], v[i]) for i in range(3)]
  for got in (jax.vmap(fn)(log_prob, v), jax.vmap(jax.jit(fn))(log_prob, v)):
    leaves = jax.tree.leaves(got)
    for j, leaf in enumerate(leaves):
      np.testing.assert_allclose(
          leaf, np.stack([jax.tree.leaves(e)[j] for e in eager]), rtol=1e-6)
