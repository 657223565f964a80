"""The mixture GAN's `bn_maxout` players: a batch-normalised generator
whose running statistics train and serve sampling, a maxout discriminator;
the `reference` setting's players."""
import jax
import numpy as np
import pytest

from gentk.configs import gan_mixture
from gentk.recipes import gan_mixture as recipe
from gentk.training import spec


def test_bn_maxout_players_train_and_sample_in_eval_mode():
  config = gan_mixture.get_config("quick,bn_maxout")
  assert config.model.generator_batch_norm
  experiment = recipe.build(config, axis_name=None)
  algorithm = experiment.algorithm
  key = jax.random.PRNGKey(0)
  batch = experiment.data_fn(key, 0, 1)
  state = algorithm.init(key, batch)
  g_stats = state.collections["generator"]["batch_stats"]
  d_kernel = state.params["discriminator"]["params"]["Dense_0"]["kernel"]
  assert d_kernel.shape == (2, 5 * config.model.discriminator_hidden[0])
  step = jax.jit(algorithm.phases[0].train_step)
  for i in range(3):
    state, _ = step(state, experiment.data_fn(jax.random.PRNGKey(i), i, 1),
                    jax.random.PRNGKey(10 + i))
  moved = jax.tree.map(lambda a, b: float(np.abs(a - b).max()), g_stats,
                       state.collections["generator"]["batch_stats"])
  assert max(jax.tree.leaves(moved)) > 0, "running statistics never updated"
  samples = algorithm.sample(state, jax.random.PRNGKey(1), 64)
  assert samples.shape == (64, 2) and np.all(np.isfinite(samples))


def test_reference_setting_builds_the_pacgan_code_players():
  """`reference`: generator 2 -> 4 x 400 (batch norm) -> 2, discriminator
  3 x 200 maxout units of 5 pieces, kernels N(0, 0.02^2), batch 100, Adam
  1e-4 / beta1 0.8 for 400,000 steps; it takes no other players or
  schedule."""
  config = gan_mixture.get_config("grid,reference")
  assert (config.data.batch_size, config.optim.lr, config.optim.b1,
          config.train.num_steps) == (100, 1e-4, 0.8, 400_000)
  experiment = recipe.build(config, axis_name=None)
  key = jax.random.PRNGKey(0)
  state = experiment.algorithm.init(key, experiment.data_fn(key, 0, 1))
  g = state.params["generator"]["params"]
  d = state.params["discriminator"]["params"]
  assert [g[f"Dense_{i}"]["kernel"].shape for i in range(5)] == [
      (2, 400), (400, 400), (400, 400), (400, 400), (400, 2)]
  assert [d[f"Dense_{i}"]["kernel"].shape for i in range(4)] == [
      (2, 1000), (200, 1000), (200, 1000), (200, 1)]
  assert abs(float(np.std(g["Dense_1"]["kernel"])) / 0.02 - 1) < 0.05
  for other in ("bn_maxout", "long", "reference100k"):
    with pytest.raises(spec.VariantError, match="exclude each other"):
      gan_mixture.get_config(f"grid,reference,{other}")


def test_reference100k_is_the_reference_players_on_a_decayed_quarter():
  """`reference100k`: the `reference` setting but for the schedule, 100,000
  steps with Adam's rate cosine-decayed to 1%."""
  short = gan_mixture.get_config("grid,reference100k").to_dict()
  full = gan_mixture.get_config("grid,reference").to_dict()
  assert (short["train"].pop("num_steps"), full["train"].pop("num_steps")) == (
      100_000, 400_000)
  assert (short["optim"].pop("final_lr_fraction"),
          full["optim"].pop("final_lr_fraction")) == (0.01, 1.0)
  for config in (short, full):
    del config["train"]["checkpoint_every"]
  assert short == full


def test_penalty_and_generator_rate_reach_the_step():
  """`gan.penalty_weight` puts the penalty in the discriminator's loss (its
  metric appears) and `optim.generator_lr` is the generator's rate: Adam's
  first update moves every parameter with a non-zero gradient by the rate
  (m_hat / sqrt(v_hat) = g / |g|), so the largest moves are 5e-3 for the
  generator and 1e-3 for the discriminator."""
  config = gan_mixture.get_config("quick")
  config.gan.generator_cost = "boundary_seeking"
  config.gan.penalty_weight = 1.0
  config.optim.generator_lr = 5e-3
  experiment = recipe.build(config, axis_name=None)
  algorithm = experiment.algorithm
  key = jax.random.PRNGKey(0)
  state = algorithm.init(key, experiment.data_fn(key, 0, 1))
  new, metrics = jax.jit(algorithm.phases[0].train_step)(
      state, experiment.data_fn(key, 0, 1), jax.random.PRNGKey(1))
  assert any(name.endswith("penalty") for name in metrics)
  for player, rate in (("generator", 5e-3), ("discriminator", 1e-3)):
    moves = jax.tree.map(lambda a, b: float(np.abs(a - b).max()),
                         state.params[player], new.params[player])
    np.testing.assert_allclose(max(jax.tree.leaves(moves)), rate, rtol=1e-3)
