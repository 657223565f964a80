"""Monte Carlo tolerances shared by the sampler tests.

Every check compares an estimate with its exact value within NUM_SE standard
errors, the standard error coming from the effective sample size of the chains
(`monte_carlo_standard_error`): a correct sampler fails one component with
probability about 6e-5 at 4 sigma, and the keys are fixed, so a failure means
a biased sampler (or a wrongly computed exact value), not bad luck.
"""
import jax
import numpy as np

from gentk.sampling import diagnostics
from gentk.sampling import gibbs

NUM_SE = 4.0
# Compiled once per shape: cheaper than running the FFT ops eagerly.
_mcse = jax.jit(diagnostics.monte_carlo_standard_error)


def chains_last(x):
  """`[T, C, ...]` (scan output of vmapped chains) -> `[C, T, ...]`."""
  return np.swapaxes(np.asarray(x), 0, 1)


def assert_mean_close(samples, expected, *, num_se=NUM_SE, slack=0.0,
                      what="mean"):
  """|mean - expected| < num_se * MCSE + slack, each component of `[C, N, ...]`.

  `slack` is for a known deterministic bias (e.g. a discretisation error),
  stated where it is used; 0 for exact samplers.
  """
  samples = np.asarray(samples, np.float64)
  estimate = samples.mean(axis=(0, 1))
  se = np.asarray(_mcse(samples.astype(np.float32)))
  error = np.abs(estimate - np.asarray(expected))
  assert np.all(error < num_se * se + slack), (
      f"{what}: estimate {estimate}, exact {expected}, |error| {error}, "
      f"{num_se} x MCSE {num_se * se}")
  return estimate, se


def assert_moments_close(samples, mean, variance, *, num_se=NUM_SE,
                         variance_slack=0.0):
  """Means, and variances via E[(x - mean)^2], within num_se MCSE each."""
  samples = np.asarray(samples, np.float64)
  assert_mean_close(samples, mean, num_se=num_se, what="mean")
  squared = (samples - np.asarray(mean))**2
  assert_mean_close(squared, variance, num_se=num_se, slack=variance_slack,
                    what="variance")


def random_machine(seed, sizes, scale=1.0) -> gibbs.LayeredParams:
  """A layered Boltzmann machine with W_l ~ N(0, scale^2), b_l ~ N(0, 0.5^2)
  (NumPy draws, weights first: nothing compiles)."""
  rng = np.random.default_rng(seed)
  weights = tuple(np.float32(scale) * rng.standard_normal((m, n), np.float32)
                  for m, n in zip(sizes[:-1], sizes[1:]))
  biases = tuple(np.float32(0.5) * rng.standard_normal(n, np.float32)
                 for n in sizes)
  return gibbs.LayeredParams(weights, biases)
