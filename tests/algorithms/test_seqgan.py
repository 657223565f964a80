"""Tests for gentk.algorithms.seqgan (tiny models on synthetic sequences)."""
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from gentk.algorithms import seqgan
from gentk.estimators import categorical
from gentk.models import lstm
from gentk.training import loop
from gentk.training.compile import by_hand
from tests.algorithms import seqgan_util as util


def test_phases_batches_and_the_mle_baseline():
  phases = util.algorithm().phases
  per_d_step = util.SCHEDULE.updates_per_d_step(util.B)
  assert per_d_step == 2  # 1 epoch of 32 negatives in batches of 16.
  assert [(p.name, p.num_steps, p.num_batches) for p in phases] == [
      ("mle", 30, None), ("discriminator_pretraining", 4, per_d_step),
      ("adversarial", None, 2 * per_d_step)]
  baseline = util.algorithm(method="mle").phases
  assert [(p.name, p.num_steps) for p in baseline] == [("mle", None)]
  no_pretraining = util.algorithm(util.SCHEDULE._replace(pretrain_rounds=0))
  assert [p.name for p in no_pretraining.phases] == ["mle", "adversarial"]
  with pytest.raises(ValueError, match="method"):
    util.algorithm(method="maskgan")


def _run_phase(algorithm, state, index, steps, data_fn, key=0):
  phase = algorithm.phases[index]
  step = jax.jit(by_hand(phase, index))  # As the runtime takes it.
  for _ in range(steps):
    batch = data_fn(jax.random.PRNGKey(key), state.step, phase.num_batches)
    state, metrics = step(state, batch, jax.random.PRNGKey(key + 1))
  return state, metrics


def test_steps_advance_the_step_and_beta_is_the_delayed_copy():
  algorithm, data_fn = util.algorithm(), util.data_fn()
  state = algorithm.init(jax.random.PRNGKey(0),
                         data_fn(jax.random.PRNGKey(0), 0))
  state, _ = _run_phase(algorithm, state, 0, 3, data_fn)
  assert int(state.step) == 3
  chex_equal = lambda a, b: jax.tree.map(np.testing.assert_array_equal, a, b)
  chex_equal(state.extras[seqgan.ROLLOUT], state.params[seqgan.GENERATOR])
  before = state
  state, metrics = _run_phase(algorithm, state, 2, 1, data_fn)
  assert int(state.step) == 4
  # Entering the adversarial phase (phase_step 0) restarts the generator's
  # Adam: its step count is 1 after one update (3 MLE updates before).
  counts = lambda s: {int(l) for l in jax.tree.leaves(
      s.opt_state[seqgan.GENERATOR]) if l.ndim == 0}
  assert counts(before) == {3} and counts(state) == {1}
  assert set(metrics) >= {"generator/q", "generator/reward",
                          "discriminator/accuracy"}
  rate = util.SCHEDULE.rollout_rate
  expected = jax.tree.map(lambda b, t: rate * b + (1 - rate) * t,
                          before.extras[seqgan.ROLLOUT],
                          state.params[seqgan.GENERATOR])
  jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-6),
               state.extras[seqgan.ROLLOUT], expected)
  assert not np.allclose(
      state.params[seqgan.GENERATOR]["params"]["output_bias"],
      before.params[seqgan.GENERATOR]["params"]["output_bias"])


def test_policy_gradient_surrogate_matches_the_enumerated_gradient():
  r"""With exact action values Q, E_Y[grad of the objective at Y] equals
  -(1/T) grad E_Y[R(Y)], both enumerated over all V^T sequences (V = 3,
  T = 3); float32 tolerance."""
  v, t = 3, 3
  generator = lstm.LSTMLanguageModel(v, 4, 4, start_token=0, init_scale=0.7)
  every = jnp.asarray(list(itertools.product(range(v), repeat=t)))
  params = generator.init(jax.random.PRNGKey(0), every)
  reward = jax.random.uniform(jax.random.PRNGKey(1), (every.shape[0],))

  def log_p_tokens(p):
    return categorical.categorical_log_prob(generator.apply(p, every), every)

  def expected_reward(p):
    return jnp.sum(jnp.exp(log_p_tokens(p).sum(-1)) * reward)

  log_p = np.asarray(log_p_tokens(params), np.float64)
  prob = np.exp(log_p.sum(-1))
  # Q(Y_{1:s}) = E[R | Y_{1:s}] by enumeration: sum over sequences sharing
  # the prefix, weighted by their probability, over the prefix probability.
  q = np.zeros((every.shape[0], t))
  for s in range(1, t + 1):
    prefix = np.asarray(every[:, :s]) @ (v ** np.arange(s)[::-1])
    mass = np.bincount(prefix, prob * np.asarray(reward))
    norm = np.bincount(prefix, prob)
    q[:, s - 1] = mass[prefix] / norm[prefix]
  objective = seqgan.policy_gradient_objective(generator)

  def loss_at(p, tokens, q_row):
    ctx = seqgan.core.Context(batch={"tokens": tokens[None],
                                     "q": q_row[None]}, key=None)
    return objective({seqgan.GENERATOR: p}, ctx)[0]

  per_sequence = jax.vmap(jax.grad(loss_at), in_axes=(None, 0, 0))(
      params, every, jnp.asarray(q, jnp.float32))
  surrogate = jax.tree.map(
      lambda g: jnp.tensordot(jnp.asarray(prob, jnp.float32), g, axes=1),
      per_sequence)
  exact = jax.tree.map(lambda g: -g / t, jax.grad(expected_reward)(params))
  jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, rtol=2e-4,
                                                       atol=2e-6),
               surrogate, exact)


