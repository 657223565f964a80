"""Tests for gentk.algorithms.bgan (the discrete boundary-seeking GAN), on a
tiny model whose 8 states can be enumerated: 3 independent Bernoulli pixels,
the critic a table over the states."""
import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from gentk.algorithms import bgan
from gentk.algorithms import core
from gentk.estimators import score_function

PIXELS = 3
STATES = jnp.array([[(s >> i) & 1 for i in range(PIXELS)]
                    for s in range(2 ** PIXELS)], jnp.float32)  # [8, 3]
P_DATA = jnp.array([0.30, 0.05, 0.10, 0.05, 0.20, 0.05, 0.05, 0.20])


class Logits(nn.Module):
  """g(x|z) = prod Bern(x_i; sigmoid(l_i)), the same for every z."""

  @nn.compact
  def __call__(self, z):
    logits = self.param("logits", lambda k: jnp.array([0.4, -0.3, 0.8]))
    return jnp.broadcast_to(logits, (z.shape[0], PIXELS))


class TableCritic(nn.Module):
  """V(x) = table[state of x]."""

  @nn.compact
  def __call__(self, x):
    table = self.param("table", nn.initializers.zeros, (2 ** PIXELS,))
    index = jnp.sum(x * 2 ** jnp.arange(PIXELS), axis=-1).astype(jnp.int32)
    return table[index]


GEN_PARAMS = Logits().init(jax.random.PRNGKey(0), jnp.zeros((1, 1)))


def log_g(params):
  """log g(x) of the 8 states."""
  logits = params["params"]["logits"]
  return score_function.bernoulli_log_prob(logits, STATES)


def optimal_critic(params):
  """The GAN-divergence critic at its optimum: V*(x) = log p(x)/g(x)."""
  return {"params": {"table": jnp.log(P_DATA) - log_g(params)}}


def generator_gradient(game, key, num_codes, params=GEN_PARAMS):
  def loss(p):
    z = jnp.zeros((num_codes, 1))
    ctx = core.Context(batch=None, key=key, samples=Logits().apply(p, z))
    return game.generator_loss(optimal_critic(params), ctx)[0]
  return jax.grad(loss)(params)["params"]["logits"]


def test_self_normalised_weights_target_the_data_at_the_optimal_critic():
  # With V = log p/g the normalised weights estimate p/g, so the importance
  # estimator's gradient -> -grad E_p[log g(x)] = -sum_x p(x) grad log g(x)
  # (bias O(1/M)). M = 4,000 samples per code, 8 codes: the estimate's
  # spread over keys is 0.003 per coordinate (measured, 6 keys) for
  # gradients of 0.03-0.25; tolerance 0.02.
  game = bgan.bgan_game(TableCritic(), None, num_samples=4_000,
                        estimator="importance")
  grad = generator_gradient(game, jax.random.PRNGKey(1), num_codes=8)
  expected = -jax.grad(lambda p: jnp.sum(P_DATA * log_g(p)))(
      GEN_PARAMS)["params"]["logits"]
  np.testing.assert_allclose(grad, expected, atol=0.02)


def test_centred_weights_keep_the_gradient_and_cut_its_variance():
  # Centred weights target the same gradient (as above, tolerance 0.02) and
  # drop the zero-mean term (1/M) sum_m grad log g(x_m): with M = 20 and 8
  # codes, the ratio of their total variances over 64 keys is 0.38 (0.35-0.43
  # over four sets of keys, measured); bound 0.65, four standard errors of
  # a variance ratio with ~190 degrees of freedom a side.
  def spread(centred):
    game = bgan.bgan_game(TableCritic(), None, num_samples=20,
                          estimator="importance", centred=centred)
    gradient = jax.jit(lambda key: generator_gradient(game, key, 8))
    return np.stack([gradient(jax.random.PRNGKey(k)) for k in range(64)])
  plain, centred = spread(False), spread(True)
  expected = -jax.grad(lambda p: jnp.sum(P_DATA * log_g(p)))(
      GEN_PARAMS)["params"]["logits"]
  game = bgan.bgan_game(TableCritic(), None, num_samples=4_000,
                        estimator="importance", centred=True)
  np.testing.assert_allclose(
      generator_gradient(game, jax.random.PRNGKey(1), num_codes=8), expected,
      atol=0.02)
  ratio = centred.var(axis=0).sum() / plain.var(axis=0).sum()
  assert ratio < 0.65, ratio


