"""InfoGAN: the shared D/Q body, the information term against a hand
computation, the code sweep, the best-permutation accuracy, and a short
training run whose codes become recoverable."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import optax

from gentk.algorithms import adversarial as adversarial_lib
from gentk.algorithms import adversarial
from gentk.algorithms import infogan
from gentk.models import image_mlp

SPEC = infogan.CodeSpec(categories=(3,), num_continuous=2)
KEY = jax.random.PRNGKey(0)


def _discriminator(spec=SPEC):
  return image_mlp.InfoDiscriminator(hidden=(8,), q_hidden=5,
                                     q_out=spec.q_size)


def _log_softmax(x):
  x = x - x.max(-1, keepdims=True)
  return x - np.log(np.exp(x).sum(-1, keepdims=True))


def _softplus(x):
  return np.log1p(np.exp(x))


def test_q_head_shares_the_discriminator_body():
  d = _discriminator()
  x = jax.random.normal(KEY, (4, 6))
  params = d.init(KEY, x)
  grads = [jax.grad(lambda p, i=i: jnp.sum(d.apply(p, x)[i]))(params)
           for i in (0, 1)]  # d logit / d params, d q / d params.
  body = lambda g: np.abs(g["params"]["Dense_0"]["kernel"]).sum()
  # Both heads depend on the body; each head's own weights only on itself.
  assert body(grads[0]) > 0 and body(grads[1]) > 0
  assert np.abs(grads[0]["params"]["q_head"]["kernel"]).sum() == 0
  assert np.abs(grads[1]["params"]["d_head"]["kernel"]).sum() == 0
  assert set(params["params"]) == {"Dense_0", "d_head", "q_hidden", "q_head"}


def test_split_q_with_learned_std():
  spec = infogan.CodeSpec(categories=(3, 2), num_continuous=2, learn_std=True)
  assert spec.q_size == 3 + 2 + 2 * 2 and spec.input_size == 7
  q = jnp.arange(9.0)[None]
  p = infogan.split_q(q, spec)
  np.testing.assert_array_equal(p.categorical_logits, [[0, 1, 2, 3, 4]])
  np.testing.assert_array_equal(p.continuous_mean, [[5, 6]])
  np.testing.assert_array_equal(p.continuous_log_std, [[7, 8]])
  assert infogan.split_q(q[:, :7], SPEC._replace(categories=(3, 2)
                                                 )).continuous_log_std is None


def test_latent_layout_is_noise_then_one_hot_then_continuous():
  inputs, codes = infogan.infogan_latent(4, SPEC)(KEY, 5)
  assert inputs.shape == (5, 4 + 3 + 2)
  np.testing.assert_array_equal(
      inputs[:, 4:7], np.eye(3)[np.asarray(codes.categorical[:, 0])])
  np.testing.assert_array_equal(inputs[:, 7:], codes.continuous)
  assert np.all(np.abs(codes.continuous) <= 1.0)


def test_losses_equal_gan_cost_minus_weighted_code_log_likelihood():
  """log Q(c|x) by hand: log softmax(q_cat)_c + sum_d log N(c_d; mu_d, 1)."""
  d = _discriminator()
  real = jax.random.normal(jax.random.PRNGKey(1), (6, 6))
  fake = jax.random.normal(jax.random.PRNGKey(2), (6, 6))
  _, codes = infogan.infogan_latent(4, SPEC)(jax.random.PRNGKey(3), 6)
  params = d.init(KEY, real)
  lam_cat, lam_cont = 1.0, 0.1
  game = infogan.infogan_game(d, infogan.infogan_latent(4, SPEC), SPEC,
                              categorical_weight=lam_cat,
                              continuous_weight=lam_cont)
  d_loss, d_metrics = game.discriminator_loss(params,
      adversarial_lib.context(real, fake, codes=codes, key=KEY))
  g_loss, g_metrics = game.generator_loss(params,
      adversarial_lib.context(None, fake, codes=codes, key=KEY))

  real_logit, _ = map(np.asarray, d.apply(params, real))
  fake_logit, q = map(np.asarray, d.apply(params, fake))
  c, u = np.asarray(codes.categorical[:, 0]), np.asarray(codes.continuous)
  log_q_cat = _log_softmax(q[:, :3])[np.arange(6), c]
  log_q_cont = np.sum(-0.5 * (u - q[:, 3:]) ** 2 - 0.5 * math.log(2 * math.pi),
                      axis=1)
  info = -np.mean(lam_cat * log_q_cat + lam_cont * log_q_cont)
  d_gan = np.mean(_softplus(-real_logit)) + np.mean(_softplus(fake_logit))
  g_gan = np.mean(_softplus(-fake_logit))  # Non-saturating -log D(G(z)).
  np.testing.assert_allclose(d_loss, d_gan + info, rtol=1e-5)
  np.testing.assert_allclose(g_loss, g_gan + info, rtol=1e-5)
  # L_I = E log Q(c|x) + H(c), H(c) = log 3 + 2 log 2 (U[-1, 1]^2).
  bound = np.mean(log_q_cat + log_q_cont) + math.log(3) + 2 * math.log(2)
  np.testing.assert_allclose(d_metrics["mi_lower_bound"], bound, rtol=1e-5)
  np.testing.assert_allclose(g_metrics["code_accuracy"],
                             np.mean(q[:, :3].argmax(1) == c))


def test_categorical_sweep_rows_are_code_values_columns_share_the_rest():
  inputs, codes = infogan.categorical_sweep(KEY, noise_dim=4, num_columns=5,
                                            spec=SPEC)
  assert inputs.shape == (15, 9)
  np.testing.assert_array_equal(codes.categorical[:, 0],
                                np.repeat(np.arange(3), 5))
  grid = np.asarray(inputs).reshape(3, 5, 9)
  np.testing.assert_array_equal(grid[1, :, :4], grid[0, :, :4])  # Same z.
  np.testing.assert_array_equal(grid[2, :, 7:], grid[0, :, 7:])  # Same c_cont.
  np.testing.assert_array_equal(grid[2, :, 4:7], np.tile([0, 0, 1], (5, 1)))


def test_confusion_matrix_counts():
  confusion = infogan.confusion_matrix([0, 0, 1, 2, 2, 2], [1, 1, 0, 2, 2, 0],
                                       num_codes=3, num_classes=3)
  np.testing.assert_array_equal(confusion, [[0, 2, 0], [1, 0, 0], [1, 0, 2]])


def test_permutation_accuracy_beats_greedy_and_handles_extra_codes():
  # Greedy (largest entry first) takes 3 + 0; the best assignment 2 + 3.
  accuracy, assignment = infogan.permutation_accuracy([[3, 2], [3, 0]])
  assert accuracy == 5 / 8
  np.testing.assert_array_equal(assignment, [1, 0])
  # A permuted diagonal: codes (0, 1, 2) -> labels (1, 0, 2), 12 of 14.
  accuracy, assignment = infogan.permutation_accuracy(
      [[0, 5, 1], [4, 0, 0], [0, 1, 3]])
  assert accuracy == 12 / 14
  np.testing.assert_array_equal(assignment, [1, 0, 2])
  # Three codes, two labels: one code stays unassigned (its examples wrong).
  accuracy, assignment = infogan.permutation_accuracy([[4, 0], [3, 1], [0, 2]])
  assert accuracy == 6 / 10
  np.testing.assert_array_equal(assignment, [0, -1, 1])


def test_codes_become_recoverable_in_a_short_run():
  """200 steps on 8x8 noise images: G and Q cooperate, so Q recovers the
  3-way code from G(z, c) far above chance (1/3); untrained, it is at chance."""
  spec = infogan.CodeSpec(categories=(3,), num_continuous=1)
  generator = image_mlp.MLPGenerator(hidden=(16,), out_shape=(8, 8, 1))
  algorithm = infogan.make_infogan(
      generator, _discriminator(spec), noise_dim=4, spec=spec,
      generator_optimizer=optax.adam(2e-3, b1=0.5),
      discriminator_optimizer=optax.adam(2e-3, b1=0.5))
  data = jax.random.uniform(jax.random.PRNGKey(5), (256, 1, 8, 8, 1))
  batch_fn = lambda step: {"x": data[jax.random.randint(
      jax.random.fold_in(KEY, step), (32,), 0, 256)]}
  state = jax.jit(algorithm.init)(KEY, batch_fn(0))

  @jax.jit
  def run(state):
    def body(s, _):
      return algorithm.train_step(s, batch_fn(s.step), KEY)
    return jax.lax.scan(body, state, None, length=200)

  _, metrics = run(state)
  first = float(np.mean(metrics["generator/code_accuracy"][:10]))
  last = float(np.mean(metrics["generator/code_accuracy"][-20:]))
  # 20 steps x 32 samples = 640 codes; at chance the SE is 0.019, so 0.8 is
  # far outside chance and first < 0.6 would be unusual for random Q.
  assert first < 0.6, first
  assert last > 0.8, last
  assert float(metrics["generator/mi_lower_bound"][-20:].mean()) > float(
      metrics["generator/mi_lower_bound"][:10].mean())


def test_batch_normalised_body_trains_and_evaluates_on_running_averages():
  """With `batch_norm`, every layer but the first is normalised: in train
  mode an example's output depends on its batch, in eval mode it does not,
  and the core keeps the running averages it tracks on real batches."""
  d = image_mlp.InfoDiscriminator(hidden=(8, 8), q_hidden=5,
                                  q_out=SPEC.q_size, batch_norm=True)
  x = jax.random.normal(KEY, (6, 6))
  variables = d.init(KEY, x)
  assert set(variables) == {"params", "batch_stats"}
  # Dense_1, q_hidden: normalised; Dense_0 (first) and the heads: not.
  assert len(variables["batch_stats"]) == 2
  train = lambda v, b: d.apply(v, b, train=True, mutable=["batch_stats"])[0]
  alone, in_batch = train(variables, x[:3])[1], train(variables, x)[1][:3]
  assert np.abs(np.asarray(alone) - np.asarray(in_batch)).max() > 1e-3
  evaluate = lambda b: np.asarray(d.apply(variables, b, train=False)[1])
  np.testing.assert_allclose(evaluate(x[:3]), evaluate(x)[:3], rtol=1e-5)

  generator = image_mlp.MLPGenerator(hidden=(16,), out_shape=(6,))
  algorithm = infogan.make_infogan(
      generator, d, noise_dim=4, spec=SPEC,
      generator_optimizer=optax.adam(1e-3),
      discriminator_optimizer=optax.adam(1e-3))
  batch = {"x": jax.random.normal(KEY, (16, 1, 6)) + 3.0}
  state = algorithm.init(KEY, batch)
  before = state.collections[adversarial.DISCRIMINATOR]
  state, metrics = jax.jit(algorithm.train_step)(state, batch, KEY)
  after = state.collections[adversarial.DISCRIMINATOR]
  assert np.isfinite(float(metrics["discriminator/loss"]))
  # The first normalised layer's running mean moved towards the real batch's.
  moved = jax.tree.map(lambda a, b: float(np.abs(a - b).max()), before, after)
  assert max(jax.tree.leaves(moved)) > 0
  variables = adversarial.player_variables(state, adversarial.DISCRIMINATOR)
  assert set(variables) == {"params", "batch_stats"}
  # Eval mode on the tracked running averages, as the recipe's code accuracy.
  _, q = d.apply(variables, batch["x"][:, 0], train=False)
  assert q.shape == (16, SPEC.q_size) and np.all(np.isfinite(q))
