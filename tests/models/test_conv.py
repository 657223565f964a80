"""Patch convolutions and sub-pixel upsampling against lax.conv and by hand;
the 'patches' and 'native' implementations against each other."""
import functools

import chex
import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.models import conv


@pytest.mark.parametrize("n,k,s,c", [(28, 3, 2, 1), (7, 5, 2, 3), (9, 3, 1, 2),
                                     (14, 4, 2, 2)])
def test_patch_convolution_equals_lax_conv(n, k, s, c):
  x = jax.random.normal(jax.random.PRNGKey(0), (2, n, n, c))
  w = jax.random.normal(jax.random.PRNGKey(1), (k, k, c, 4))
  ref = jax.lax.conv_general_dilated(x, w, (s, s), "SAME",
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
  patches = jax.jit(conv.same_patches, static_argnums=(1, 2))(x, k, s)
  got = patches @ w.reshape(k * k * c, 4)
  np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)


def test_tap_products_by_hand():
  rng = np.random.default_rng(0)
  x = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
  kernel = rng.standard_normal((3, 3, 5, 2)).astype(np.float32)
  got = conv.tap_products(x, kernel)
  assert got.shape == (2, 3, 4, 3, 3, 2)
  np.testing.assert_allclose(got[1, 2, 3, 0, 2], x[1, 2, 3] @ kernel[0, 2],
                             rtol=1e-5, atol=1e-5)
  np.testing.assert_allclose(
      got, np.einsum("bhwc,ijco->bhwijo", x, kernel), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("n,k,c,w", [(9, 3, 8, 2), (7, 5, 6, 3), (6, 4, 5, 2),
                                     (14, 3, 64, 4)])
def test_shifted_tap_sum_equals_lax_conv(n, k, c, w):
  """The stride-1 'patches' convolution with fewer output than input channels
  (one matmul per tap, shifted and summed), odd and even kernels."""
  x = jax.random.normal(jax.random.PRNGKey(0), (2, n, n, c))
  kernel = jax.random.normal(jax.random.PRNGKey(1), (k, k, c, w))
  ref = jax.lax.conv_general_dilated(x, kernel, (1, 1), "SAME",
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
  # float32 sums of k*k*C <= 576 products of size ~1, in another order.
  np.testing.assert_allclose(jax.jit(conv.shifted_tap_sum)(x, kernel), ref,
                             rtol=1e-5, atol=1e-4)
  np.testing.assert_allclose(
      jax.jit(functools.partial(conv.conv2d, stride=1, impl="patches"))(
          x, kernel), ref, rtol=1e-5, atol=1e-4)


def test_depth_to_space_by_hand():
  # One pixel, channels (i b + j) C + c with b = 2, C = 2: channel 2 * (2i + j)
  # + c lands at (i, j), channel c.
  x = np.arange(8, dtype=np.float32).reshape(1, 1, 1, 8)
  y = conv.depth_to_space(x, 2)
  assert y.shape == (1, 2, 2, 2)
  np.testing.assert_array_equal(y[0, :, :, 0], [[0, 2], [4, 6]])
  np.testing.assert_array_equal(y[0, :, :, 1], [[1, 3], [5, 7]])
  # Pixels move as blocks: input pixel (u, v) fills output (2u.., 2v..).
  x = np.arange(2 * 3 * 4, dtype=np.float32).reshape(1, 2, 3, 4)
  y = conv.depth_to_space(x, 2)
  np.testing.assert_array_equal(y[0, 2:4, 4:6, 0], x[0, 1, 2].reshape(2, 2))
  with pytest.raises(ValueError, match="multiple"):
    conv.depth_to_space(np.zeros((1, 2, 2, 6)), 2)


def test_subpixel_upsample_can_be_nearest_neighbour_upsampling():
  # Kernel: the centre tap (patch index 4 of 9) copied to all 4 sub-pixels.
  c = 3
  module = conv.SubpixelUpsample(c, use_bias=False)
  x = jax.random.normal(jax.random.PRNGKey(0), (2, 5, 5, c))
  params = module.init(jax.random.PRNGKey(1), x)
  kernel = np.zeros((9 * c, 4 * c), np.float32)
  for sub in range(4):
    kernel[4 * c:5 * c, sub * c:(sub + 1) * c] = np.eye(c)
  params = jax.tree.map(lambda _: kernel, params)
  y = jax.jit(module.apply)(params, x)
  nearest = np.repeat(np.repeat(x, 2, axis=1), 2, axis=2)
  np.testing.assert_allclose(y, nearest, rtol=1e-6)


# The layers of the DCGAN players (width 64) and the shipped classifier:
# (input shape, kernel size, stride, output channels).
_LAYERS = [((2, 28, 28, 1), 4, 2, 64), ((2, 14, 14, 64), 4, 2, 128),
           ((2, 28, 28, 1), 3, 2, 32), ((2, 14, 14, 32), 3, 2, 64),
           ((2, 7, 7, 3), 5, 1, 4)]


def _grads(fn, x, w):
  g = jax.random.normal(jax.random.PRNGKey(9), jax.eval_shape(fn, x, w).shape)
  return jax.jit(jax.grad(lambda x, w: jnp.sum(fn(x, w) * g), (0, 1)))(x, w)


@pytest.mark.parametrize("shape,k,s,out", _LAYERS)
def test_impls_agree_with_gradients(shape, k, s, out):
  x = jax.random.normal(jax.random.PRNGKey(0), shape)
  w = jax.random.normal(jax.random.PRNGKey(1), (k, k, shape[-1], out))
  w = w / np.sqrt(k * k * shape[-1])
  results = {}
  for impl in ("patches", "native"):
    fn = functools.partial(conv.conv2d, stride=s, impl=impl)
    results[impl] = (jax.jit(fn)(x, w), *_grads(fn, x, w))
  # float32 sums of up to k*k*C = 1,024 terms of size ~1 in another order.
  for got, want in zip(results["native"], results["patches"]):
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape,out", [((2, 7, 7, 128), 64), ((2, 14, 14, 64), 1),
                                       ((1, 3, 5, 2), 3)])
