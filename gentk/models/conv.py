r"""Convolutions with one weight layout and a per-backend implementation.

`PatchConv` is a 'SAME' strided convolution and `SubpixelUpsample` a x2
learned upsampling: a stride-1 convolution to 4x the channels followed by a
depth-to-space shuffle (Shi et al. 2016 show it is the same family of
functions as a stride-2 transposed convolution). Both keep their parameters
as the dense layer of the patch formulation, `Dense_0/kernel`
`[k * k * C, W]` (a reshape of the `[k, k, C, W]` HWIO kernel) and
`Dense_0/bias` `[W]`, whatever computes them, so checkpoints and the shipped
classifier load under every implementation.

`impl` picks the computation:

* 'patches': a dense layer on the stacked k x k patches (`same_patches`),
  or, where a layer has fewer output than input channels (stride 1; for the
  transposed convolution a quarter or fewer), one matmul giving every tap's
  product, shifted and summed (`shifted_tap_sum`): it writes k*k*W numbers
  per pixel instead of k*k*C (a generator's 64 -> 1 last layer: 9x fewer).
  On XLA:CPU `lax.conv` inside a `lax.scan` body (the runtime fuses K
  training steps, and the adversarial core k discriminator steps, with
  `lax.scan`) runs an order of magnitude slower than outside a loop
  (https://github.com/jax-ml/jax/issues/12868), while slices, a
  concatenation and a matmul do not.
* 'native': `lax.conv_general_dilated` (cuDNN on GPU, the MXU convolution on
  TPU), which never writes the k*k/s^2 times larger patch tensor.
* 'auto' (the default): 'patches' when `jax.default_backend()` is 'cpu' at
  trace time, else 'native'.

On an accelerator 'native' is the default because it scales with the batch
and the width (no patch tensor) and is what TPUs expect; pass
`impl='patches'` to get the other. `experiments/benchmarks/dcgan.py` times
both (figures in docs/performance.md).

References:
  Shi et al. 2016, "Real-Time Single Image and Video Super-Resolution Using
    an Efficient Sub-Pixel Convolutional Neural Network",
    https://arxiv.org/abs/1609.05158
  Shi et al. 2016, "Is the deconvolution layer the same as a convolutional
    layer?", https://arxiv.org/abs/1609.07009
"""
from typing import Any

import chex
import flax.linen as nn
import jax
import jax.numpy as jnp

from gentk.types import Array

IMPLS = ("auto", "patches", "native")
_DIMENSIONS = ("NHWC", "HWIO", "NHWC")


