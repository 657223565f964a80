"""SGLD: the schedule, BlackJAX equivalence, the exact stationary law of the
unadjusted chain, and the posterior of a conjugate Gaussian model."""
import functools

import blackjax
import jax
import jax.numpy as jnp
import numpy as np

from gentk.sampling import langevin, run_chain
from tests.sampling import stats_util

NUM_DATA, DIM, PRIOR_STD = 1000, 2, 10.0


def _model():
  """x_i ~ N(theta, I), theta ~ N(0, 10^2 I): the posterior is Gaussian with
  precision 1/10^2 + N and mean sum(x) / (1/10^2 + N)."""
  data = np.asarray([1.0, -0.5], np.float32) + np.random.default_rng(
      0).standard_normal((NUM_DATA, DIM), np.float32)
  logprior_fn = lambda theta: -0.5 * jnp.sum(theta**2) / PRIOR_STD**2
  loglikelihood_fn = lambda theta, x: -0.5 * jnp.sum((x - theta)**2)
  precision = 1.0 / PRIOR_STD**2 + NUM_DATA
  posterior_mean = np.sum(data, axis=0) / precision
  return data, logprior_fn, loglikelihood_fn, posterior_mean, 1.0 / precision


@functools.partial(jax.jit, static_argnums=(0, 1, 2, 3))
def _run(schedule, batch_size, num_chains, num_steps, data, key):
  _, logprior_fn, loglikelihood_fn, _, _ = _model()
  grad_estimator = langevin.minibatch_grad_estimator(
      logprior_fn, loglikelihood_fn, NUM_DATA)
  kernel = langevin.build_kernel(schedule)

  def step(key, state):
    key_batch, key_move = jax.random.split(key)
    batch = (data if batch_size is None else
             langevin.sample_minibatch(key_batch, data, batch_size))
    return kernel(key_move, state, grad_estimator, batch)

  def one_chain(chain_key):
    return run_chain(step, langevin.init(jnp.zeros(DIM)), chain_key,
                     num_steps)

  return jax.vmap(one_chain)(jax.random.split(key, num_chains))


def test_polynomial_schedule_hand_computed():
  schedule = langevin.polynomial_schedule(0.1, 1.0, 0.5)
  np.testing.assert_allclose([schedule(0), schedule(3), schedule(8)],
                             [0.1, 0.05, 0.1 / 3], rtol=1e-6)
  assert langevin.polynomial_schedule(0.2, 1.0, 0.0)(7) == 0.2


def test_kernel_follows_schedule_and_counts_steps():
  data, logprior_fn, loglikelihood_fn, _, _ = _model()
  grad_estimator = langevin.minibatch_grad_estimator(
      logprior_fn, loglikelihood_fn, NUM_DATA)
  kernel = langevin.build_kernel(langevin.polynomial_schedule(0.1, 1.0, 0.5))
  states, infos = run_chain(
      lambda k, s: kernel(k, s, grad_estimator, data[:10]),
      langevin.init(jnp.zeros(DIM)), jax.random.key(1), 4)
  np.testing.assert_array_equal(states.step, [1, 2, 3, 4])
  np.testing.assert_allclose(infos.step_size, 0.1 / np.sqrt([1, 2, 3, 4]),
                             rtol=1e-6)


def test_same_transition_as_blackjax():
  data, logprior_fn, loglikelihood_fn, _, _ = _model()
  grad_estimator = langevin.minibatch_grad_estimator(
      logprior_fn, loglikelihood_fn, NUM_DATA)
  theirs = blackjax.sgld(grad_estimator)
  key = jax.random.key(2)
  kernel = langevin.build_kernel(1e-3)
  state, _ = jax.jit(lambda k, s, b: kernel(k, s, grad_estimator, b))(
      key, langevin.init(jnp.ones(DIM)), data[:32])
  np.testing.assert_array_equal(
      state.position,
      jax.jit(theirs.step)(key, jnp.ones(DIM), data[:32], 1e-3))


def test_full_batch_constant_step_has_the_exact_ula_stationary_law():
  # With the full data and a constant step e the chain is the unadjusted
  # Langevin algorithm on the Gaussian posterior N(m, s^2): an AR(1) with
  # coefficient 1 - e / s^2 whose stationary law is N(m, s^2 / (1 - e / 2s^2)).
  # At e = s^2 / 2 the variance is 4/3 s^2, so this pins the e convention.
  data, _, _, mean, variance = _model()
  step_size = 0.5 * variance
  states, _ = _run(step_size, None, 8, 2000, data, jax.random.key(3))
  samples = states.position[:, 100:]
  stats_util.assert_moments_close(
      samples, mean, jnp.full(DIM, variance / (1 - step_size / (2 * variance))))


def test_minibatch_decreasing_steps_sample_the_posterior():
  # Batch 100 of 1000 with e_t = a (b + t)^-0.55, 64 chains. Means at 4 MCSE.
  # Variances keep an O(e_t) excess: minibatch gradient noise of variance
  # N^2 / n = 1e4 per coordinate adds e_t * 1e4 / 2 relative to s^2, at most
  # 6% after burn-in (e_t <= 1.2e-5), and the discretisation adds
  # e_t N / 2 <= 0.6%: the variance check allows 4 MCSE + 6.6% of s^2.
  data, _, _, mean, variance = _model()
  schedule = langevin.polynomial_schedule(5e-4, 10.0, 0.55)
  states, infos = _run(schedule, 100, 64, 4000, data, jax.random.key(4))
  assert infos.step_size[0, 1000] < 1.2e-5
  stats_util.assert_moments_close(
      states.position[:, 1000:], mean, jnp.full(DIM, variance),
      variance_slack=0.066 * variance)
