"""Patch convolutions and sub-pixel upsampling against lax.conv and by hand."""
import jax
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
