"""AdaGAN (Tolstikhin et al. 2017): data weights, the phases, mixture
sampling."""
import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax

from gentk.algorithms import adagan
from gentk.models import mlp
from gentk.training import compile as compile_lib


def test_data_weights_solve_the_theorem_and_sum_to_one():
  rng = np.random.default_rng(0)
  h = rng.exponential(size=200).astype(np.float32)
  beta = 0.3
  w = np.asarray(adagan.data_weights(h, beta))
  assert abs(w.sum() - 1.0) < 1e-5 and np.all(w >= 0)
  # The form of Theorem 1: w_i = (lam - (1 - beta) h_i)_+ / (beta N).
  support = w > 0
  lam = np.mean(w[support] * beta * len(h) + (1 - beta) * h[support])
  np.testing.assert_allclose(
      w, np.maximum(lam - (1 - beta) * h, 0) / (beta * len(h)), atol=1e-6)
  # Points the mixture already over-covers (large h) lose their weight.
  assert w[np.argmax(h)] == 0.0 and w[np.argmin(h)] == w.max()
  # A mixture equal to the data (h = 1) keeps the uniform weights.
  np.testing.assert_allclose(adagan.data_weights(np.ones(50), 0.5),
                             np.full(50, 0.02), rtol=1e-5)


class Constant(nn.Module):
  """G(z) = c, a learnable point (identifies the mixture component)."""

  @nn.compact
  def __call__(self, z):
    c = self.param("c", nn.initializers.zeros, (2,))
    return jnp.broadcast_to(c, (z.shape[0], 2))


def _run(algorithm, data, key, phases=None):
  """The first `phases` phases of `algorithm` (all: None) in turn (the last
  5 steps long), on constant real batches; returns the final state."""
  state = algorithm.init(key, {"x": data[:8]})
  batch_fn = jax.tree_util.Partial(lambda k, s, num_batches=None:
                                   {"x": data[:8]})
  for i, phase in enumerate(algorithm.phases[:phases]):
    n = phase.num_steps or 5
    cs = compile_lib.compile_step(phase, data_fn=batch_fn, phase_index=i,
                                  steps_per_call=n)
    state, _, failure = cs.step_fn(cs.put(state), key)
    assert int(failure.step) == -1
  return state


def test_rounds_build_the_mixture_and_sampling_follows_its_weights():
  """beta = 0.4 over 3 rounds: mixture weights ((1 - b)^2, b (1 - b), b) =
  (0.36, 0.24, 0.4); 20,000 samples pick each component within 4 binomial
  standard errors (<= 0.0139)."""
  data = jax.random.normal(jax.random.PRNGKey(0), (64, 2))
  algorithm = adagan.make_adagan(
      Constant(), mlp.MLP(hidden=(8,), out=1, squeeze_out=True),
      latent_dim=2, data=data, batch_size=8, num_rounds=3, round_steps=4,
      ratio_steps=3, generator_optimizer=optax.sgd(0.0),
      discriminator_optimizer=optax.adam(1e-2), beta=0.4)
  assert [p.name for p in algorithm.phases] == [
      "round_1", "ratio_2", "reweight_2", "round_2", "ratio_3", "reweight_3",
      "round_3"]
  state = _run(algorithm, data, jax.random.PRNGKey(1))
  expected = np.array([0.36, 0.24, 0.4])
  np.testing.assert_allclose(state.extras[adagan.MIXTURE], expected,
                             rtol=1e-6)
  weights = np.asarray(state.extras[adagan.WEIGHTS])
  assert abs(weights.sum() - 1) < 1e-5 and weights.std() > 0  # Reweighted.
  params = dict(state.params)
  for t in range(1, 4):  # Component t outputs (t, 0).
    params[adagan.generator_name(t)] = {"params": {"c": jnp.array([t, 0.])}}
  samples = algorithm.sample(state.replace(params=params),
                             jax.random.PRNGKey(2), 20_000)
  freq = np.bincount(np.asarray(samples[:, 0]).astype(int), minlength=4)[1:]
  freq = freq / 20_000
  se = np.sqrt(expected * (1 - expected) / 20_000)
  assert np.all(np.abs(freq - expected) < 4 * se), (freq, expected)


def _small_adagan(data, generator, **kwargs):
  return adagan.make_adagan(
      generator, mlp.MLP(hidden=(8,), out=1, squeeze_out=True),
      latent_dim=2, data=data, batch_size=8, num_rounds=3, round_steps=4,
      ratio_steps=3, generator_optimizer=optax.adam(1e-2),
      discriminator_optimizer=optax.adam(1e-2), **kwargs)


