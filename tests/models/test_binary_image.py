"""Tests for gentk.models.binary_image (the BGAN MNIST players)."""
import jax
import jax.numpy as jnp
import numpy as np

from gentk.models import binary_image


def test_generator_gives_pixel_logits_and_critic_one_score_per_image():
  generator = binary_image.BernoulliConvGenerator(width=4, hidden=16)
  z = jax.random.normal(jax.random.PRNGKey(0), (3, 5))
  variables = generator.init(jax.random.PRNGKey(1), z)
  assert set(variables) == {"params", "batch_stats"}
  logits, _ = generator.apply(variables, z, mutable=["batch_stats"])
  assert logits.shape == (3, 28, 28, 1)
  # Eval mode uses the running averages and changes no collection.
  assert generator.apply(variables, z, train=False).shape == (3, 28, 28, 1)
  critic = binary_image.ConvCritic(width=4, hidden=16)
  x = jnp.ones((3, 28, 28, 1))
  v = critic.apply(critic.init(jax.random.PRNGKey(2), x), x)
  assert v.shape == (3,) and v.dtype == jnp.float32
  assert np.all(np.isfinite(v))
