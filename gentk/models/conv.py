r"""Convolutions as dense layers on stacked patches, and sub-pixel upsampling.

A 'SAME' convolution is computed as a dense layer on the stacked k x k patches
of its input (`PatchConv`), and a stride-2 transposed convolution as a
stride-1 convolution to 4x the channels followed by a depth-to-space shuffle
(`SubpixelUpsample`; Shi et al. 2016 show the two are the same family of
functions). Both are for XLA:CPU, where `lax.conv` inside a `lax.scan` body
(the runtime fuses K training steps, and the adversarial core k
discriminator steps, with `lax.scan`) runs an order of magnitude slower than
outside a loop (https://github.com/jax-ml/jax/issues/12868), while slices, a
concatenation and a matmul do not. Measured on this project's shared 2-core
machine (2026-11-21), a two-layer stride-2 discriminator step at batch 64:
`lax.conv` 17 ms outside a scan, 350 ms per step inside one; `PatchConv`
38 ms outside, 22 ms inside.

References:
  Shi et al. 2016, "Real-Time Single Image and Video Super-Resolution Using
    an Efficient Sub-Pixel Convolutional Neural Network",
    https://arxiv.org/abs/1609.05158
  Shi et al. 2016, "Is the deconvolution layer the same as a convolutional
    layer?", https://arxiv.org/abs/1609.07009
"""
import chex
import flax.linen as nn
import jax.numpy as jnp

from gentk.types import Array


def same_patches(x: Array, kernel_size: int, stride: int) -> Array:
  r"""The k x k patches of a 'SAME'-padded convolution, stacked as channels.

  With output size $o = \lceil n / s \rceil$ and total padding
  $p = \max((o - 1) s + k - n, 0)$ ($\lfloor p/2 \rfloor$ before, the rest
  after, as `lax.conv` pads 'SAME'), output pixel $(u, v)$ holds
  $x_{\text{pad}}[s u + i, s v + j, c]$ at channel $(i k + j) C + c$, so a
  dense layer with kernel `w.reshape(k * k * C, W)` equals the convolution
  with kernel `w` of shape `[k, k, C, W]`.

  Args:
    x: images `[..., H, W, C]`.
    kernel_size: k.
    stride: s.
  Returns:
    patches `[..., ceil(H/s), ceil(W/s), k * k * C]`.
  """
  chex.assert_rank(x, {3, 4, 5})
  pads, outs = [], []
  for n in x.shape[-3:-1]:
    out = -(-n // stride)
    total = max((out - 1) * stride + kernel_size - n, 0)
    pads.append((total // 2, total - total // 2))
    outs.append(out)
  x = jnp.pad(x, [(0, 0)] * (x.ndim - 3) + pads + [(0, 0)])
  span_h, span_w = [(o - 1) * stride + 1 for o in outs]
  views = [x[..., i:i + span_h:stride, j:j + span_w:stride, :]
           for i in range(kernel_size) for j in range(kernel_size)]
  return jnp.concatenate(views, axis=-1)


def depth_to_space(x: Array, block: int) -> Array:
  r"""Moves channel blocks to space: `[..., H, W, b*b*C] -> [..., bH, bW, C]`.

  Output pixel $(b u + i, b v + j)$, channel $c$, is input pixel $(u, v)$,
  channel $(i b + j) C + c$ (the 'pixel shuffle' of Shi et al. 2016).

  Args:
    x: `[..., H, W, b * b * C]`.
    block: b.
  Returns:
    `[..., b * H, b * W, C]`.
  """
  chex.assert_rank(x, {3, 4})
  *lead, h, w, c = x.shape
  if c % (block * block):
    raise ValueError(f"channels {c} are not a multiple of block^2 = "
                     f"{block * block}")
  out = c // (block * block)
  x = x.reshape(*lead, h, w, block, block, out)
  x = jnp.moveaxis(x, -3, -4)  # [..., H, b_i, W, b_j, C]
  return x.reshape(*lead, h * block, w * block, out)


class PatchConv(nn.Module):
  """A 'SAME' strided convolution as a dense layer on `same_patches`.

  Attributes:
    features: output channels W.
    kernel_size: k.
    stride: s.
    use_bias: add a bias (off before batch normalisation).
  """
  features: int
  kernel_size: int = 3
  stride: int = 2
  use_bias: bool = True

  @nn.compact
  def __call__(self, x: Array) -> Array:
    """`[..., H, W, C]` -> `[..., ceil(H/s), ceil(W/s), features]`."""
    return nn.Dense(self.features, use_bias=self.use_bias)(
        same_patches(x, self.kernel_size, self.stride))


class SubpixelUpsample(nn.Module):
  """x2 learned upsampling: a stride-1 `PatchConv` to 4W channels, shuffled.

  Attributes:
    features: output channels W.
    kernel_size: k of the stride-1 convolution (3 covers the receptive field
      of a 4 x 4, stride-2 transposed convolution).
    use_bias: add a bias (off before batch normalisation).
  """
  features: int
  kernel_size: int = 3
  use_bias: bool = True

  @nn.compact
  def __call__(self, x: Array) -> Array:
    """`[..., H, W, C]` -> `[..., 2H, 2W, features]`."""
    y = PatchConv(4 * self.features, self.kernel_size, stride=1,
                  use_bias=self.use_bias)(x)
    return depth_to_space(y, 2)
