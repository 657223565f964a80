"""Shared fixtures: a small GAN experiment from the quick config."""
import jax
import pytest

from gentk.configs import gan_mixture
from gentk import recipes
from gentk.training import loop


@pytest.fixture(scope="module")
def small_gan():
  config = gan_mixture.get_config("quick")
  config.data.batch_size = 32
  config.model.generator_hidden = (16,)
  config.model.discriminator_hidden = (16,)
  exp = recipes.build(config)
  key = jax.random.PRNGKey(0)
  return exp, loop.init_state(exp, key)
