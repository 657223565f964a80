"""Diagnostics: hand-computed split R-hat, AR(1) effective sample size."""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from gentk.sampling import diagnostics


def test_acceptance_rate():
  assert diagnostics.acceptance_rate(
      jnp.asarray([True, False, True, True])) == 0.75
  np.testing.assert_allclose(
      diagnostics.acceptance_rate(jnp.asarray([[1., 0.], [1., 1.]]), axis=1),
      [0.5, 1.0])


def test_split_rhat_hand_computed():
  # One chain 1,3,5,7 -> halves (1,3), (5,7): n = 2, W = mean(2, 2) = 2,
  # B/n = var(2, 6) = 8, var+ = (1/2) * 2 + 8 = 9, R = sqrt(9 / 2).
  rhat = diagnostics.split_rhat(jnp.asarray([[1., 3., 5., 7.]]))
  np.testing.assert_allclose(rhat, np.sqrt(4.5), rtol=1e-6)


def test_split_rhat_flags_disagreeing_or_drifting_chains():
  noise = jax.random.normal(jax.random.key(0), (4, 2000, 1))
  # i.i.d. chains: R-hat = 1 + O(1 / N); with 8 half-chains of 1000 draws the
  # sampling spread is ~0.002, so 1.01 is a > 4-sigma bound.
  assert abs(float(diagnostics.split_rhat(noise)[0]) - 1.0) < 0.01
  shifted = noise + jnp.arange(4.0)[:, None, None]  # chains disagree
  assert diagnostics.split_rhat(shifted)[0] > 1.5
  # Every chain drifts the same way: the chains agree with each other, so only
  # the split into halves can see it.
  drift = noise + jnp.linspace(0.0, 3.0, 2000)[None, :, None]
  assert diagnostics.split_rhat(drift)[0] > 1.2


@functools.partial(jax.jit, static_argnums=(2, 3))
def _ar1(key, rho, num_chains, num_draws):
  """x_t = rho x_{t-1} + sqrt(1 - rho^2) e_t, stationary N(0, 1) start."""
  key0, key_e = jax.random.split(key)
  eps = jax.random.normal(key_e, (num_draws, num_chains))

  def step(x, e):
    x = rho * x + jnp.sqrt(1 - rho**2) * e
    return x, x

  _, xs = jax.lax.scan(step, jax.random.normal(key0, (num_chains,)), eps)
  return xs.T


def test_ess_of_ar1_matches_its_integrated_autocorrelation_time():
  # ESS = C N (1 - rho) / (1 + rho) for AR(1). The estimator's relative error
  # at 40,000 draws and tau = 3 is a few percent: 10% is a safe bound.
  rho, num_chains, num_draws = 0.5, 4, 10_000
  x = _ar1(jax.random.key(1), rho, num_chains, num_draws)
  expected = num_chains * num_draws * (1 - rho) / (1 + rho)
  ess = float(jax.jit(diagnostics.effective_sample_size)(x[..., None])[0])
  assert abs(ess / expected - 1) < 0.1, (ess, expected)
  mcse = float(
      jax.jit(diagnostics.monte_carlo_standard_error)(x[..., None])[0])
  assert abs(mcse / np.sqrt(1 / expected) - 1) < 0.1


def test_ess_agrees_with_blackjax():
  # Same estimator as BlackJAX's (Stan's) up to its one-term tail correction,
  # which moves the ESS by well under 1% here. (Shapes as in the test above,
  # so the AR(1) sampler and our ESS are compiled once.)
  from blackjax import diagnostics as blackjax_diagnostics  # pylint: disable=g-import-not-at-top
  for key, rho in ((2, 0.9), (3, 0.0)):
    x = _ar1(jax.random.key(key), rho, 4, 10_000)[..., None]
    ours = jax.jit(diagnostics.effective_sample_size)(x)
    theirs = jax.jit(blackjax_diagnostics.effective_sample_size)(x)
    np.testing.assert_allclose(ours, theirs, rtol=0.01)
