"""Rejection sampling: acceptance rates 1/k and (sigma_p / sigma_q)^D, KS
tests of the accepted samples, the fixed-shape output and its mask."""
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from gentk.sampling import rejection

LEVEL = 0.01  # KS level, as in test_inverse_cdf.py.


def _log_normal(z, std):
  """log N(z; 0, std^2 I) summed over the last axis: `[B, D] -> [B]`."""
  return jnp.sum(-0.5 * (z / std)**2 - jnp.log(std)
                 - 0.5 * math.log(2 * math.pi), axis=-1)


@functools.partial(jax.jit, static_argnums=(0, 1, 2, 3, 4))
def _gaussian_under_gaussian(dim, sigma_p, sigma_q, num_samples, block_size,
                             key):
  log_k = dim * math.log(sigma_q / sigma_p)  # sup p/q, at z = 0
  return rejection.rejection_sample(
      key, lambda z: _log_normal(z, sigma_p),
      lambda k, n: sigma_q * jax.random.normal(k, (n, dim)),
      lambda z: _log_normal(z, sigma_q), log_k, num_samples,
      block_size=block_size)


@pytest.mark.parametrize("dim", [1, 3, 6])
def test_gaussian_acceptance_is_sigma_ratio_to_the_d(dim):
  # Acceptance (sigma_p / sigma_q)^D = 0.8, 0.51, 0.26; binomial standard
  # error sqrt(a (1 - a) / proposals), checked at 4 sigma. Accepted samples
  # pass a KS test of N(0, sigma_p^2) on every coordinate.
  sigma_p, sigma_q = 1.0, 1.25
  samples, info = _gaussian_under_gaussian(dim, sigma_p, sigma_q, 10_000,
                                           4096, jax.random.key(dim))
  expected = (sigma_p / sigma_q)**dim
  rate = float(info.acceptance_rate)
  se = math.sqrt(expected * (1 - expected) / int(info.num_proposed))
  assert abs(rate - expected) < 4 * se, (rate, expected, se)
  assert bool(jnp.all(info.valid)) and int(info.envelope_violations) == 0
  # 10,000 samples at <= 0.8 x 4,096 per block: the while loop ran rounds.
  assert int(info.num_rounds) >= 4
  for d in range(dim):
    assert stats.kstest(np.asarray(samples[:, d]),
                        stats.norm(0, sigma_p).cdf).pvalue > LEVEL


def test_acceptance_is_one_over_k_for_a_normal_under_a_cauchy():
  # sup N(z; 0, 1) / Cauchy(z) = sqrt(2 pi / e) at |z| = 1 (Devroye 1986, II.2).
  k = math.sqrt(2 * math.pi / math.e)
  samples, info = jax.jit(lambda key: rejection.rejection_sample(
      key, lambda z: _log_normal(z, 1.0),
      lambda kk, n: jax.random.cauchy(kk, (n, 1)),
      lambda z: -jnp.log(math.pi * (1 + z[:, 0]**2)), math.log(k), 20_000,
      block_size=8192))(jax.random.key(7))
  se = math.sqrt((1 / k) * (1 - 1 / k) / int(info.num_proposed))
  assert abs(float(info.acceptance_rate) - 1 / k) < 4 * se
  assert int(info.envelope_violations) == 0
  assert stats.kstest(np.asarray(samples[:, 0]), stats.norm.cdf).pvalue > LEVEL


def test_single_block_has_a_validity_mask_and_zeros_past_it():
  # One round of 100 proposals at acceptance 0.51 cannot fill 1,000 rows.
  samples, info = jax.jit(lambda key: rejection.rejection_sample(
      key, lambda z: _log_normal(z, 1.0),
      lambda k, n: 1.25 * jax.random.normal(k, (n, 3)),
      lambda z: _log_normal(z, 1.25), 3 * math.log(1.25), 1000,
      block_size=100, max_rounds=1))(jax.random.key(8))
  accepted = int(info.num_accepted)
  assert int(info.num_rounds) == 1 and int(info.num_proposed) == 100
  assert 0 < accepted < 100
  np.testing.assert_array_equal(info.valid, np.arange(1000) < accepted)
  assert np.all(np.asarray(samples[accepted:]) == 0)
  assert np.all(np.any(np.asarray(samples[:accepted]) != 0, axis=1))


def test_too_small_k_is_reported_as_envelope_violations():
  _, info = jax.jit(lambda key: rejection.rejection_sample(
      key, lambda z: _log_normal(z, 1.0),
      lambda k, n: 1.25 * jax.random.normal(k, (n, 1)),
      lambda z: _log_normal(z, 1.25), math.log(0.5), 100, block_size=200,
      max_rounds=1))(jax.random.key(9))
  assert int(info.envelope_violations) > 0
