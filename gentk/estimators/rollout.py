r"""Monte Carlo rollouts: action values of every prefix of a generated sequence.

SeqGAN (Yu et al. 2017, Eq. 4) scores token $y_t$ of a generated sequence
$Y_{1:T}$ by completing the prefix $Y_{1:t}$ $N$ times with a rollout policy
$G_\beta$ and averaging the reward $D$ of the completed sequences:
$$Q(Y_{1:t-1}, y_t) = \begin{cases}
  \frac1N \sum_{n=1}^N D(Y^n_{1:T}),\ Y^n_{1:T} \sim \mathrm{MC}^{G_\beta}(Y_{1:t}; N)
  & t < T, \\ D(Y_{1:T}) & t = T. \end{cases}$$

Everything is one computation for `jit`: the prefix states come from one
teacher-forced `lax.scan`; all $B \times N \times (T - 1)$ rollouts are rows
of one `vmap`-ped `lax.scan` over time. A rollout from prefix $t$ samples
$T - t$ tokens, so rollouts of prefixes $t$ and $T - t$ share one row of $T$
steps (the second starts where the first ends): about $T^2/2$ row-steps per
$(b, n)$ instead of $(T-1)^2$. For $T$ even the rollout of prefix $T/2$ has no
partner and its row's second half is discarded. `chunk_size` runs the rows in
sequential chunks (`lax.map`) so that the `[rows, V]` logits stay cache-sized;
the result does not depend on it (each row has its own key).

References:
  Yu, Zhang, Wang & Yu 2017, "SeqGAN: Sequence Generative Adversarial Nets
    with Policy Gradient", https://arxiv.org/abs/1609.05473
"""
import functools
from typing import Callable

import chex
import jax
import jax.numpy as jnp
import numpy as np

from gentk.estimators import categorical
from gentk.types import Array, ArrayLike, PRNGKey, PyTree

PolicyFn = Callable[[PyTree, Array], tuple[Array, PyTree]]
RewardFn = Callable[[Array], Array]
SampleFn = Callable[[PRNGKey, Array], Array]


def prefix_states(policy_fn: PolicyFn, initial_state: PyTree, tokens: ArrayLike,
                  *, start_token: int = 0) -> PyTree:
  r"""States before each input of a teacher-forced pass.

  The inputs are $x_0 = $ `start_token`, $x_k = y_{k-1}$; entry $k$ of the
  result is the state before feeding $x_k$, so feeding $y_{t-1}$ to entry $t$
  gives the logits of $y_t$ given $Y_{1:t}$.

  Args:
    policy_fn: `(state, token) -> (logits, state)`, batched over rows.
    initial_state: state pytree with leading axis `[B]`.
    tokens: `[B, T]` int tokens.
    start_token: the first input.
  Returns:
    the state pytree with leading axes `[T, B]`.
  """
  tokens = jnp.asarray(tokens)
  chex.assert_rank(tokens, 2)
  inputs = jnp.concatenate(
      [jnp.full((tokens.shape[0], 1), start_token, tokens.dtype),
       tokens[:, :-1]], axis=1)

  def body(state, token):
    _, next_state = policy_fn(state, token)  # the logits are dead code
    return next_state, state

  _, states = jax.lax.scan(body, initial_state, inputs.T)
  return states


