"""Random-walk Metropolis-Hastings against exact moments and BlackJAX."""
import functools

import blackjax
import jax
import jax.numpy as jnp
import numpy as np

from gentk.sampling import diagnostics, metropolis, run_chain, targets
from tests.sampling import stats_util

NUM_CHAINS, NUM_STEPS, BURN_IN = 16, 2000, 400


@functools.partial(jax.jit, static_argnums=(0,))
def _run(logdensity_fn, init_positions, key, step_size):
  kernel = metropolis.build_kernel()

  def one_chain(position, chain_key):
    state = metropolis.init(position, logdensity_fn)
    return run_chain(lambda k, s: kernel(k, s, logdensity_fn, step_size),
                     state, chain_key, NUM_STEPS)

  states, infos = jax.vmap(one_chain)(
      init_positions, jax.random.split(key, init_positions.shape[0]))
  return states.position[:, BURN_IN:], infos.is_accepted[:, BURN_IN:]


def test_gaussian_moments():
  target = targets.isotropic_gaussian([1.0, -2.0, 0.5], std=1.5)
  init = np.random.default_rng(0).standard_normal((NUM_CHAINS, 3))
  # 2.38 sigma / sqrt(D): the scaling of Roberts et al. 1997.
  samples, accepted = _run(target.logdensity_fn, init, jax.random.key(1),
                           2.38 * 1.5 / np.sqrt(3))
  stats_util.assert_moments_close(samples, target.mean,
                                  jnp.diag(target.covariance))
  # Acceptance near the D -> infinity optimum 0.234 (0.3-0.5 at D = 3).
  assert 0.25 < diagnostics.acceptance_rate(accepted) < 0.6
  assert np.all(diagnostics.split_rhat(samples) < 1.01)


def test_gaussian_mixture_moments():
  target = targets.demo_mixture()
  init = 3.0 * np.random.default_rng(2).standard_normal((NUM_CHAINS, 2))
  samples, _ = _run(target.logdensity_fn, init, jax.random.key(3), 1.5)
  stats_util.assert_moments_close(samples, target.mean,
                                  jnp.diag(target.covariance))
  assert np.all(diagnostics.split_rhat(samples) < 1.05)


def test_same_transitions_as_blackjax():
  # The wrapper adds no computation: same key, same chain as BlackJAX's own.
  target = targets.banana()
  kernel = metropolis.build_kernel()
  theirs = blackjax.additive_step_random_walk.normal_random_walk(
      target.logdensity_fn, jnp.asarray(0.7))
  step_a = jax.jit(lambda k, s: kernel(k, s, target.logdensity_fn, 0.7))
  step_b = jax.jit(theirs.step)
  state_a = jax.jit(lambda x: metropolis.init(x, target.logdensity_fn))(
      jnp.ones(2))
  state_b = jax.jit(theirs.init)(jnp.ones(2))
  for key in jax.random.split(jax.random.key(4), 5):
    state_a, info_a = step_a(key, state_a)
    state_b, info_b = step_b(key, state_b)
    np.testing.assert_array_equal(state_a.position, state_b.position)
    assert info_a.is_accepted == info_b.is_accepted