def test_reinforce_gradient_matches_the_kl_gradient_by_enumeration():
  # Reward log w = log p/g, leave-one-out baseline: unbiased for
  # E[grad loss] = grad KL(g || p) (the baseline adds no bias). 2,000 codes x
  # M = 4 per key: spread 0.004 per coordinate over keys (measured), so the
  # 4-key mean has a standard error of ~0.002; tolerance 0.02 (the gradient's
  # coordinates are 0.09-0.23).
  game = bgan.bgan_game(TableCritic(), None, num_samples=4,
                        estimator="reinforce")
  grads = [generator_gradient(game, jax.random.PRNGKey(k), num_codes=2_000)
           for k in range(4)]

  def kl(p):
    q = jnp.exp(log_g(p))
    return jnp.sum(q * (log_g(p) - jnp.log(P_DATA)))
  expected = jax.grad(kl)(GEN_PARAMS)["params"]["logits"]
  np.testing.assert_allclose(np.mean(grads, axis=0), expected, atol=0.02)


def test_importance_weights_are_uniform_when_the_generator_is_the_data():
  # p = g: V* = 0 for every state, so every group's weights are 1/M and the
  # effective sample size is M exactly.
  log_w = jnp.zeros((5, 3))
  _, metrics = bgan.generator_surrogate(jnp.ones((5, 3)), log_w,
                                        estimator="importance")
  assert float(metrics["ess"]) == pytest.approx(5.0)


def test_gradient_moments_match_a_direct_computation():
  game = bgan.bgan_game(TableCritic(), None, num_samples=3,
                        estimator="importance")
  params = {"generator": GEN_PARAMS, "discriminator": optimal_critic(
      GEN_PARAMS)}
  key = jax.random.PRNGKey(3)
  moments = bgan.gradient_moments(Logits(), game, params, None, key,
                                  batch_size=4, latent_dim=1, num_draws=50)
  # The same draws by hand: gradient_moments splits the key into codes and
  # draws, and z is irrelevant to this generator.
  _, key_draws = jax.random.split(key)
  grads = np.stack([generator_gradient(game, k, num_codes=4)
                    for k in jax.random.split(key_draws, 50)])
  np.testing.assert_allclose(moments["total_variance"],
                             grads.var(axis=0, ddof=1).sum(), rtol=1e-4)
  np.testing.assert_allclose(moments["mean_sq_norm"],
                             np.sum(grads.mean(axis=0) ** 2), rtol=1e-4)


def test_make_bgan_trains_and_samples_binary_images():
  algorithm = bgan.make_bgan(
      Logits(), TableCritic(), latent_dim=1, num_samples=4,
      generator_optimizer=optax.adam(1e-2),
      discriminator_optimizer=optax.adam(1e-2))
  real = STATES[jax.random.categorical(jax.random.PRNGKey(0),
                                       jnp.log(P_DATA), shape=(16,))]
  batch = {"x": real[:, None]}
  state = algorithm.init(jax.random.PRNGKey(1), batch)
  step = jax.jit(algorithm.phases[-1].train_step)
  for i in range(3):
    state, metrics = step(state, batch, jax.random.PRNGKey(i))
  assert np.isfinite(float(metrics["generator/loss"]))
  samples = algorithm.sample(state, jax.random.PRNGKey(5), 10)
  assert samples.shape == (10, PIXELS)
  assert set(np.unique(samples)) <= {0.0, 1.0}


def test_unknown_estimator_and_too_few_samples_are_refused():
  with pytest.raises(ValueError, match="estimator"):
    bgan.bgan_game(TableCritic(), None, num_samples=4, estimator="gumbel")
  with pytest.raises(ValueError, match="M"):
    bgan.bgan_game(TableCritic(), None, num_samples=1)
  with pytest.raises(ValueError, match="centred"):
    bgan.bgan_game(TableCritic(), None, num_samples=4, estimator="reinforce",
                   centred=True)
