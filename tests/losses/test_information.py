"""InfoGAN code likelihoods (hand-computed / SciPy) and code sampling."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from gentk.losses import information


def test_categorical_log_likelihood_hand_computed():
  # softmax(log 1, log 2, log 3) = (1/6, 2/6, 3/6).
  logits = jnp.log(jnp.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]))
  log_q = information.categorical_log_likelihood(logits, jnp.array([2, 0]))
  np.testing.assert_allclose(log_q, np.log([0.5, 1 / 6]), rtol=1e-6)
  # Invariant to a shift of the logits, and stable for large ones.
  np.testing.assert_allclose(
      information.categorical_log_likelihood(logits + 1000.0,
                                             jnp.array([2, 0])),
      np.log([0.5, 1 / 6]), atol=1e-4)  # float32 spacing at 1000 is 6e-5.


@pytest.mark.parametrize("learned", [False, True])
def test_gaussian_log_likelihood_matches_scipy(learned):
  mean = jnp.array([[0.0, 1.0], [-0.5, 2.0]])
  codes = jnp.array([[0.5, 0.0], [-1.0, 2.5]])
  if learned:
    log_std = jnp.log(jnp.array([[0.5, 2.0], [1.0, 0.1]]))
    out = information.gaussian_log_likelihood(mean, codes, log_std=log_std)
    scale = np.exp(np.asarray(log_std))
  else:
    out = information.gaussian_log_likelihood(mean, codes, std=0.5)
    scale = 0.5
  expected = stats.norm.logpdf(codes, loc=mean, scale=scale).sum(axis=1)
  np.testing.assert_allclose(out, expected, rtol=1e-5)


def test_gaussian_gradient_pulls_mean_to_code():
  """d/d mu log N(c; mu, 1) = c - mu."""
  codes = jnp.array([[0.5, -1.0]])
  grad = jax.grad(lambda m: jnp.sum(information.gaussian_log_likelihood(
      m, codes)))(jnp.zeros((1, 2)))
  np.testing.assert_allclose(grad, codes, rtol=1e-6)


def test_sample_codes_shapes_ranges_and_uniformity():
  """Class frequencies of 20,000 draws within 4 binomial standard errors of
  1/K, and the continuous mean within 4 SE (std (high - low) / sqrt(12))."""
  n = 20_000
  codes = information.sample_codes(jax.random.PRNGKey(0), n,
                                   categories=(10, 3), num_continuous=2)
  assert codes.categorical.shape == (n, 2)
  assert codes.categorical.dtype == jnp.int32
  assert codes.continuous.shape == (n, 2)
  cat = np.asarray(codes.categorical)
  assert cat[:, 0].min() == 0 and cat[:, 0].max() == 9
  assert cat[:, 1].min() == 0 and cat[:, 1].max() == 2
  for column, k in ((0, 10), (1, 3)):
    freq = np.bincount(cat[:, column], minlength=k) / n
    se = math.sqrt((1 / k) * (1 - 1 / k) / n)
    assert np.all(np.abs(freq - 1 / k) < 4 * se)
  cont = np.asarray(codes.continuous)
  assert cont.min() >= -1.0 and cont.max() <= 1.0
  assert np.all(np.abs(cont.mean(axis=0)) < 4 * (2 / math.sqrt(12)) / math.sqrt(n))


def test_codes_to_input_one_hot():
  codes = information.LatentCodes(jnp.array([[2, 0], [0, 1]]),
                                  jnp.array([[0.5], [-0.25]]))
  np.testing.assert_array_equal(
      information.codes_to_input(codes, categories=(3, 2)),
      [[0, 0, 1, 1, 0, 0.5], [1, 0, 0, 0, 1, -0.25]])


def test_code_log_likelihood_weighted_sum():
  """Codes (2, 0) of categories (3, 2) and continuous 0.5:
  log Q = log(1/2) [logits log(1,2,3)] + log(1/2) [logits (0, 0)]
  and log N(0.5; 0, 1) = -0.125 - log(2 pi)/2, weighted by 1 and 0.1."""
  codes = information.LatentCodes(jnp.array([[2, 0]]), jnp.array([[0.5]]))
  logits = jnp.concatenate([jnp.log(jnp.array([[1.0, 2.0, 3.0]])),
                            jnp.zeros((1, 2))], axis=-1)
  out = information.code_log_likelihood(
      codes, logits, jnp.zeros((1, 1)), categories=(3, 2),
      continuous_weight=0.1)
  expected = 2 * math.log(0.5) + 0.1 * (-0.125 - 0.5 * math.log(2 * math.pi))
  np.testing.assert_allclose(out, [expected], rtol=1e-6)


def test_bound_equals_entropy_for_a_perfect_posterior():
  """If x determines c and Q is exact, log Q(c|x) = 0 and L_I = H(c) = I(c;x)."""
  entropy = information.code_entropy(categories=(10,), num_continuous=2)
  np.testing.assert_allclose(entropy, math.log(10) + 2 * math.log(2))
  codes = jnp.arange(8) % 10
  logits = 1e4 * jax.nn.one_hot(codes, 10)
  log_q = information.categorical_log_likelihood(logits, codes)
  bound = information.mutual_information_lower_bound(
      log_q, information.code_entropy(categories=(10,), num_continuous=0))
  np.testing.assert_allclose(bound, math.log(10), rtol=1e-6)
  # An uninformative Q (uniform) gives a bound of 0.
  uniform = information.categorical_log_likelihood(jnp.zeros((8, 10)), codes)
  np.testing.assert_allclose(
      information.mutual_information_lower_bound(uniform, math.log(10)), 0.0,
      atol=1e-6)
