r"""DCGAN generator and discriminator for 28 x 28 images (MNIST).

Following the architecture guidelines of Radford et al. (2016): no pooling
(strided convolutions in the discriminator, learned x2 upsampling in the
generator), batch normalisation in both networks except the generator's
output and the discriminator's input layer, ReLU in the generator and
LeakyReLU(0.2) in the discriminator.

  generator:     z -> dense 7*7*2W, BN, ReLU -> x2 up to W channels, BN, ReLU
                 -> x2 up to C channels -> sigmoid        [28, 28, C] in (0, 1)
  discriminator: x -> 4x4 conv stride 2 to W, LeakyReLU -> 4x4 conv stride 2
                 to 2W, BN, LeakyReLU -> dense 1          logits [B]

The output is a sigmoid rather than the paper's tanh because gentk's images
live in [0, 1]. Convolutions are `gentk.models.conv`'s strided convolutions
and sub-pixel upsampling; `impl` picks their implementation per backend
(patches on CPU, `lax.conv` on GPU/TPU; see that module).

`dtype` (e.g. `jnp.bfloat16`) is the computation dtype: activations, matmuls
and convolutions run in it while the parameters stay `param_dtype` (float32),
batch-normalisation statistics are reduced in float32 (and its running
averages kept in float32), and the outputs (images, logits, features) are
cast back to float32. With None everything is float32 as before.

Both modules take the keyword `train`: batch statistics when True (the
`batch_stats` collection must then be mutable), running averages when False,
as `gentk.algorithms.adversarial` expects of a player with mutable
collections. Give `axis_name` under `pmap` so the statistics are those of the
global batch.

References:
  Radford et al. 2016, "Unsupervised Representation Learning with Deep
    Convolutional Generative Adversarial Networks",
    https://arxiv.org/abs/1511.06434
  Ioffe & Szegedy 2015, "Batch Normalization", https://arxiv.org/abs/1502.03167
"""
from typing import Any

import chex
import flax.linen as nn
import jax
import jax.numpy as jnp

from gentk.models.conv import PatchConv
from gentk.models.conv import SubpixelUpsample
from gentk.models.conv import TransposedUpsample
from gentk.types import Array


def _batch_norm(module: nn.Module, train: bool) -> nn.BatchNorm:
  """Batch norm with `module`'s momentum and axis; `init` (outside any `pmap`)
  computes local statistics, so a module built for `pmap` initialises
  anywhere."""
  axis_name = None if module.is_initializing() else module.axis_name
  return nn.BatchNorm(use_running_average=not train,
                      momentum=module.momentum, axis_name=axis_name,
                      dtype=module.dtype)


class DCGANGenerator(nn.Module):
  """z `[B, latent]` -> images `[B, 28, 28, channels]` in (0, 1).

  Attributes:
    width: W, the channels of the 14 x 14 layer (the 7 x 7 one has 2W).
    channels: C, output image channels (3 for Stacked MNIST).
    momentum: running-average decay of batch normalisation.
    axis_name: the `pmap` axis for global batch statistics, or None.
    impl: the convolutions' implementation, 'auto', 'patches' or 'native'.
    dtype: computation dtype (e.g. `jnp.bfloat16`), or None for float32;
      the images are float32 either way.
    upsample: 'subpixel' (a stride-1 3 x 3 convolution to 4x the channels,
      shuffled) or 'transposed' (the DCGAN paper's 4 x 4, stride-2
      transposed convolution: the same receptive field with 16 instead of 36
      multiply-adds per input pixel and channel pair).
  """
  width: int = 64
  channels: int = 1
  momentum: float = 0.9
  axis_name: str | None = None
  impl: str = "auto"
  dtype: Any = None
  upsample: str = "subpixel"

  @nn.compact
  def __call__(self, z: Array, *, train: bool = True) -> Array:
    chex.assert_rank(z, 2)
    bn = lambda: _batch_norm(self, train)
    layer = {"subpixel": SubpixelUpsample,
             "transposed": TransposedUpsample}[self.upsample]
    up = lambda features, **kw: layer(
        features, impl=self.impl, dtype=self.dtype, **kw)
    h = nn.Dense(7 * 7 * 2 * self.width, use_bias=False, dtype=self.dtype)(z)
    h = nn.relu(bn()(h)).reshape(z.shape[0], 7, 7, 2 * self.width)
    h = nn.relu(bn()(up(self.width, use_bias=False)(h)))
    return jax.nn.sigmoid(up(self.channels)(h).astype(jnp.float32))


class DCGANDiscriminator(nn.Module):
  """Images `[B, 28, 28, C]` -> logits `[B]`.

  Attributes:
    width: W, the channels of the first convolution (the second has 2W).
    momentum: running-average decay of batch normalisation.
    axis_name: the `pmap` axis for global batch statistics, or None.
    batch_norm: False drops the batch normalisation (a WGAN-GP critic must
      score examples independently); the module then has no `batch_stats`.
    impl: the convolutions' implementation, 'auto', 'patches' or 'native'.
    dtype: computation dtype (e.g. `jnp.bfloat16`), or None for float32;
      logits and features are float32 either way.
  """
  width: int = 64
  momentum: float = 0.9
  axis_name: str | None = None
  batch_norm: bool = True
  impl: str = "auto"
  dtype: Any = None

  @nn.compact
  def __call__(self, x: Array, *, train: bool = True, features: bool = False
               ) -> Array | tuple[Array, Array]:
    """Logits `[B]`, or `(logits, body features [B, 7 * 7 * 2W])`."""
    chex.assert_rank(x, 4)
    conv = lambda features, **kw: PatchConv(
        features, 4, stride=2, impl=self.impl, dtype=self.dtype, **kw)
    h = nn.leaky_relu(conv(self.width)(x), 0.2)
    h = conv(2 * self.width, use_bias=not self.batch_norm)(h)
    if self.batch_norm:
      h = _batch_norm(self, train)(h)
    h = nn.leaky_relu(h, 0.2)
    h = h.reshape(x.shape[0], -1)
    logits = nn.Dense(1, dtype=self.dtype)(h)[:, 0].astype(jnp.float32)
    return (logits, h.astype(jnp.float32)) if features else logits
