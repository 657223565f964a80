"""Tests for gentk.algorithms.maskgan and gentk.models.maskgan."""
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from gentk.algorithms import maskgan
from gentk.models import maskgan as models

V, T, B, END = 11, 8, 6, 2


def test_sentence_lengths_count_through_the_end_token():
  tokens = jnp.array([[5, 6, END, 0, 0], [5, 6, 7, 8, 9], [END, 0, 0, 0, 0]])
  np.testing.assert_array_equal(maskgan.sentence_lengths(tokens, END),
                                [3, 5, 1])


def test_contiguous_mask_is_the_published_one_at_length_20():
  # int((1 - 0.5) * 20) - 1 = 9 blanks, the start uniform on {1, ..., 11}.
  lengths = jnp.full((4_000,), 20)
  present = np.asarray(maskgan.contiguous_mask(jax.random.PRNGKey(0),
                                               lengths, 20, 0.5))
  blank = ~present
  np.testing.assert_array_equal(blank.sum(-1), 9)
  starts = blank.argmax(-1)
  # One contiguous run: the blanks are exactly start .. start + 8.
  expected = (np.arange(20) >= starts[:, None]) & (
      np.arange(20) < starts[:, None] + 9)
  np.testing.assert_array_equal(blank, expected)
  assert set(starts.tolist()) == set(range(1, 12))
  # Uniform: each of the 11 starts has probability 1/11; with 4,000 draws a
  # count's standard deviation is ~19, the tolerance 5 of them.
  counts = np.bincount(starts, minlength=12)[1:]
  assert np.all(np.abs(counts - 4_000 / 11) < 95), counts


@pytest.mark.parametrize("length", [2, 5, 13])
def test_contiguous_mask_stays_inside_shorter_sentences(length):
  present = np.asarray(maskgan.contiguous_mask(
      jax.random.PRNGKey(1), jnp.full((500,), length), 20, 0.5))
  blanks = int(maskgan.contiguous_length(length, 0.5))
  assert blanks == max(1, int(0.5 * length) - 1)
  np.testing.assert_array_equal((~present).sum(-1), blanks)
  assert present[:, 0].all()  # The first token is never blanked ...
  assert present[:, length:].all()  # ... nor the padding after the end.


def test_random_mask_blanks_each_sentence_token_at_the_rate():
  lengths = jnp.array([10] * 2_000 + [4] * 2_000)
  present = np.asarray(maskgan.random_mask(jax.random.PRNGKey(2), lengths,
                                           12, 0.7))
  inside = np.arange(12) < np.asarray(lengths)[:, None]
  assert present[~inside].all()
  # 28,000 Bernoulli(0.3) draws: standard deviation of the rate 0.0027;
  # tolerance 0.01.
  assert abs((~present[inside]).mean() - 0.3) < 0.01


def test_unknown_mask_mode_is_refused():
  with pytest.raises(ValueError, match="mask mode"):
    maskgan.make_mask(jax.random.PRNGKey(0), jnp.ones((2, 4), jnp.int32),
                      mode="span", present_rate=0.5, end_token=END)


def test_actor_critic_targets_by_hand():
  # gamma 0.5, T = 3, position 0 given: rewards [0, log s(0), log s(2)].
  logits = jnp.array([[4.0, 0.0, 2.0]])
  values = jnp.array([[0.0, -1.0, 0.5]])
  present = jnp.array([[True, False, False]])
  t = maskgan.actor_critic_targets(logits, values, present, discount=0.5,
                                   advantage_clip=0.6)
  r1, r2 = np.log(0.5), -np.log1p(np.exp(-2.0))
  np.testing.assert_allclose(t.rewards, [[0.0, r1, r2]], rtol=1e-6)
  returns = [0.5 * (r1 + 0.5 * r2), r1 + 0.5 * r2, r2]
  np.testing.assert_allclose(t.returns, [returns], rtol=1e-6)
  advantages = np.clip(np.array(returns) - [0.0, -1.0, 0.5], -0.6, 0.6)
  np.testing.assert_allclose(t.advantages, [advantages], rtol=1e-6)


