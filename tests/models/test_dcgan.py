"""DCGAN modules: shapes, ranges, batch-statistics vs running averages, and
the bfloat16 computation dtype."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from experiments.benchmarks import dcgan as dcgan_benchmark
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


def test_transposed_upsampling_generator():
  """The 4 x 4 transposed layers: same images' shape, 16/36 of the kernel."""
  z = jax.random.normal(jax.random.PRNGKey(0), (5, 8))
  sizes = {}
  for upsample in ("subpixel", "transposed"):
    g = dcgan.DCGANGenerator(width=4, upsample=upsample)
    variables = jax.jit(g.init)(jax.random.PRNGKey(1), z)
    x = jax.jit(lambda v, z: g.apply(v, z, train=False))(variables, z)  # pylint: disable=cell-var-from-loop
    assert x.shape == (5, 28, 28, 1) and np.all((x > 0) & (x < 1))
    sizes[upsample] = sum(
        k.size for path, k in jax.tree_util.tree_leaves_with_path(
            variables["params"])
        if "Upsample" in jax.tree_util.keystr(path) and k.ndim == 2)
  # 2W -> W and W -> 1: 16 * (8 * 4 + 4 * 1) against 9 * 4 * (8 * 4 + 4 * 1).
  assert sizes == {"subpixel": 36 * 36, "transposed": 16 * 36}


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


def test_bfloat16_forward_is_close_to_float32():
  g, d = dcgan.DCGANGenerator(16), dcgan.DCGANDiscriminator(16)
  z = jax.random.normal(jax.random.PRNGKey(0), (8, 32))
  g_vars = jax.jit(g.init)(jax.random.PRNGKey(1), z)
  x = jax.jit(lambda v, z: g.apply(v, z, train=True,
                                   mutable=["batch_stats"]))(g_vars, z)[0]
  d_vars = jax.jit(d.init)(jax.random.PRNGKey(2), x)
  outputs = {}
  for dtype in (None, jnp.bfloat16):
    g16, d16 = g.clone(dtype=dtype), d.clone(dtype=dtype)
    # Parameters stay float32 whatever the computation dtype.
    assert jax.tree.map(lambda v: v.dtype, jax.eval_shape(
        g16.init, jax.random.PRNGKey(1), z)) == jax.tree.map(
            lambda v: v.dtype, g_vars)
    images, stats = jax.jit(lambda v, z: g16.apply(
        v, z, train=True, mutable=["batch_stats"]))(g_vars, z)
    logits, features = jax.jit(lambda v, x: d16.apply(
        v, x, train=False, features=True))(d_vars, images)
    outputs[dtype] = images, logits, features, stats
  for got, want in zip(jax.tree.leaves(outputs[jnp.bfloat16]),
                       jax.tree.leaves(outputs[None])):
    assert got.dtype == jnp.float32 and np.all(np.isfinite(got))
    # bfloat16 keeps 8 significant bits (relative rounding 2^-9 ~ 0.2%); a
    # few layers of sums of O(1) terms stay within a few percent of O(1).
    np.testing.assert_allclose(got, want, rtol=0.05, atol=0.05)


@pytest.mark.slow
def test_bfloat16_training_tracks_float32():
  """20 fused GAN steps (width 8, batch 16): finite, losses near float32's."""
  losses = {}
  for dtype in (jnp.float32, jnp.bfloat16):
    step_fn, state, key = dcgan_benchmark.make_step(
        batch=16, k=20, dtype=dtype, impl="auto", width=8)
    _, metrics, failure = step_fn(state, key)
    assert int(failure.step) == -1  # Every step finite.
    losses[dtype] = np.stack([metrics["discriminator/loss"],
                              metrics["generator/loss"]])
  # Measured: <= 0.005 apart (losses ~1); the bound leaves a 10x margin for
  # bfloat16 rounding compounding over 20 Adam steps.
  np.testing.assert_allclose(losses[jnp.bfloat16], losses[jnp.float32],
                             atol=0.05)