def resolve_impl(impl: str) -> str:
  """'auto' -> 'patches' on the CPU backend (at trace time), else 'native'.

  Args:
    impl: one of `IMPLS`.
  Returns:
    'patches' or 'native'.
  """
  if impl not in IMPLS:
    raise ValueError(f"unknown convolution impl {impl!r}: choose one of "
                     f"{IMPLS}")
  if impl != "auto":
    return impl
  return "patches" if jax.default_backend() == "cpu" else "native"


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
  pads = [same_padding(n, kernel_size, stride) for n in x.shape[-3:-1]]
  outs = [-(-n // stride) for n in x.shape[-3:-1]]
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


def same_padding(n: int, kernel_size: int, stride: int) -> tuple[int, int]:
  r"""`lax.conv`'s 'SAME' padding of one spatial axis of size n.

  With output size $o = \lceil n / s \rceil$ the total padding is
  $p = \max((o - 1) s + k - n, 0)$: $\lfloor p/2 \rfloor$ before, the rest
  after.
  """
  out = -(-n // stride)
  total = max((out - 1) * stride + kernel_size - n, 0)
  return total // 2, total - total // 2


def tap_products(x: Array, kernel: Array) -> Array:
  r"""Every tap's product $x_{uv}\, w_{ij}$ from one matmul
  `[..., C] x [C, k k W]`.

  Args:
    x: images `[..., H, Wd, C]`.
    kernel: `[k, k, C, W]` (HWIO).
  Returns:
    `[..., H, Wd, k, k, W]`: pixel (u, v)'s product with tap (i, j).
  """
  k, _, c, w = kernel.shape
  taps = x @ jnp.moveaxis(kernel, 2, 0).reshape(c, k * k * w)
  return taps.reshape(*x.shape[:-1], k, k, w)


def shifted_tap_sum(x: Array, kernel: Array) -> Array:
  r"""The stride-1 'SAME' convolution as every tap's product, shifted and
  summed: $y_{uv} = \sum_{ij} (x\, w_{ij})_{u + i - p,\, v + j - p'}$ (zero
  outside the image; $p, p'$ the 'SAME' padding before).

  `tap_products` writes k*k*W numbers per pixel where `same_patches` writes
  k*k*C, so this is the cheaper formulation when W < C (e.g. a generator's
  last layer, 64 channels to 4).

  Args:
    x: images `[..., H, Wd, C]`.
    kernel: `[k, k, C, W]` (HWIO).
  Returns:
    `[..., H, Wd, W]`.
  """
  k = kernel.shape[0]
  *lead, h, wd, _ = x.shape
  pads = [same_padding(n, k, 1) for n in (h, wd)]
  taps = jnp.pad(tap_products(x, kernel),
                 [(0, 0)] * len(lead) + pads + [(0, 0)] * 3)
  return sum(taps[..., i:i + h, j:j + wd, i, j, :]
             for i in range(k) for j in range(k))


def conv2d(x: Array, kernel: Array, stride: int, *, impl: str = "auto"
           ) -> Array:
  r"""'SAME' convolution $y_{uv} = \sum_{ijc} x_{pad}[s u + i, s v + j, c]
  w_{ijc\cdot}$ (cross-correlation, as `lax.conv`).

  Args:
    x: images `[..., H, W, C]` (one or more leading axes).
    kernel: `[k, k, C, W]` (HWIO).
    stride: s.
    impl: 'patches', 'native' or 'auto' (see the module docstring).
  Returns:
    `[..., ceil(H/s), ceil(W/s), W]` in the dtype of `x` and `kernel`.
  """
  chex.assert_rank(kernel, 4)
  chex.assert_rank(x, {4, 5})
  k, _, c, w = kernel.shape
  if resolve_impl(impl) == "patches":
    if stride == 1 and w < c:
      return shifted_tap_sum(x, kernel)
    return same_patches(x, k, stride) @ kernel.reshape(k * k * c, w)
  lead, (h, wd) = x.shape[:-3], x.shape[-3:-1]
  y = jax.lax.conv_general_dilated(
      x.reshape(-1, *x.shape[-3:]), kernel, (stride, stride),
      [same_padding(n, k, stride) for n in (h, wd)],
      dimension_numbers=_DIMENSIONS)
  return y.reshape(*lead, *y.shape[1:])


def subpixel_conv(x: Array, kernel: Array, bias: Array | None = None, *,
                  impl: str = "auto") -> Array:
  r"""x2 upsampling: `depth_to_space(conv2d(x, kernel, 1) + bias, 2)`.

  Output pixel $(2u + i, 2v + j)$, channel $c$, is the stride-1 convolution's
  pixel $(u, v)$, channel $(2i + j) C_{out} + c$. (The same function is a
  stride-2 transposed convolution with a 6 x 6 kernel, i.e. `lax.conv` with
  input dilation 2, which needs no shuffle; on a GPU that made the DCGAN
  step slower than convolution + shuffle.)

  Args:
    x: images `[..., H, W, C]`.
    kernel: `[k, k, C, 4 C_out]` (HWIO).
    bias: `[4, C_out]` (sub-pixel (i, j) at row 2i + j), or None.
    impl: 'patches', 'native' or 'auto' (see the module docstring).
  Returns:
    `[..., 2H, 2W, C_out]`.
  """
  y = conv2d(x, kernel, 1, impl=impl)
  if bias is not None:
    y = y + bias.reshape(-1)
  return depth_to_space(y, 2)


def transposed_conv4(x: Array, kernel: Array, *, impl: str = "auto"
                     ) -> Array:
  r"""The x2 transposed convolution with a 4 x 4 kernel, stride 2, padding 1
  (DCGAN's upsampling layer; PyTorch's `ConvTranspose2d(C, W, 4, 2, 1)`):

  $$y_{o} = \sum_{u,\,t:\ o = 2u + t - 1} x_u\, w_t$$

  on each spatial axis ($t \in 0..3$; summed over input channels). Output
  pixel $2m + i$ reads only inputs $m - 1 + a$ with $a \in \{i, i + 1\}$,
  through $t = 3 + i - 2a$, so with 'patches' each of the four output phases
  $(i, j)$ is one matmul of the 2 x 2 input patches, $[HW, 4C] \times [4C, W]$
  (16 H W C W multiply-adds, as the transposed convolution; a stride-1 3 x 3
  convolution to 4W channels, `subpixel_conv`, takes 36). When W <= C / 4
  'patches' instead sums the tap products where they land
  (`_transposed_taps`, 16 W numbers per pixel instead of 16 C): measured on
  a 2-core CPU, that made a 64 -> 1 layer 7x faster and a 128 -> 64 one
  2.7x slower, hence the threshold. 'native' is `lax.conv_general_dilated`
  with input dilation 2.

  Args:
    x: images `[B, H, W, C]`.
    kernel: `[4, 4, C, W]`, indexed by $(t_h, t_w)$.
    impl: 'patches', 'native' or 'auto' (see the module docstring).
  Returns:
    `[B, 2H, 2W, W]`.
  """
  chex.assert_rank(x, 4)
  chex.assert_shape(kernel, (4, 4, x.shape[-1], None))
  if resolve_impl(impl) == "native":
    return jax.lax.conv_general_dilated(
        x, kernel[::-1, ::-1], (1, 1), ((2, 2), (2, 2)), lhs_dilation=(2, 2),
        dimension_numbers=_DIMENSIONS)
  if 4 * kernel.shape[-1] <= x.shape[-1]:
    return _transposed_taps(x, kernel)
  return _transposed_phases(x, kernel)


def _transposed_phases(x: Array, kernel: Array) -> Array:
  """`transposed_conv4` as four matmuls of 2 x 2 input patches (one per output
  phase): writes 16 C numbers per input pixel."""
  _, h, w, _ = x.shape
  padded = jnp.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
  phases = []
  for i in (0, 1):
    for j in (0, 1):
      taps = [(a, bb) for a in (i, i + 1) for bb in (j, j + 1)]
      patches = jnp.concatenate(
          [padded[:, a:a + h, bb:bb + w] for a, bb in taps], axis=-1)
      weights = jnp.concatenate(
          [kernel[3 + i - 2 * a, 3 + j - 2 * bb] for a, bb in taps], axis=0)
      phases.append(patches @ weights)
  # Phase (i, j) at channel block 2i + j, as `depth_to_space` reads them.
  return depth_to_space(jnp.concatenate(phases, axis=-1), 2)


def _transposed_taps(x: Array, kernel: Array) -> Array:
  r"""`transposed_conv4` as one matmul giving every tap's product $x_u w_t$,
  then summed where they land (writes 16 W numbers per input pixel, the
  GEMM-then-col2im of a transposed convolution).

  With $t = 2a + i$ ($a, i \in \{0, 1\}$) the product of input $u$ and tap
  $t$ lands at $o + 1 = 2(u + a) + i$: in phase $i$ at position $u + a$. The
  four phases, each a sum of four shifted tap products, are interleaved and
  the border row and column cropped. Shapes as `transposed_conv4`.
  """
  _, h, w, _ = x.shape
  taps = tap_products(x, kernel)  # [B, H, W, 4, 4, W_out]
  phases = []
  for i in (0, 1):
    for j in (0, 1):
      phases.append(sum(
          jnp.pad(taps[:, :, :, 2 * a + i, 2 * bb + j],
                  ((0, 0), (a, 1 - a), (bb, 1 - bb), (0, 0)))
          for a in (0, 1) for bb in (0, 1)))
  full = depth_to_space(jnp.concatenate(phases, axis=-1), 2)
  return full[:, 1:2 * h + 1, 1:2 * w + 1]


class _DenseParams(nn.Module):
  """The parameters `nn.Dense(features)` has on `fan_in` inputs (same names,
  shapes and initialisers), returned instead of applied."""
  fan_in: int
  features: int
  use_bias: bool = True
  param_dtype: Any = jnp.float32

  @nn.compact
  def __call__(self) -> tuple[Array, Array | None]:
    kernel = self.param("kernel", nn.initializers.lecun_normal(),
                        (self.fan_in, self.features), self.param_dtype)
    bias = None
    if self.use_bias:
      bias = self.param("bias", nn.initializers.zeros_init(),
                        (self.features,), self.param_dtype)
    return kernel, bias


class _ConvParams(nn.Module):
  """`PatchConv`'s parameters as `[k, k, C, W]` kernel and bias (under the
  name `Dense_0`, whatever the implementation)."""
  kernel_size: int
  in_features: int
  features: int
  use_bias: bool = True
  param_dtype: Any = jnp.float32

  @nn.compact
  def __call__(self) -> tuple[Array, Array | None]:
    k = self.kernel_size
    kernel, bias = _DenseParams(k * k * self.in_features, self.features,
                                self.use_bias, self.param_dtype,
                                name="Dense_0")()
    return kernel.reshape(k, k, self.in_features, self.features), bias


def _cast(kernel: Array, bias: Array | None, dtype: Any):
  return kernel.astype(dtype), None if bias is None else bias.astype(dtype)


def _compute_dtype(module: nn.Module, x: Array) -> Any:
  """`module.dtype`, or (None) that of `x` promoted with the parameters'."""
  if module.dtype is not None:
    return module.dtype
  return jnp.result_type(x.dtype, module.param_dtype)


class PatchConv(nn.Module):
  """A 'SAME' strided convolution (`conv2d`) with `Dense_0` parameters.

  The name stays that of the patch formulation, which fixes the parameter
  layout (see the module docstring); `impl` picks the computation.

  Attributes:
    features: output channels W.
    kernel_size: k.
    stride: s.
    use_bias: add a bias (off before batch normalisation).
    impl: 'auto', 'patches' or 'native' (see the module docstring).
    dtype: computation dtype (e.g. `jnp.bfloat16`), or None for that of the
      input promoted with the parameters'.
    param_dtype: the parameters' dtype.
  """
  features: int
  kernel_size: int = 3
  stride: int = 2
  use_bias: bool = True
  impl: str = "auto"
  dtype: Any = None
  param_dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, x: Array) -> Array:
    """`[B, H, W, C]` -> `[B, ceil(H/s), ceil(W/s), features]`."""
    dtype = _compute_dtype(self, x)
    k = self.kernel_size
    kernel, bias = _DenseParams(k * k * x.shape[-1], self.features,
                                self.use_bias, self.param_dtype,
                                name="Dense_0")()
    kernel, bias = _cast(kernel.reshape(k, k, x.shape[-1], self.features),
                         bias, dtype)
    y = conv2d(x.astype(dtype), kernel, self.stride, impl=self.impl)
    return y if bias is None else y + bias


class SubpixelUpsample(nn.Module):
  """x2 learned upsampling (`subpixel_conv`) with `PatchConv_0/Dense_0`
  parameters: a stride-1 convolution to 4W channels, shuffled.

  Attributes:
    features: output channels W.
    kernel_size: k of the stride-1 convolution (3 covers the receptive field
      of a 4 x 4, stride-2 transposed convolution).
    use_bias: add a bias (off before batch normalisation).
    impl: 'auto', 'patches' or 'native' (see the module docstring).
    dtype: computation dtype, or None (see `PatchConv`).
    param_dtype: the parameters' dtype.
  """
  features: int
  kernel_size: int = 3
  use_bias: bool = True
  impl: str = "auto"
  dtype: Any = None
  param_dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, x: Array) -> Array:
    """`[B, H, W, C]` -> `[B, 2H, 2W, features]`."""
    dtype = _compute_dtype(self, x)
    kernel, bias = _cast(*_ConvParams(
        self.kernel_size, x.shape[-1], 4 * self.features, self.use_bias,
        self.param_dtype, name="PatchConv_0")(), dtype)
    if bias is not None:  # The bias of channel (2i + j) W + c.
      bias = bias.reshape(4, self.features)
    return subpixel_conv(x.astype(dtype), kernel, bias, impl=self.impl)


class TransposedUpsample(nn.Module):
  """x2 learned upsampling as a 4 x 4, stride-2 transposed convolution
  (`transposed_conv4`) with `Dense_0` parameters, kernel `[16 C, W]` (a
  reshape of `[4, 4, C, W]`) and bias `[W]`.

  Attributes:
    features: output channels W.
    use_bias: add a bias (off before batch normalisation).
    impl: 'auto', 'patches' or 'native' (see the module docstring).
    dtype: computation dtype, or None (see `PatchConv`).
    param_dtype: the parameters' dtype.
  """
  features: int
  use_bias: bool = True
  impl: str = "auto"
  dtype: Any = None
  param_dtype: Any = jnp.float32

  @nn.compact
  def __call__(self, x: Array) -> Array:
    """`[B, H, W, C]` -> `[B, 2H, 2W, features]`."""
    dtype = _compute_dtype(self, x)
    kernel, bias = _cast(*_ConvParams(
        4, x.shape[-1], self.features, self.use_bias, self.param_dtype,
        name="ConvParams_0")(), dtype)
    y = transposed_conv4(x.astype(dtype), kernel, impl=self.impl)
    return y if bias is None else y + bias