def generator_and_tokens():
  generator = models.MaskedSeq2Seq(V, 8, 12, outputs=V, start_token=1,
                                   init_scale=0.5)
  tokens = jax.random.randint(jax.random.PRNGKey(0), (B, T), 3, V)
  tokens = tokens.at[:, -2].set(END).at[:, -1].set(0)
  present = maskgan.make_mask(jax.random.PRNGKey(1), tokens,
                              mode="contiguous", present_rate=0.5,
                              end_token=END)
  variables = generator.init(jax.random.PRNGKey(2), tokens, present, tokens)
  return generator, variables, tokens, present


def test_fill_keeps_given_tokens_and_its_log_probs_are_the_teacher_forced():
  generator, variables, tokens, present = generator_and_tokens()
  filled, log_p = maskgan.fill(generator, variables, jax.random.PRNGKey(3),
                               tokens, present)
  np.testing.assert_array_equal(np.where(present, filled, -1),
                                np.where(present, tokens, -1))
  assert (np.asarray(filled)[~np.asarray(present)] != np.asarray(tokens)[
      ~np.asarray(present)]).any()  # Something was generated.
  # The sampler's step function and the teacher-forced pass are one model.
  logits = generator.apply(variables, tokens, present, filled)
  teacher = jax.nn.log_softmax(logits)
  teacher = jnp.take_along_axis(teacher, filled[..., None], -1)[..., 0]
  np.testing.assert_allclose(log_p, teacher, rtol=1e-4, atol=1e-5)


def test_actor_objective_is_the_blank_average_of_advantage_times_log_prob():
  generator, variables, tokens, present = generator_and_tokens()
  filled, log_p = maskgan.fill(generator, variables, jax.random.PRNGKey(4),
                               tokens, present)
  advantages = jax.random.normal(jax.random.PRNGKey(5), (B, T))
  ctx = maskgan.core.Context(batch={"tokens": tokens, "present": present,
                                    "advantages": advantages},
                             key=None, samples=filled)
  loss, _ = maskgan.actor_objective(generator)(
      {maskgan.GENERATOR: variables}, ctx)
  blank = ~np.asarray(present)
  expected = -np.sum(np.asarray(advantages * log_p)[blank]) / blank.sum()
  np.testing.assert_allclose(loss, expected, rtol=1e-4)


def test_maskgan_step_updates_all_three_players_and_samples():
  # The MaskMLE optimizer has rate 0: the generator moves in the adversarial
  # step only through `actor_optimizer`.
  generator, _, tokens, _ = generator_and_tokens()
  discriminator = models.MaskedSeq2Seq(V, 8, 12, outputs=1, shift=False)
  algorithm = maskgan.make_maskgan(
      generator, discriminator, models.ValueHead(8),
      settings=maskgan.Settings(maskmle_steps=1, end_token=END),
      generator_optimizer=optax.adam(0.0), actor_optimizer=optax.adam(1e-2),
      discriminator_optimizer=optax.adam(1e-2),
      critic_optimizer=optax.adam(1e-2), length=T)
  batch = {"tokens": tokens}
  state = algorithm.init(jax.random.PRNGKey(0), batch)
  before = state.params
  names = [p.name for p in algorithm.phases]
  assert names == ["maskmle", "adversarial"]
  state, metrics = jax.jit(algorithm.phases[1].train_step)(
      state, batch, jax.random.PRNGKey(1))
  for name in (maskgan.GENERATOR, maskgan.DISCRIMINATOR, maskgan.CRITIC):
    changed = jax.tree.map(lambda a, b: bool(jnp.any(a != b)),
                           before[name], state.params[name])
    assert any(jax.tree.leaves(changed)), name
  assert float(metrics["generator/reward"]) < 0  # log D < 0.
  samples = algorithm.sample(state, jax.random.PRNGKey(2), 3)
  assert samples.shape == (3, T)

