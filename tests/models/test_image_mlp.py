"""MNIST MLP players: global batch statistics over a named axis, bfloat16."""
import jax
import jax.numpy as jnp
import numpy as np

from gentk.models import image_mlp


def _split_apply(module, variables, x, axis_name):
  """`module` in train mode on 2 halves of x mapped over `axis_name`."""
  halves = x.reshape(2, x.shape[0] // 2, *x.shape[1:])
  out, updated = jax.jit(jax.vmap(
      lambda x: module.apply(variables, x, train=True,
                             mutable=["batch_stats"]),
      axis_name=axis_name))(halves)
  out = jax.tree.map(lambda o: o.reshape(x.shape[0], *o.shape[2:]), out)
  return out, jax.tree.map(lambda u: u[0], updated)


def test_axis_name_gives_global_batch_statistics():
  z = jax.random.normal(jax.random.PRNGKey(0), (8, 6))
  x = jax.random.uniform(jax.random.PRNGKey(1), (8, 8, 8, 1))
  players = [
      (image_mlp.MLPGenerator((16,), out_shape=(4, 4, 1)), z),
      (image_mlp.InfoDiscriminator((16, 16), 8, 3, conv_widths=(4,),
                                   batch_norm=True), x)]
  for module, inputs in players:
    variables = jax.jit(module.init)(jax.random.PRNGKey(2), inputs[:1])
    whole = jax.jit(lambda v, x, m=module: m.apply(
        v, x, train=True, mutable=["batch_stats"]))(variables, inputs)
    global_ = _split_apply(module.clone(axis_name="i"), variables, inputs,
                           "i")
    local = _split_apply(module, variables, inputs, "i")
    close = lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-5,
                                                    atol=1e-5)
    jax.tree.map(close, global_, whole)
    # Without the axis each half normalises by its own statistics.
    assert not np.allclose(jax.tree.leaves(local[0])[0],
                           jax.tree.leaves(whole[0])[0], atol=1e-4)


def test_bfloat16_outputs_are_float32_and_close():
  z = jax.random.normal(jax.random.PRNGKey(0), (8, 6))
  module = image_mlp.MLPGenerator((32, 32))
  variables = jax.jit(module.init)(jax.random.PRNGKey(1), z)
  images = jax.jit(module.apply)(variables, z)
  images16 = jax.jit(module.clone(dtype=jnp.bfloat16).apply)(variables, z)
  assert images16.dtype == jnp.float32
  np.testing.assert_allclose(images16, images, atol=0.02)  # bf16: 2^-9 rel.
  x = jax.random.uniform(jax.random.PRNGKey(2), (4, 8, 8, 1))
  d = image_mlp.InfoDiscriminator((32,), 16, 3, conv_widths=(8,),
                                  batch_norm=True)
  d_vars = jax.jit(d.init)(jax.random.PRNGKey(3), x)
  for got, want in zip(jax.jit(d.clone(dtype=jnp.bfloat16).apply)(d_vars, x),
                       jax.jit(d.apply)(d_vars, x)):
    assert got.dtype == jnp.float32 and np.all(np.isfinite(got))
    np.testing.assert_allclose(got, want, rtol=0.05, atol=0.05)
