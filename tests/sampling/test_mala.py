"""MALA against exact moments, its exact acceptance rate on a Gaussian, and
BlackJAX."""
import functools

import blackjax
import jax
import jax.numpy as jnp
import numpy as np
from scipy import integrate, stats

from gentk.sampling import diagnostics, mala, run_chain, targets
from tests.sampling import stats_util

NUM_CHAINS, NUM_STEPS, BURN_IN = 16, 2000, 400


@functools.partial(jax.jit, static_argnums=(0,))
def _run(logdensity_fn, init_positions, key, step_size):
  kernel = mala.build_kernel()

  def one_chain(position, chain_key):
    state = mala.init(position, logdensity_fn)
    return run_chain(lambda k, s: kernel(k, s, logdensity_fn, step_size),
                     state, chain_key, NUM_STEPS)

  states, infos = jax.vmap(one_chain)(
      init_positions, jax.random.split(key, init_positions.shape[0]))
  return states.position[:, BURN_IN:], infos.acceptance_rate[:, BURN_IN:]


def mala_acceptance_standard_gaussian(step_size: float, dim: int) -> float:
  r"""Exact stationary acceptance rate of MALA on N(0, I_D).

  With x ~ N(0, I) and y = (1 - e) x + sqrt(2 e) xi, the log MH ratio of MALA
  simplifies to -(e / 4)(|y|^2 - |x|^2). Per coordinate (x_i, y_i) is Gaussian
  with covariance C = [[1, 1 - e], [1 - e, 1 + e^2]], so y_i^2 - x_i^2 is
  l+ a_i^2 + l- b_i^2 with a, b standard and l+- the eigenvalues of
  diag(-1, 1) C: l+- = (e^2 +- sqrt(e^4 + 8 e)) / 2. Hence S = |y|^2 - |x|^2
  = l+ A + l- B with A, B independent chi^2_D, and
  E[min(1, e^{-cS})] (c = e / 4) is one quadrature over A of the closed form
  P(B >= b*) + e^{-c l+ A} (1 - 2t)^{-D/2} F_{chi^2_D}(b* (1 - 2t)),
  b* = l+ A / |l-|, t = c |l-| (exponential tilting of chi^2_D).
  """
  root = np.sqrt(step_size**4 + 8 * step_size)
  l_plus, l_minus = (step_size**2 + root) / 2, (step_size**2 - root) / 2
  c = step_size / 4
  t = -c * l_minus

  def given_a(a):
    b_star = l_plus * a / -l_minus
    return (stats.chi2.sf(b_star, dim) + np.exp(-c * l_plus * a)
            * (1 - 2 * t)**(-dim / 2) * stats.chi2.cdf(b_star * (1 - 2 * t),
                                                       dim))

  value, _ = integrate.quad(lambda a: given_a(a) * stats.chi2.pdf(a, dim), 0,
                            np.inf)
  return value


def test_exact_acceptance_formula_against_direct_simulation():
  # The reference itself, against 2 x 10^5 i.i.d. draws: min(1, ratio) has
  # sd < 0.46, so SE < 1e-3 and the bound 4e-3 is 4 SE.
  rng = np.random.default_rng(0)
  eps, dim = 0.5, 10
  x = rng.standard_normal((200_000, dim))
  y = (1 - eps) * x + np.sqrt(2 * eps) * rng.standard_normal(x.shape)
  ratio = np.exp(-eps / 4 * ((y**2).sum(1) - (x**2).sum(1)))
  assert abs(np.minimum(1, ratio).mean()
             - mala_acceptance_standard_gaussian(eps, dim)) < 4e-3


def test_gaussian_moments_and_acceptance_rate():
  # At e = 0.5 the unadjusted chain's stationary variance is
  # 1 / (1 - e / 2) = 1.33: the moment check fails without the MH correction.
  dim, step_size = 10, 0.5
  mean = np.linspace(-1.0, 1.0, dim, dtype=np.float32)
  target = targets.isotropic_gaussian(mean, std=1.0)
  init = mean + np.random.default_rng(0).standard_normal((NUM_CHAINS, dim))
  samples, accept_prob = _run(target.logdensity_fn, init, jax.random.key(1),
                              step_size)
  stats_util.assert_moments_close(samples, target.mean, jnp.ones(dim))
  # Mean acceptance probability vs the exact value (0.701), within 4 MCSE of
  # the per-step acceptance probabilities.
  expected = mala_acceptance_standard_gaussian(step_size, dim)
  stats_util.assert_mean_close(np.asarray(accept_prob)[..., None], [expected],
                               what="acceptance")
  assert np.all(diagnostics.split_rhat(samples) < 1.01)


def test_gaussian_mixture_moments():
  target = targets.demo_mixture()
  init = 3.0 * np.random.default_rng(2).standard_normal((NUM_CHAINS, 2))
  samples, _ = _run(target.logdensity_fn, init, jax.random.key(3), 0.4)
  stats_util.assert_moments_close(samples, target.mean,
                                  jnp.diag(target.covariance))
  assert np.all(diagnostics.split_rhat(samples) < 1.05)


def test_same_transitions_as_blackjax():
  # The wrapper adds no computation: same key, same chain as BlackJAX's own.
  target = targets.banana()
  kernel = mala.build_kernel()
  theirs = blackjax.mala(target.logdensity_fn, 0.1)
  step_a = jax.jit(lambda k, s: kernel(k, s, target.logdensity_fn, 0.1))
  step_b = jax.jit(theirs.step)
  state_a = jax.jit(lambda x: mala.init(x, target.logdensity_fn))(jnp.ones(2))
  state_b = jax.jit(theirs.init)(jnp.ones(2))
  for key in jax.random.split(jax.random.key(4), 5):
    state_a, info_a = step_a(key, state_a)
    state_b, info_b = step_b(key, state_b)
    np.testing.assert_array_equal(state_a.position, state_b.position)
    np.testing.assert_array_equal(info_a.acceptance_rate,
                                  info_b.acceptance_rate)
