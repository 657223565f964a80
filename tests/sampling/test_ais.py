"""AIS of tiny RBMs and DBMs against log Z by exact enumeration."""
import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.sampling import ais
from gentk.sampling import gibbs
from tests.sampling import stats_util

RBM_SIZES, DBM_SIZES = (10, 8), (6, 5, 4)


def _base(seed, n):
  means = np.random.default_rng(seed + 100).uniform(0.1, 0.9, n)
  return ais.base_rate_bias(means, 1_000)


@functools.partial(jax.jit, static_argnums=(4,))
def _ais(key, machine, base, betas, num_runs):
  return ais.log_normalizer(key, machine, base, betas, num_runs)


@pytest.mark.parametrize("sizes", [RBM_SIZES, DBM_SIZES], ids=["rbm", "dbm"])
def test_within_three_standard_errors_of_exact(sizes):
  """1,000 transitions, 200 runs, three machines: |AIS - exact| <= 3 SE.

  The estimate is biased low (Jensen) by about SE^2 / 2 and its SE here is
  ~0.01 nats, so a miss has probability ~0.3% per machine; the seeds are
  fixed, so the test is deterministic on a given platform."""
  for seed in range(3):
    machine = stats_util.random_machine(seed, sizes)
    exact = float(gibbs.exact_log_normalizer(machine))
    result = _ais(jax.random.PRNGKey(seed), machine, _base(seed, sizes[0]),
                  ais.linear_betas(1_000), 200)
    error = abs(float(result.log_z) - exact)
    assert error <= 3 * float(result.log_z_stderr), (seed, error,
                                                     result.log_z_stderr)
    assert float(result.log_z_lower) <= exact <= float(result.log_z_upper)


@pytest.mark.parametrize("sizes", [RBM_SIZES, DBM_SIZES], ids=["rbm", "dbm"])
def test_error_shrinks_as_temperatures_are_added(sizes):
  """The median absolute error over 5 (machine, key) pairs falls from 10 to
  100 to 1,000 transitions (measured ~0.2, ~0.05, ~0.01 nats: the gaps are
  several times the spread between seeds)."""
  medians = []
  for num in (10, 100, 1_000):
    errors = []
    for seed in range(5):
      machine = stats_util.random_machine(seed, sizes)
      result = _ais(jax.random.PRNGKey(seed), machine, _base(seed, sizes[0]),
                    ais.linear_betas(num), 100)
      errors.append(abs(float(result.log_z)
                        - float(gibbs.exact_log_normalizer(machine))))
    medians.append(np.median(errors))
  assert medians[0] > medians[1] > medians[2], medians


@pytest.mark.parametrize("fit_h2", [False, True], ids=["visible", "even"])
def test_base_model_is_exact(fit_h2):
  """A machine equal to the base model (a visible base only, or one with
  h2's bias too): every log-weight is 0 and log Z is log Z_A, which
  enumeration confirms."""
  visible, h2 = _base(0, 6), jnp.asarray([1.0, -0.5, 0.0, 2.0])
  base = (visible, h2) if fit_h2 else visible
  machine = gibbs.LayeredParams(
      (jnp.zeros((6, 5)), jnp.zeros((5, 4))),
      (visible, jnp.zeros(5), h2 if fit_h2 else jnp.zeros(4)))
  result = _ais(jax.random.PRNGKey(0), machine, base, ais.linear_betas(20), 8)
  np.testing.assert_allclose(result.log_w, 0.0, atol=1e-5)
  np.testing.assert_allclose(result.log_z, gibbs.exact_log_normalizer(
      machine), rtol=1e-6)
  assert float(result.log_z_stderr) == pytest.approx(0.0, abs=1e-6)


def test_dbm_base_fitted_to_the_posteriors():
  """The DBM base of `dbm.ais_base_biases` (h2 fitted to mean-field
  marginals of data): AIS within 3 SE of the exact log Z on three
  machines (1,000 transitions, 200 runs)."""
  from gentk.algorithms import dbm  # pylint: disable=g-import-not-at-top
  for seed in range(3):
    machine = stats_util.random_machine(seed, DBM_SIZES)
    v = (np.random.default_rng(seed).uniform(size=(64, 6)) < 0.4).astype(
        np.float32)
    base = dbm.ais_base_biases(machine, v, _base(seed, 6))
    assert len(base) == 2 and base[1].shape == (4,)
    result = _ais(jax.random.PRNGKey(seed), machine, base,
                  ais.linear_betas(1_000), 200)
    error = abs(float(result.log_z)
                - float(gibbs.exact_log_normalizer(machine)))
    assert error <= 3 * float(result.log_z_stderr), (seed, error)


def test_published_schedule():
  betas = ais.published_betas()
  assert len(betas) == 14_501 and betas[0] == 0.0 and betas[-1] == 1.0
  steps = np.diff(betas)
  assert np.all(steps > 0)
  np.testing.assert_allclose(steps[:500], 1e-3, rtol=1e-6)
  np.testing.assert_allclose(steps[500:4500], 1e-4, rtol=1e-4)
  np.testing.assert_allclose(steps[4500:], 1e-5, rtol=1e-3)
  assert len(ais.published_betas(20_000)) == 20_001


def test_base_rate_bias_is_smoothed_log_odds():
  bias = ais.base_rate_bias(np.asarray([0.0, 0.5, 1.0]), 98)
  # p = (98 * mean + 1) / 100.
  np.testing.assert_allclose(bias, np.log([1 / 99, 1.0, 99.0]), rtol=1e-5)


def test_summary_of_known_weights():
  """Z_hat / Z_A = mean(w); the relative SE is std(w) / (mean(w) sqrt(M))."""
  w = np.asarray([1.0, 2.0, 3.0, 6.0])
  result = ais.summarize(jnp.log(w), jnp.asarray(1.5))
  assert float(result.log_z) == pytest.approx(1.5 + np.log(3.0), rel=1e-6)
  relative = np.std(w, ddof=1) / (3.0 * 2.0)
  assert float(result.log_z_stderr) == pytest.approx(relative, rel=1e-5)
  assert float(result.log_z_upper) == pytest.approx(
      1.5 + np.log(3.0) + np.log1p(3 * relative), rel=1e-6)
  assert float(result.log_z_lower) == -np.inf  # 3 SE exceeds Z_hat here.
