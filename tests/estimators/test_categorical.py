"""Tests for gentk.estimators.categorical: the blocked inverse-CDF sampler."""
import jax
import jax.numpy as jnp
import numpy as np
import scipy.stats

from gentk.estimators import categorical


def _softmax(logits):
  logits = np.asarray(logits, np.float64)
  p = np.exp(logits - logits.max())
  return p / p.sum()


def _logits_with_zeros(vocab, seed):
  logits = 2.0 * np.random.default_rng(seed).normal(size=vocab)
  logits[[0, 5, vocab - 1]] = -np.inf  # first, an inner and the last token
  return jnp.asarray(logits, jnp.float32)


def test_stratified_uniforms_give_exact_frequencies():
  # Inversion maps the M stratified uniforms (k + 1/2) / M to token i exactly
  # #{k : F_{i-1} <= u_k < F_i} = M p_i +- 1 times; float32 rounding of the CDF
  # (~1e-6 relative) adds < 1 at M = 2e5, so the tolerance is 3 counts.
  # V = 257 with blocks of 100: three blocks, the last one padded.
  vocab, num = 257, 200_000
  logits = _logits_with_zeros(vocab, 0)
  u = (jnp.arange(num, dtype=jnp.float32) + 0.5) / num
  # vmap over u only: the logits row is shared, never broadcast to [M, V].
  tokens = jax.jit(jax.vmap(categorical.categorical_from_uniform, (0, None)))(
      u, logits)
  counts = np.bincount(np.asarray(tokens), minlength=vocab)
  assert counts.size == vocab  # never a padding index
  p = _softmax(logits)
  np.testing.assert_array_less(np.abs(counts - num * p), 3.0)
  assert counts[0] == counts[5] == counts[-1] == 0  # zero mass, never drawn


def test_whole_zero_blocks_and_extreme_uniforms():
  # Block size 4: blocks 0 and 2 have no mass at all.
  logits = jnp.array([-jnp.inf] * 4 + [0.0, 1.0, -jnp.inf, 2.0] +
                     [-jnp.inf] * 4 + [0.5, -jnp.inf])
  u = jnp.array([0.0, 1.0 - 2.0**-24, 0.5])
  tokens = jax.jit(categorical.categorical_from_uniform, static_argnames="block_size")(
      u, jnp.broadcast_to(logits, (3, 14)), block_size=4)
  p = np.exp([0.0, 1.0, 2.0, 0.5]) / np.exp([0.0, 1.0, 2.0, 0.5]).sum()
  cdf = np.cumsum(p)  # tokens 4, 5, 7, 12
  expected_mid = [4, 5, 7, 12][int(np.searchsorted(cdf, 0.5, side="right"))]
  np.testing.assert_array_equal(tokens, [4, 12, expected_mid])


def test_random_draws_pass_a_chi_square_test():
  # 10 tokens in blocks of 3; 100,000 draws with a fixed key. Reject at
  # p < 6e-5 (the 4-sigma two-sided level): a correct sampler fails this
  # with probability 6e-5, a biased one by more than ~1% per token always.
  logits = jnp.array([0.3, -1.0, 2.0, 0.0, 0.7, -2.5, 1.1, 0.2, -0.4, 1.6])
  num = 100_000
  tokens = jax.jit(lambda k: categorical.categorical(
      k, jnp.broadcast_to(logits, (num, 10)), block_size=3))(
          jax.random.PRNGKey(3))
  counts = np.bincount(np.asarray(tokens), minlength=10)
  expected = num * _softmax(logits)
  _, p_value = scipy.stats.chisquare(counts, expected)
  assert p_value > 6e-5, (counts, expected, p_value)


def test_batch_shapes_and_vmap():
  logits = jax.random.normal(jax.random.PRNGKey(0), (2, 3, 50))
  tokens = jax.jit(categorical.categorical)(jax.random.PRNGKey(1), logits)
  assert tokens.shape == (2, 3) and tokens.dtype == jnp.int32
  keys = jax.random.split(jax.random.PRNGKey(2), 6)
  mapped = jax.jit(jax.vmap(categorical.categorical))(keys, logits.reshape(6, 50))
  assert mapped.shape == (6,) and np.all((mapped >= 0) & (mapped < 50))


def test_categorical_log_prob_is_the_log_softmax_entry():
  """Equals log softmax(l)_x in float64 and exponentiates to a distribution
  over x (float32 tolerance)."""
  logits = np.random.default_rng(0).normal(size=(3, 4, 7)) * 3
  x = np.random.default_rng(1).integers(0, 7, size=(3, 4))
  log_p = categorical.categorical_log_prob(jnp.asarray(logits, jnp.float32), x)
  expected = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
  np.testing.assert_allclose(
      log_p, np.take_along_axis(expected, x[..., None], -1)[..., 0],
      rtol=1e-5, atol=1e-5)
  every = np.stack([categorical.categorical_log_prob(
      jnp.asarray(logits, jnp.float32), np.full((3, 4), v)) for v in range(7)])
  np.testing.assert_allclose(np.exp(every).sum(0), 1.0, rtol=1e-5)
