"""The mixture GAN's `bn_maxout` players: a batch-normalised generator
whose running statistics train and serve sampling, a maxout discriminator."""
import jax
import numpy as np

from experiments.configs import gan_mixture
from gentk.recipes import gan_mixture as recipe


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