def test_subpixel_impls_agree_with_gradients(shape, out):
  x = jax.random.normal(jax.random.PRNGKey(0), shape)
  w = jax.random.normal(jax.random.PRNGKey(1), (3, 3, shape[-1], 4 * out))
  w = w / np.sqrt(9 * shape[-1])
  bias = jax.random.normal(jax.random.PRNGKey(2), (4, out))
  want = conv.depth_to_space(conv.conv2d(x, w, 1, impl="patches")
                             + bias.reshape(-1), 2)
  fns = {impl: lambda x, w, impl=impl: conv.subpixel_conv(x, w, bias,
                                                          impl=impl)
         for impl in ("patches", "native")}
  reference = _grads(fns["patches"], x, w)
  for name, fn in fns.items():
    np.testing.assert_allclose(jax.jit(fn)(x, w), want, rtol=1e-4, atol=1e-4,
                               err_msg=name)
    for got, ref in zip(_grads(fn, x, w), reference):
      np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4, err_msg=name)


class _PatchDense(nn.Module):
  """The patch convolution before `impl` existed: nn.Dense on the patches."""
  features: int
  kernel_size: int
  stride: int
  use_bias: bool = True

  @nn.compact
  def __call__(self, x):
    return nn.Dense(self.features, use_bias=self.use_bias)(
        conv.same_patches(x, self.kernel_size, self.stride))


def test_parameters_are_those_of_the_dense_patch_layer():
  """Same names, shapes and initial values as nn.Dense on the patches, so
  older checkpoints load; every impl applies them alike."""
  x = jax.random.normal(jax.random.PRNGKey(0), (2, 9, 9, 3))
  for use_bias in (True, False):
    old = _PatchDense(5, 4, 2, use_bias)
    new = conv.PatchConv(5, 4, 2, use_bias)
    old_vars = old.init(jax.random.PRNGKey(1), x)
    new_vars = new.init(jax.random.PRNGKey(1), x)
    chex.assert_trees_all_equal(old_vars, new_vars)
    new_vars = jax.tree.map(lambda v: v + 0.1, new_vars)  # A nonzero bias.
    for impl in conv.IMPLS:
      np.testing.assert_allclose(new.clone(impl=impl).apply(new_vars, x),
                                 old.apply(new_vars, x), rtol=1e-5, atol=1e-5)


