"""DCGAN modules: shapes, ranges, and batch-statistics vs running averages."""
import jax
import numpy as np

from gentk.models import dcgan


def test_shapes_ranges_and_modes():
  g, d = dcgan.DCGANGenerator(width=4, channels=3), dcgan.DCGANDiscriminator(4)
  z = jax.random.normal(jax.random.PRNGKey(0), (5, 8))
  g_vars = jax.jit(g.init)(jax.random.PRNGKey(1), z)
  assert set(g_vars) == {"params", "batch_stats"}
  x, updated = jax.jit(lambda v, z: g.apply(v, z, train=True,
                                            mutable=["batch_stats"]))(g_vars, z)
  assert x.shape == (5, 28, 28, 3) and np.all((x > 0) & (x < 1))
  # Fresh running averages (mean 0, var 1) differ from the batch statistics.
  x_eval = jax.jit(lambda v, z: g.apply(v, z, train=False))(g_vars, z)
  assert np.max(np.abs(x_eval - x)) > 1e-4
  assert jax.tree.structure(updated) == jax.tree.structure(
      {"batch_stats": g_vars["batch_stats"]})
  d_vars = jax.jit(d.init)(jax.random.PRNGKey(2), x)
  logits = jax.jit(lambda v, x: d.apply(v, x, train=False))(d_vars, x)
  assert logits.shape == (5,)


def test_critic_without_batch_norm_and_body_features():
  x = np.zeros((3, 28, 28, 1), np.float32)
  critic = dcgan.DCGANDiscriminator(4, batch_norm=False)
  variables = jax.eval_shape(critic.init, jax.random.PRNGKey(0), x)
  assert set(variables) == {"params"}  # No running averages to track.
  with_bn = dcgan.DCGANDiscriminator(4)
  variables = jax.eval_shape(with_bn.init, jax.random.PRNGKey(0), x)
  logits, features = jax.eval_shape(
      lambda v, x: with_bn.apply(v, x, train=False, features=True),
      variables, x)
  assert logits.shape == (3,) and features.shape == (3, 7 * 7 * 8)