def _pair_schedule(length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
  """Prefix lengths (first, second) per row and whether the second counts."""
  first = np.arange(1, length // 2 + 1)
  second = length - first
  return first, second, second != first


def _paired_rollout(row: dict, *, policy_fn: PolicyFn, reward_fn: RewardFn,
                    sample_fn: SampleFn) -> tuple[Array, Array]:
  """The rewards of one row's two completions, run as one scan of T steps:
  the prefix of length `t_a` completed for `T - t_a` steps, then the prefix
  of length `t_b` (its state and input switched in) for the rest."""
  length = row["tokens"].shape[0]
  positions = jnp.arange(length)
  switch = length - row["t_a"]  # step at which the second rollout starts

  def body(carry, r):
    state, token_in, seq_a, seq_b = carry
    start_b = r == switch
    state = jax.tree.map(lambda s, s_b: jnp.where(start_b, s_b, s), state,
                         row["state_b"])
    token_in = jnp.where(start_b, row["input_b"], token_in)
    logits, state = policy_fn(state, token_in)
    token = sample_fn(jax.random.fold_in(row["key"], r), logits)
    token = token.astype(seq_a.dtype)
    in_a = r < switch
    seq_a = jnp.where(in_a & (positions == row["t_a"] + r), token, seq_a)
    seq_b = jnp.where(~in_a & (positions == r), token, seq_b)
    return (state, token, seq_a, seq_b), None

  init = (row["state_a"], row["input_a"], row["tokens"], row["tokens"])
  (_, _, seq_a, seq_b), _ = jax.lax.scan(body, init, positions)
  both = reward_fn(jnp.stack([seq_a, seq_b]))
  return both[0], both[1]


def rollout_rewards(key: PRNGKey, tokens: ArrayLike, policy_fn: PolicyFn,
                    reward_fn: RewardFn, *, num_rollouts: int,
                    initial_state: PyTree, start_token: int = 0,
                    sample_fn: SampleFn = categorical.categorical,
                    chunk_size: int | None = None) -> tuple[Array, Array]:
  r"""SeqGAN's Monte Carlo action values $Q[b, t]$ for every prefix.

  Target: $Q(Y_{1:t}) = E_{G_\beta}[D(Y_{1:T}) | Y_{1:t}]$ (column $t - 1$,
  $t = 1..T-1$) and $D(Y_{1:T})$ (column $T - 1$). Estimator: the mean reward
  of $N$ independent completions by `policy_fn`; unbiased for every
  $(b, t)$. Assumptions: `policy_fn`, `reward_fn` and `sample_fn` are pure and
  `vmap`-able. The result carries no gradient (`stop_gradient`): use it as
  the reward of a score-function surrogate.

  Args:
    key: PRNG key.
    tokens: generated sequences $Y_{1:T}$, `[B, T]` int.
    policy_fn: rollout policy step `(state, token) -> (logits, state)`;
      called on single rows (`vmap`) and on `[B]` batches.
    reward_fn: `[M, T]` int sequences -> `[M]` rewards.
    num_rollouts: $N$.
    initial_state: the policy's state before the start token, leading `[B]`.
    start_token: the first input of the policy.
    sample_fn: `(key, logits [..., V]) -> token [...]`, an exact categorical
      sampler (default the blocked inverse CDF; `jax.random.categorical` also
      fits).
    chunk_size: rows per chunk (`lax.map(..., batch_size=chunk_size)`);
      `None` runs all $B N \lceil (T-1)/2 \rceil$ rows at once.
  Returns:
    `(q, samples)`: `q` `[B, T]` as above; `samples` `[N, B, T]` the reward of
    every completion (column $T - 1$ repeats $D(Y_{1:T})$), whose spread over
    the first axis gives the Monte Carlo error of `q`.
  References:
    Yu et al. 2017, Eq. 4.
  """
  tokens = jnp.asarray(tokens)
  chex.assert_rank(tokens, 2)
  batch, length = tokens.shape
  final = jax.lax.stop_gradient(reward_fn(tokens))
  chex.assert_shape(final, (batch,))
  if length == 1:
    return final[:, None], jnp.broadcast_to(final[None, :, None],
                                            (num_rollouts, batch, 1))
  first, second, second_counts = _pair_schedule(length)
  num_pairs = first.size
  states = prefix_states(policy_fn, initial_state, tokens,
                         start_token=start_token)

  # Rows ordered (pair j, rollout n, sequence b); per-row inputs gathered flat.
  shape = (num_pairs, num_rollouts, batch)
  pair = np.repeat(np.arange(num_pairs), num_rollouts * batch)
  seq = np.tile(np.arange(batch), num_pairs * num_rollouts)
  t_a, t_b = first[pair], second[pair]
  rows = dict(
      key=jax.random.split(key, pair.size),
      state_a=jax.tree.map(lambda s: s[t_a, seq], states),
      state_b=jax.tree.map(lambda s: s[t_b, seq], states),
      input_a=tokens[seq, t_a - 1], input_b=tokens[seq, t_b - 1],
      t_a=jnp.asarray(t_a), tokens=tokens[seq])
  one_row = functools.partial(_paired_rollout, policy_fn=policy_fn,
                              reward_fn=reward_fn, sample_fn=sample_fn)
  if chunk_size is None:
    reward_a, reward_b = jax.vmap(one_row)(rows)
  else:
    reward_a, reward_b = jax.lax.map(one_row, rows, batch_size=chunk_size)
  reward_a, reward_b = (jax.lax.stop_gradient(r).reshape(shape)
                        for r in (reward_a, reward_b))
  counted = np.flatnonzero(second_counts)
  samples = jnp.zeros((num_rollouts, batch, length), final.dtype)
  samples = samples.at[:, :, first - 1].set(jnp.moveaxis(reward_a, 0, -1))
  samples = samples.at[:, :, second[counted] - 1].set(
      jnp.moveaxis(reward_b[counted], 0, -1))
  samples = samples.at[:, :, -1].set(final)
  return samples.mean(axis=0), samples


def sample_sequences(key: PRNGKey, policy_fn: PolicyFn, initial_state: PyTree,
                     *, length: int, start_token: int = 0,
                     sample_fn: SampleFn = categorical.categorical) -> Array:
  r"""Draws $Y_{1:T} \sim G$ autoregressively, one `lax.scan` over time.

  Args:
    key: PRNG key.
    policy_fn: `(state, token) -> (logits, state)`, batched over `[B]`.
    initial_state: state pytree with leading axis `[B]`.
    length: $T$.
    start_token: the first input.
    sample_fn: exact categorical sampler `(key, logits [B, V]) -> [B]`.
  Returns:
    `[B, T]` int32 tokens.
  """
  batch = jax.tree.leaves(initial_state)[0].shape[0]

  def body(carry, t):
    state, token = carry
    logits, state = policy_fn(state, token)
    token = sample_fn(jax.random.fold_in(key, t), logits).astype(jnp.int32)
    return (state, token), token

  init = (initial_state, jnp.full((batch,), start_token, jnp.int32))
  _, tokens = jax.lax.scan(body, init, jnp.arange(length))
  return tokens.T
