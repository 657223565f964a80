r"""Rejection sampling under an envelope $k\, q(z) \ge \tilde p(z)$.

Draw $z \sim q$ and $u \sim U(0, 1)$; keep $z$ if $u\, k\, q(z) \le \tilde
p(z)$. Kept samples are exact draws from $p = \tilde p / Z_p$ and each
proposal is kept with probability $Z_p / (k Z_q)$: $1/k$ for normalised $p$
and $q$. For $p = N(0, \sigma_p^2 I_D)$ under $q = N(0, \sigma_q^2 I_D)$,
$\sigma_q \ge \sigma_p$, the tightest $k = (\sigma_q / \sigma_p)^D$, so the
acceptance rate $(\sigma_p / \sigma_q)^D$ decays exponentially with D.

Vectorised: proposals come in blocks; accepted ones fill a fixed-size output
in order, and rounds repeat inside `lax.while_loop` until it is full or a
round limit is hit (`max_rounds=1` is a single block with a validity mask).

References:
  von Neumann 1951, "Various techniques used in connection with random digits".
  Bishop 2006, "Pattern Recognition and Machine Learning", Section 11.1.2.
  MacKay 2003, "Information Theory, Inference, and Learning Algorithms",
    Section 29.3 (the (sigma_p/sigma_q)^D example),
    https://www.inference.org.uk/itprnn/book.pdf
"""
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike, PRNGKey


_VIOLATION_TOLERANCE = 1e-5  # log p~ - log k q above this counts as a violation.


class RejectionInfo(NamedTuple):
  """What a rejection run did.

  Attributes:
    valid: `[N]` bool, True where the output row holds an accepted sample.
    num_accepted: accepted proposals over all rounds (may exceed N; the extra
      ones are dropped).
    num_proposed: proposals drawn over all rounds.
    acceptance_rate: `num_accepted / num_proposed`, estimates $Z_p/(k Z_q)$.
    envelope_violations: proposals where $\\tilde p(z) > k q(z)$: the envelope
      is wrong there and the output is biased; should be 0.
    num_rounds: blocks drawn.
  """
  valid: Array
  num_accepted: Array
  num_proposed: Array
  acceptance_rate: Array
  envelope_violations: Array
  num_rounds: Array


def accept_block(key: PRNGKey, log_p_tilde_fn: Callable[[Array], Array],
                 proposal_sample_fn: Callable[[PRNGKey, int], Array],
                 proposal_log_prob_fn: Callable[[Array], Array],
                 log_k: ArrayLike, block_size: int
                 ) -> tuple[Array, Array, Array]:
  r"""Proposes a block and applies the test $\log u \le \log \tilde p(z) -
  \log k - \log q(z)$.

  Args:
    key: PRNG key.
    log_p_tilde_fn: $\log \tilde p$ on a block, `[B, ...] -> [B]`.
    proposal_sample_fn: `(key, B) -> [B, ...]`, draws from q.
    proposal_log_prob_fn: $\log q$ on a block, `[B, ...] -> [B]`.
    log_k: $\log k$.
    block_size: B.
  Returns:
    `(z, accepted, violated)`: proposals `[B, ...]`, acceptance `[B]` bool,
    and `[B]` bool where $\tilde p(z) > k q(z)$ (by more than 0.001%).
  """
  key_z, key_u = jax.random.split(key)
  z = proposal_sample_fn(key_z, block_size)
  log_ratio = log_p_tilde_fn(z) - log_k - proposal_log_prob_fn(z)
  log_u = jnp.log(jax.random.uniform(key_u, (block_size,)))
  # A float32 tolerance: at a point where k q touches p~ the ratio rounds to 1.
  return z, log_u <= log_ratio, log_ratio > _VIOLATION_TOLERANCE


def rejection_sample(key: PRNGKey, log_p_tilde_fn: Callable[[Array], Array],
                     proposal_sample_fn: Callable[[PRNGKey, int], Array],
                     proposal_log_prob_fn: Callable[[Array], Array],
                     log_k: ArrayLike, num_samples: int, *, block_size: int,
                     max_rounds: int = 1000
                     ) -> tuple[Array, RejectionInfo]:
  r"""Draws `num_samples` exact samples of $p$ by rejection from $q$.

  Args:
    key: PRNG key.
    log_p_tilde_fn: $\log \tilde p$ (unnormalised) on a block,
      `[B, ...] -> [B]`.
    proposal_sample_fn: `(key, B) -> [B, ...]`, draws from q.
    proposal_log_prob_fn: $\log q$ on a block, `[B, ...] -> [B]` (q may be
      unnormalised too; k must then bound $\tilde p / \tilde q$).
    log_k: $\log k$ with $k q(z) \ge \tilde p(z)$ for all z.
    num_samples: N, the output size.
    block_size: B, proposals per round (about N / acceptance rate fills the
      output in one round).
    max_rounds: stop after this many rounds even if the output is not full;
      rows not filled are zeros with `info.valid` False.
  Returns:
    `(samples, info)`: samples `[N, ...]` (the accepted proposals in order)
    and a `RejectionInfo`.
  References:
    Bishop 2006, Section 11.1.2.
  """
  shape = jax.eval_shape(lambda k: proposal_sample_fn(k, block_size), key)
  buffer = jnp.zeros((num_samples,) + shape.shape[1:], shape.dtype)
  zero = jnp.zeros((), jnp.int32)

  def cond(carry):
    _, _, accepted, _, _, rounds = carry
    return (accepted < num_samples) & (rounds < max_rounds)

  def body(carry):
    key, buffer, accepted, proposed, violations, rounds = carry
    key, key_block = jax.random.split(key)
    z, accept, violated = accept_block(key_block, log_p_tilde_fn,
                                       proposal_sample_fn,
                                       proposal_log_prob_fn, log_k, block_size)
    # The j-th accepted proposal of this block goes to row accepted + j;
    # rejected ones and rows past N go to the out-of-range row N (dropped).
    rows = accepted + jnp.cumsum(accept) - 1
    rows = jnp.where(accept, rows, num_samples)
    buffer = buffer.at[rows].set(z, mode="drop")
    return (key, buffer, accepted + jnp.sum(accept, dtype=jnp.int32),
            proposed + block_size,
            violations + jnp.sum(violated, dtype=jnp.int32), rounds + 1)

  _, samples, accepted, proposed, violations, rounds = jax.lax.while_loop(
      cond, body, (key, buffer, zero, zero, zero, zero))
  info = RejectionInfo(
      valid=jnp.arange(num_samples) < accepted,
      num_accepted=accepted, num_proposed=proposed,
      acceptance_rate=accepted / jnp.maximum(proposed, 1),
      envelope_violations=violations, num_rounds=rounds)
  return samples, info
