r"""Exact categorical sampling by a blocked inverse CDF, one uniform per row.

`jax.random.categorical` uses the Gumbel-max trick: one uniform (and two logs)
per *logit*. Over a large vocabulary on CPU that dominates the cost of sampling
a token (DESIGN.md: ~10x slower than this sampler for 5,000 logits).
Inversion needs one uniform per *row*: with $\tilde p_i = e^{l_i - \max l}$,
draw $u \sim U[0, 1)$ and return the smallest $i$ with
$\sum_{j \le i} \tilde p_j > u \sum_j \tilde p_j$. A full `cumsum` over the
vocabulary is itself slow (a sequential scan), so the vocabulary is cut into
blocks of `block_size`: the block is found on the cumulative sums of the block
sums, then the token on the cumulative sum inside that one block (whose logits
are gathered again, so the exponentials are never stored for the whole row).

Exactness: $P(\text{token } i) = \tilde p_i / \sum_j \tilde p_j$ up to float32
rounding of the sums (relative ~1e-7) and the 2^-24 resolution of $u$; tokens
of probability exactly 0 (logit $-\infty$) are never drawn.

References:
  Devroye 1986, "Non-Uniform Random Variate Generation", Section 3.2
    (inversion by sequential and guided search), http://luc.devroye.org/rnbookindex.html
"""
import chex
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike, PRNGKey


def _first_above(cumulative: Array, threshold: Array, positive: Array) -> Array:
  """Smallest index with cumulative > threshold, never a zero-mass index.

  `cumulative` is `[R, n]`, `threshold` `[R]`, `positive` the `[R, n]` mask
  of entries with mass. When rounding puts the threshold at or beyond the last
  cumulative value, the last index with mass is returned.
  """
  index = jnp.sum(cumulative <= threshold[:, None], axis=-1)
  last_positive = jnp.max(
      jnp.where(positive, jnp.arange(cumulative.shape[-1]), 0), axis=-1)
  return jnp.minimum(index, last_positive)


def categorical_from_uniform(u: ArrayLike, logits: ArrayLike, *,
                             block_size: int = 100) -> Array:
  r"""Inverse-CDF categorical sample for given uniforms $u \in [0, 1)$.

  Returns $\min\{i : F_i > u\}$ with $F_i = \sum_{j \le i} p_j$,
  $p = \mathrm{softmax}(l)$: if $u \sim U[0, 1)$ the result is distributed as
  $\mathrm{Categorical}(p)$. Not differentiable (integer output).

  Args:
    u: uniforms, shape `[...]`.
    logits: unnormalised log-probabilities, `[..., V]`; `-inf` allowed, at
      least one finite entry per row.
    block_size: tokens per block; the cost is about `V` exponentials plus
      cumulative sums of length `V / block_size` and `block_size`.
  Returns:
    int32 token indices, shape `[...]`.
  """
  u, logits = jnp.asarray(u, jnp.float32), jnp.asarray(logits, jnp.float32)
  chex.assert_rank(logits, u.ndim + 1)
  chex.assert_equal_shape_prefix([u, logits], u.ndim)
  batch_shape, vocab = u.shape, logits.shape[-1]
  num_blocks = -(-vocab // block_size)
  logits = logits.reshape(-1, vocab)
  u = u.reshape(-1)
  if num_blocks * block_size != vocab:  # pad with zero-probability tokens
    logits = jnp.pad(logits, ((0, 0), (0, num_blocks * block_size - vocab)),
                     constant_values=-jnp.inf)
  rows = logits.shape[0]
  blocks = logits.reshape(rows, num_blocks, block_size)
  shift = jnp.max(logits, axis=-1)
  # exp(l - max l): no overflow; the common factor cancels in the CDF.
  block_mass = jnp.sum(jnp.exp(blocks - shift[:, None, None]), axis=-1)
  block_cdf = jnp.cumsum(block_mass, axis=-1)
  target = u * block_cdf[:, -1]
  block = _first_above(block_cdf, target, block_mass > 0)
  below = jnp.where(block > 0, jnp.take_along_axis(
      block_cdf, jnp.maximum(block - 1, 0)[:, None], axis=-1)[:, 0], 0.0)
  in_block = jnp.take_along_axis(blocks, block[:, None, None], axis=1)[:, 0]
  mass = jnp.exp(in_block - shift[:, None])
  offset = _first_above(jnp.cumsum(mass, axis=-1), target - below, mass > 0)
  return (block * block_size + offset).astype(jnp.int32).reshape(batch_shape)


def categorical(key: PRNGKey, logits: ArrayLike, *,
                block_size: int = 100) -> Array:
  r"""Draws $i \sim \mathrm{Categorical}(\mathrm{softmax}(l))$ per row.

  Same distribution as `jax.random.categorical(key, logits)` (not the same
  draws), with one uniform per row instead of one per logit.

  Args:
    key: PRNG key.
    logits: unnormalised log-probabilities, `[..., V]`.
    block_size: see `categorical_from_uniform`.
  Returns:
    int32 token indices, shape `[...]`.
  References:
    Devroye 1986, Section 3.2.
  """
  logits = jnp.asarray(logits)
  chex.assert_rank(logits, {i for i in range(1, 9)})
  u = jax.random.uniform(key, logits.shape[:-1])
  return categorical_from_uniform(u, logits, block_size=block_size)


def categorical_log_prob(logits: ArrayLike, x: ArrayLike) -> Array:
  r"""$\log \mathrm{softmax}(l)_x = l_x - \log \sum_j e^{l_j}$ per row: the
  log-probability of tokens `x` (a sequence model's per-token
  $\log G(y_t \mid Y_{1:t-1})$ from teacher-forced logits), the score that
  score-function estimators differentiate.

  Args:
    logits: `[..., V]`.
    x: int indices `[...]`.
  Returns:
    float `[...]`.
  """
  logits, x = jnp.asarray(logits), jnp.asarray(x)
  chex.assert_equal_shape_prefix([logits, x], x.ndim)
  log_p = jax.nn.log_softmax(logits)
  return jnp.take_along_axis(log_p, x[..., None], axis=-1)[..., 0]