def test_points_by_index_train_as_the_array_does():
  """The same N points as an array and as `Points` (an index lookup), and
  the density ratio read off in chunks of 10 of the 64 points (the last
  chunk wrapping around): the same run to float rounding."""
  data = jax.random.normal(jax.random.PRNGKey(0), (64, 2))
  points = adagan.Points(64, lambda i: data[i])
  key = jax.random.PRNGKey(1)
  generator = mlp.MLP(hidden=(8,), out=2)
  base = _run(_small_adagan(data, generator), data, key)
  chunked = _run(_small_adagan(points, generator, score_chunk=10), data, key)
  assert np.asarray(base.extras[adagan.WEIGHTS]).std() > 0  # Reweighted.
  jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, atol=1e-5),
               base.extras, chunked.extras)
  jax.tree.map(lambda a, b: np.testing.assert_allclose(a, b, atol=1e-5),
               base.params, chunked.params)


class NormalisedGenerator(nn.Module):
  """A generator with batch normalisation (a mutable collection)."""

  @nn.compact
  def __call__(self, z, *, train: bool = True):
    h = nn.Dense(8)(z)
    h = nn.BatchNorm(use_running_average=not train, momentum=0.5)(h)
    return nn.Dense(2)(nn.relu(h))


class NormalisedDiscriminator(nn.Module):
  """A discriminator with batch normalisation."""

  @nn.compact
  def __call__(self, x, *, train: bool = True):
    h = nn.BatchNorm(use_running_average=not train, momentum=0.5)(
        nn.Dense(8)(x))
    return nn.Dense(1)(nn.relu(h))[:, 0]


def test_players_with_batch_norm_keep_their_own_running_averages():
  """Each generator's running averages move in its own round only, the
  mixture samples in inference mode, and the batch-normalised
  discriminator's averages restart with it and follow the real batches."""
  data = 3.0 + jax.random.normal(jax.random.PRNGKey(0), (64, 2))
  algorithm = adagan.make_adagan(
      NormalisedGenerator(), NormalisedDiscriminator(), latent_dim=2,
      data=data, batch_size=8, num_rounds=3, round_steps=4, ratio_steps=3,
      generator_optimizer=optax.adam(1e-2),
      discriminator_optimizer=optax.adam(1e-2))
  key = jax.random.PRNGKey(1)
  snapshot = lambda s: jax.tree.map(np.array, s)
  initial = snapshot(algorithm.init(key, {"x": data[:8]}))
  stats = lambda s, t: s.collections[adagan.generator_name(t)]["batch_stats"]
  # After round 1 alone, generators 2 and 3 keep their initial averages.
  cs = compile_lib.compile_step(
      algorithm.phases[0], data_fn=jax.tree_util.Partial(
          lambda k, s, num_batches=None: {"x": data[:8]}),
      phase_index=0, steps_per_call=4)
  after_1 = snapshot(cs.step_fn(cs.put(algorithm.init(key, {"x": data[:8]})),
                                key)[0])
  changed = lambda a, b: all(jax.tree.leaves(jax.tree.map(
      lambda x, y: bool(np.any(x != y)), a, b)))
  assert changed(stats(initial, 1), stats(after_1, 1))
  for t in (2, 3):
    assert not changed(stats(initial, t), stats(after_1, t)), t
  state = _run(algorithm, data, key)
  for t in (1, 2, 3):  # Every round moved its own.
    assert changed(stats(initial, t), stats(state, t)), t
  # The discriminator's averages restart with it (each ratio phase and each
  # round: mean 0, variance 1 on entering round 3) and then follow the real
  # batches.
  bn = lambda s: s.collections[adagan.DISCRIMINATOR]["batch_stats"][
      "BatchNorm_0"]
  assert algorithm.phases[6].name == "round_3"
  reset = bn(compile_lib.entered(
      algorithm.phases[6].on_enter,
      compile_lib.enter_phase(_run(algorithm, data, key, phases=6), 6), key))
  np.testing.assert_array_equal(reset["mean"], 0.0)
  np.testing.assert_array_equal(reset["var"], 1.0)
  assert np.all(np.abs(bn(state)["mean"]) > 1e-3)
  # Inference mode: one sample at a time, batch statistics would map every
  # z of a component to the same point (a batch of one normalises to 0);
  # the running averages keep the samples distinct.
  samples = np.concatenate([algorithm.sample(state, jax.random.PRNGKey(i), 1)
                            for i in range(10)])
  assert np.all(np.isfinite(samples))
  assert len(np.unique(samples.round(5), axis=0)) == 10
