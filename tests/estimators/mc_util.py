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
  # Plus float32 round-off, for estimators whose per-sample terms are exact.
  assert np.all(error <= num_se * se + 1e-5 * (1 + np.abs(exact))), (
      f"{what}: estimate {estimate}, exact {exact}, |error| {error}, "
      f"{num_se} x SE {num_se * se}")


def assert_unbiased(samples, exact, *, num_se=NUM_SE, what="estimate"):
  """Mean over axis 0 of per-sample estimates within num_se SE of `exact`."""
  mean, se = mean_and_se(samples)
  assert_close_in_se(mean, exact, se, num_se=num_se, what=what)
  return mean, se


def per_sample_gradients(surrogate_fn, params):
  """Jacobian of a `params -> [N]` per-sample surrogate: a pytree of `[N, ...]`.

  Forward mode: one JVP per parameter, cheap for the few parameters of the
  test problems.
  """
  import jax  # pylint: disable=g-import-not-at-top
  return jax.jit(jax.jacfwd(surrogate_fn))(params)


def assert_tree_unbiased(per_sample, exact, *, num_se=NUM_SE, what="grad"):
  """`assert_unbiased` on every leaf of matching pytrees (dicts)."""
  for name in exact:
    assert_unbiased(per_sample[name], exact[name], num_se=num_se,
                    what=f"{what}[{name}]")


def total_variance(per_sample):
  """Sum over all components of the sample variance of per-sample gradients."""
  return float(sum(np.asarray(v, np.float64).reshape(v.shape[0], -1)
                   .var(axis=0, ddof=1).sum() for v in per_sample.values()))
