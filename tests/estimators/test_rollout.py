"""Tests for gentk.estimators.rollout against exact enumeration."""
import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.stats

from gentk.estimators import rollout
from gentk.models import lstm
from tests.estimators import mc_util

VOCAB = 3
_SEQUENCES = {4: [[0, 1, 2, 0], [2, 2, 1, 1], [1, 0, 0, 2]],
              5: [[0, 1, 2, 0, 1], [2, 2, 1, 1, 0], [1, 0, 0, 2, 2]]}


def _setup(length):
  """A tiny LSTM policy (vocabulary 3), a reward table over all sequences."""
  model = lstm.LSTMLanguageModel(VOCAB, 4, 5, init_scale=1.0)
  params = model.init(jax.random.PRNGKey(0), jnp.zeros((1, length), jnp.int32))
  policy = functools.partial(lstm.policy_step_fn(model), params["params"])
  table = jnp.asarray(np.random.default_rng(length).uniform(size=VOCAB**length),
                      jnp.float32)
  weights = jnp.asarray(VOCAB**np.arange(length)[::-1])

  def reward_fn(seqs):
    return table[seqs @ weights]

  everything = jnp.asarray(list(itertools.product(range(VOCAB), repeat=length)))
  logits = model.apply(params, everything)
  token_log_probs = jnp.take_along_axis(jax.nn.log_softmax(logits),
                                        everything[..., None], -1)[..., 0]
  return model, policy, reward_fn, np.asarray(everything), np.asarray(
      token_log_probs, np.float64), np.asarray(reward_fn(everything), np.float64)


def _exact_q(sequence, everything, token_log_probs, rewards):
  """E[D(Y) | Y_{1:t}] by summing over every continuation, t = 1..T."""
  length = len(sequence)
  q = []
  for t in range(1, length + 1):
    match = np.all(everything[:, :t] == np.asarray(sequence[:t]), axis=1)
    conditional = np.exp(token_log_probs[match, t:].sum(axis=1))
    np.testing.assert_allclose(conditional.sum(), 1.0, rtol=1e-5)
    q.append(np.sum(conditional * rewards[match]))
  return np.array(q)


@pytest.mark.parametrize("length", [4, 5])  # even: one unpaired prefix; odd: none
def test_rollout_q_matches_exact_expectations(length):
  model, policy, reward_fn, everything, log_probs, rewards = _setup(length)
  tokens = jnp.asarray(_SEQUENCES[length])
  num = 3000
  run = jax.jit(lambda key: rollout.rollout_rewards(
      key, tokens, policy, reward_fn, num_rollouts=num,
      initial_state=model.initial_state((3,))))
  q, samples = run(jax.random.PRNGKey(1))
  assert q.shape == (3, length) and samples.shape == (num, 3, length)
  for b, sequence in enumerate(_SEQUENCES[length]):
    exact = _exact_q(sequence, everything, log_probs, rewards)
    # Q[b, t] is a mean of N iid rewards: SE = std / sqrt(N), 4 sigma.
    mean, se = mc_util.mean_and_se(samples[:, b, :-1])
    np.testing.assert_allclose(q[b, :-1], mean, rtol=1e-5)
    mc_util.assert_close_in_se(mean, exact[:-1], se, what=f"Q[{b}]")
    np.testing.assert_allclose(q[b, -1], exact[-1], rtol=1e-6)  # D(Y) itself


def test_chunking_does_not_change_the_result_and_gumbel_sampler_fits():
  model, policy, reward_fn, *_ = _setup(5)
  tokens = jnp.asarray(_SEQUENCES[5])
  run = jax.jit(lambda key, chunk, sample_fn: rollout.rollout_rewards(
      key, tokens, policy, reward_fn, num_rollouts=4,
      initial_state=model.initial_state((3,)), chunk_size=chunk,
      sample_fn=sample_fn), static_argnums=(1, 2))
  key = jax.random.PRNGKey(5)
  whole = run(key, None, rollout.categorical.categorical)
  chunked = run(key, 7, rollout.categorical.categorical)
  np.testing.assert_array_equal(whole[1], chunked[1])
  gumbel = run(key, None, jax.random.categorical)
  assert gumbel[0].shape == (3, 5)


def test_sample_sequences_follows_the_policy():
  # 81 outcomes, 40,000 draws: chi-square against exact probabilities,
  # rejecting at p < 6e-5 (the 4-sigma level).
  model, policy, _, everything, log_probs, _ = _setup(4)
  num = 40_000
  tokens = jax.jit(lambda key: rollout.sample_sequences(
      key, policy, model.initial_state((num,)), length=4))(jax.random.PRNGKey(2))
  index = np.asarray(tokens) @ VOCAB**np.arange(4)[::-1]
  counts = np.bincount(index, minlength=VOCAB**4)
  p = np.exp(log_probs.sum(axis=1))
  _, p_value = scipy.stats.chisquare(counts, num * p / p.sum())
  assert p_value > 6e-5, p_value