def test_subpixel_parameters_and_bfloat16():
  x = jax.random.normal(jax.random.PRNGKey(0), (2, 5, 5, 3))
  module = conv.SubpixelUpsample(2)
  variables = module.init(jax.random.PRNGKey(1), x)
  assert jax.tree.map(np.shape, variables) == {"params": {"PatchConv_0": {
      "Dense_0": {"kernel": (27, 8), "bias": (8,)}}}}
  y = module.apply(variables, x)
  y16 = module.clone(dtype=jnp.bfloat16).apply(variables, x)
  assert y16.dtype == jnp.bfloat16
  # bfloat16 keeps 8 bits of mantissa: relative error ~2^-8 per rounding.
  np.testing.assert_allclose(y16.astype(np.float32), y, rtol=0.05, atol=0.05)


def test_auto_picks_patches_on_cpu_and_rejects_unknown_impls():
  expected = "patches" if jax.default_backend() == "cpu" else "native"
  assert conv.resolve_impl("auto") == expected
  with pytest.raises(ValueError, match="impl"):
    conv.resolve_impl("winograd")


def _transposed_by_hand(x, w):
  """y[2H, 2W] of the stride-2, padding-1 transposed convolution, summed
  straight from its definition y_o = sum_{o = 2u + t - 1} x_u w_t."""
  b, h, wd, _ = x.shape
  y = np.zeros((b, 2 * h, 2 * wd, w.shape[-1]), np.float64)
  for u in range(h):
    for v in range(wd):
      for th in range(4):
        for tw in range(4):
          o, p = 2 * u + th - 1, 2 * v + tw - 1
          if 0 <= o < 2 * h and 0 <= p < 2 * wd:
            y[:, o, p] += x[:, u, v] @ w[th, tw]
  return y


@pytest.mark.parametrize("impl", ["patches", "native"])
@pytest.mark.parametrize("c,out", [(3, 7), (8, 2)])  # Phases; tap products.
def test_transposed_conv_is_its_definition(impl, c, out):
  rng = np.random.default_rng(0)
  x = rng.standard_normal((2, 5, 6, c)).astype(np.float32)
  w = rng.standard_normal((4, 4, c, out)).astype(np.float32)
  got = jax.jit(functools.partial(conv.transposed_conv4, impl=impl))(x, w)
  # float32 sums of at most 4 x 8 = 32 products of size ~1.
  np.testing.assert_allclose(got, _transposed_by_hand(x, w), atol=2e-5)


@pytest.mark.parametrize("c,out", [(16, 8), (16, 2)])
def test_transposed_impls_agree_with_gradients(c, out):
  x = jax.random.normal(jax.random.PRNGKey(0), (2, 7, 7, c))
  w = jax.random.normal(jax.random.PRNGKey(1), (4, 4, c, out)) / 8
  results = {impl: (jax.jit(fn)(x, w), *_grads(fn, x, w)) for impl, fn in
             [(i, functools.partial(conv.transposed_conv4, impl=i))
              for i in ("patches", "native")]}
  for got, want in zip(results["native"], results["patches"]):
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_transposed_upsample_parameters():
  module = conv.TransposedUpsample(5)
  x = jnp.ones((2, 7, 7, 3))
  params = module.init(jax.random.PRNGKey(0), x)
  shapes = jax.tree.map(jnp.shape, params)["params"]["ConvParams_0"]
  assert shapes == {"Dense_0": {"kernel": (4 * 4 * 3, 5), "bias": (5,)}}
  assert module.apply(params, x).shape == (2, 14, 14, 5)
