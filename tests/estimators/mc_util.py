"""Monte Carlo tolerances shared by the estimator tests.

An estimate is compared with its exact value within NUM_SE standard errors of
the Monte Carlo mean: a correct, unbiased estimator fails one component with
probability about 6e-5 at 4 sigma, and the keys are fixed, so a failure means a
biased estimator (or a wrong exact value), not bad luck.
"""
import numpy as np

NUM_SE = 4.0


def mean_and_se(samples, axis=0):
  """Sample mean and its standard error std / sqrt(n) along `axis`."""
  samples = np.asarray(samples, np.float64)
  n = samples.shape[axis]
  return samples.mean(axis), samples.std(axis, ddof=1) / np.sqrt(n)


def assert_close_in_se(estimate, exact, se, *, num_se=NUM_SE, what="estimate"):
  """|estimate - exact| < num_se * se, componentwise, with a clear message."""
  estimate, exact, se = (np.asarray(a, np.float64) for a in (estimate, exact, se))
  error = np.abs(estimate - exact)
  assert np.all(error < num_se * se), (
      f"{what}: estimate {estimate}, exact {exact}, |error| {error}, "
      f"{num_se} x SE {num_se * se}")


def assert_unbiased(samples, exact, *, num_se=NUM_SE, what="estimate"):
  """Mean over axis 0 of per-sample estimates within num_se SE of `exact`."""
  mean, se = mean_and_se(samples)
  assert_close_in_se(mean, exact, se, num_se=num_se, what=what)
  return mean, se