def test_mle_phase_learns_the_counting_language():
  """The MLE phase alone: after 150 steps the per-token NLL of the data is
  far below uniform (log 12 = 2.48). The language's entropy is log(10)/6 =
  0.38 nats per token; median over 3 seeds below 1.0 (a wide margin: seeds
  reach ~0.5)."""
  algorithm, data_fn = util.algorithm(method="mle"), util.data_fn()
  finals = []
  for seed in range(3):
    state = algorithm.init(jax.random.PRNGKey(seed),
                           data_fn(jax.random.PRNGKey(0), 0))
    state, metrics = _run_phase(algorithm, state, 0, 150, data_fn, key=seed)
    finals.append(float(metrics["generator/nll"]))
  assert np.median(finals) < 1.0, finals


def test_discriminator_pretraining_separates_data_from_the_generator():
  """Against the untrained (near-uniform) generator, 12 d-steps (192
  updates) bring the discriminator's mean training accuracy in the last
  d-step (dropout on) above 0.8, median of 3 seeds (measured 0.65-0.78 after
  6 d-steps and still rising; counting sequences are easy to tell from
  uniform ones)."""
  schedule = util.SCHEDULE._replace(mle_steps=0, d_epochs=4, num_negatives=64)
  algorithm, data_fn = util.algorithm(schedule), util.data_fn()
  accuracies = []
  for seed in range(3):
    state = algorithm.init(jax.random.PRNGKey(seed), data_fn(
        jax.random.PRNGKey(0), 0, algorithm.phases[0].num_batches))
    _, metrics = _run_phase(algorithm, state, 0, 12, data_fn, key=seed)
    accuracies.append(float(metrics["discriminator/accuracy"]))
  assert np.median(accuracies) > 0.8, accuracies


def test_sample_tokens_in_chunks():
  """Chunked sampling returns exactly `num` rows (the last chunk cut), tokens
  of the vocabulary, and different rows per chunk (each chunk its own key)."""
  generator, _ = util.modules()
  params = generator.init(jax.random.PRNGKey(0), jnp.zeros((1, util.T),
                                                           jnp.int32))
  chunked = np.asarray(seqgan.sample_tokens(
      generator, params, jax.random.PRNGKey(1), 10, length=util.T, chunk=4))
  assert chunked.shape == (10, util.T)
  assert chunked.min() >= 0 and chunked.max() < util.V
  assert not np.array_equal(chunked[:4], chunked[4:8])


def test_mle_baseline_shares_the_pretraining(tmp_path):
  """A SeqGAN run cut at the end of MLE pre-training and the MLE baseline of
  the same length end in the same state (same init, data and keys)."""
  steps = util.SCHEDULE.mle_steps
  cut = loop.train(util.config(steps), tmp_path / "seqgan", util.experiment())
  baseline = loop.train(util.config(steps), tmp_path / "mle",
                        util.experiment(method="mle"))
  assert cut["state_sha256"] == baseline["state_sha256"]


def test_policy_gradient_optimizer_drives_the_adversarial_phase():
  """With a policy-gradient Adam of rate 0 the adversarial step leaves the
  generator as it was (the discriminator still trains)."""
  frozen = optax.chain(optax.clip_by_global_norm(5.0), optax.adam(0.0))
  algorithm = util.algorithm(policy_gradient_optimizer=frozen)
  data_fn = util.data_fn()
  state = algorithm.init(jax.random.PRNGKey(0),
                         data_fn(jax.random.PRNGKey(0), 0))
  after, _ = _run_phase(algorithm, state, 2, 1, data_fn)
  jax.tree.map(np.testing.assert_array_equal,
               after.params[seqgan.GENERATOR], state.params[seqgan.GENERATOR])
  assert not np.allclose(
      after.params[seqgan.DISCRIMINATOR]["params"]["output"]["kernel"],
      state.params[seqgan.DISCRIMINATOR]["params"]["output"]["kernel"])


def test_bgan_method_weighs_groups_of_samples_instead_of_rollouts():
  schedule = util.SCHEDULE._replace(bgan_samples=3)
  algorithm, data_fn = util.algorithm(schedule, method="bgan"), util.data_fn()
  assert [p.name for p in algorithm.phases] == [
      "mle", "discriminator_pretraining", "adversarial"]
  state = algorithm.init(jax.random.PRNGKey(0),
                         data_fn(jax.random.PRNGKey(0), 0))
  before = state.params[seqgan.GENERATOR]
  state, metrics = _run_phase(algorithm, state, 2, 1, data_fn)
  # Groups of M = 3: the effective sample size lies in [1, 3].
  assert 1.0 <= float(metrics["generator/ess"]) <= 3.0
  assert "generator/q" not in metrics  # No rollouts.
  assert not np.allclose(state.params[seqgan.GENERATOR]["params"]["bias"],
                         before["params"]["bias"])
  with pytest.raises(ValueError, match="estimator"):
    util.algorithm(method="bgan", bgan_estimator="gumbel")


def test_bgan_objective_with_equal_weights_is_the_mean_nll_per_token():
  # w~ = 1/M in every group: the loss is -(1/T) mean_groups mean_m log G(Y).
  generator, _ = util.modules()
  tokens = util.counting_sequences(6).reshape(3, 2, util.T)
  variables = generator.init(jax.random.PRNGKey(0), tokens[0])
  ctx = seqgan.core.Context(batch={"tokens": tokens,
                                   "log_w": jnp.zeros((3, 2))}, key=None)
  loss, _ = seqgan.bgan_objective(generator, estimator="importance")(
      {seqgan.GENERATOR: variables}, ctx)
  flat = tokens.reshape(6, util.T)
  log_p = categorical.categorical_log_prob(generator.apply(variables, flat),
                                           flat)
  np.testing.assert_allclose(loss, -log_p.sum(-1).mean() / util.T,
                             rtol=1e-5)
