"""Importance sampling: Z_p / Z_q of two Gaussians, plain and self-normalised
means within 4 standard errors, SIR frequencies."""
import math

import jax
import jax.numpy as jnp
import numpy as np

from gentk.sampling import importance

NUM_SAMPLES = 50_000
DIM = 2
MU_P, SIGMA_P, C_P = jnp.asarray([0.5, -1.0]), 0.8, 3.0
SIGMA_Q, C_Q = 1.5, 0.25


def _log_p_tilde(x):
  """C_p exp(-|x - mu_p|^2 / 2 sigma_p^2): Z_p = C_p (2 pi sigma_p^2)^{D/2}."""
  return math.log(C_P) - 0.5 * jnp.sum((x - MU_P)**2, axis=-1) / SIGMA_P**2


def _log_q_tilde(x):
  """C_q exp(-|x|^2 / 2 sigma_q^2): Z_q = C_q (2 pi sigma_q^2)^{D/2}."""
  return math.log(C_Q) - 0.5 * jnp.sum(x**2, axis=-1) / SIGMA_Q**2


def _sample_q(key, n):
  return SIGMA_Q * jax.random.normal(key, (n, DIM))


def _estimate(key, f_fn, log_p=_log_p_tilde, log_q=_log_q_tilde):
  return jax.jit(lambda k: importance.importance_estimate(
      k, f_fn, log_p, _sample_q, log_q, NUM_SAMPLES))(key)


def test_recovers_the_normalizer_ratio_of_two_gaussians():
  # Z_p / Z_q = (C_p / C_q) (sigma_p / sigma_q)^D = 12 * 0.284 = 3.41; the
  # mean of w has standard error sd(w) / sqrt(K): checked at 4 sigma.
  result = _estimate(jax.random.key(0), lambda x: x)
  exact = (C_P / C_Q) * (SIGMA_P / SIGMA_Q)**DIM
  w = np.exp(np.asarray(result.log_weights, np.float64))
  se = w.std() / math.sqrt(NUM_SAMPLES)
  assert abs(math.exp(result.log_normalizer_ratio) - exact) < 4 * se
  assert 1 < result.effective_sample_size < NUM_SAMPLES


def test_self_normalized_moments_of_p():
  # f(x) = (x, x^2): E_p = (mu_p, mu_p^2 + sigma_p^2). Delta-method standard
  # error sqrt(sum_k w~_k^2 (f_k - mu)^2) (Owen 2013, Eq. 9.8), at 4 sigma.
  f_fn = lambda x: jnp.concatenate([x, x**2], axis=-1)
  result = _estimate(jax.random.key(1), f_fn)
  exact = np.concatenate([MU_P, MU_P**2 + SIGMA_P**2])
  weights = jax.nn.softmax(result.log_weights)
  se = np.sqrt(np.sum(np.asarray(weights)[:, None]**2 * (
      np.asarray(f_fn(result.samples)) - np.asarray(result.self_normalized))**2,
                      axis=0))
  np.testing.assert_array_less(np.abs(result.self_normalized - exact), 4 * se)


def test_plain_estimate_with_normalised_densities():
  # Normalised p and q: plain (1/K) sum w f is unbiased for E_p[f]; its
  # standard error is sd(w f) / sqrt(K), at 4 sigma. With the unnormalised
  # pair it estimates (Z_p / Z_q) E_p[f] instead.
  log_zp = DIM / 2 * math.log(2 * math.pi * SIGMA_P**2) + math.log(C_P)
  log_zq = DIM / 2 * math.log(2 * math.pi * SIGMA_Q**2) + math.log(C_Q)
  result = _estimate(jax.random.key(2), lambda x: x,
                     lambda x: _log_p_tilde(x) - log_zp,
                     lambda x: _log_q_tilde(x) - log_zq)
  wf = (np.exp(np.asarray(result.log_weights))[:, None]
        * np.asarray(result.samples))
  se = wf.std(axis=0) / math.sqrt(NUM_SAMPLES)
  np.testing.assert_allclose(result.plain, wf.mean(axis=0), rtol=1e-4)
  np.testing.assert_array_less(np.abs(result.plain - MU_P), 4 * se)


def test_proposal_equal_to_target_gives_unit_weights():
  result = jax.jit(lambda k: importance.importance_estimate(
      k, lambda x: x, _log_q_tilde, _sample_q, _log_q_tilde, 100))(
          jax.random.key(3))
  np.testing.assert_allclose(result.log_weights, 0.0)
  np.testing.assert_allclose(result.effective_sample_size, 100.0, rtol=1e-5)
  np.testing.assert_allclose(result.log_normalizer_ratio, 0.0, atol=1e-6)
  np.testing.assert_allclose(result.plain, result.self_normalized, atol=1e-6)


def test_resampling_frequencies_follow_the_normalised_weights():
  # Multinomial counts: each frequency within 4 binomial standard errors.
  samples = jnp.arange(3.0)[:, None]
  probs = np.asarray([0.1, 0.2, 0.7])
  n = 30_000
  drawn = importance.importance_resample(jax.random.key(4), samples,
                                         jnp.log(jnp.asarray(probs) * 5.0), n)
  freq = np.bincount(np.asarray(drawn[:, 0], int), minlength=3) / n
  np.testing.assert_array_less(np.abs(freq - probs),
                               4 * np.sqrt(probs * (1 - probs) / n))
