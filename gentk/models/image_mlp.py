"""MLP generator and discriminator on images (the fully connected GAN of
Goodfellow et al. 2014 on MNIST).

References:
  Goodfellow et al. 2014, "Generative Adversarial Nets",
    https://arxiv.org/abs/1406.2661
"""
from typing import Sequence

import chex
import flax.linen as nn
import jax
import numpy as np

from gentk.models.mlp import MLP
from gentk.types import Array


class MLPImageGenerator(nn.Module):
  """z `[B, latent]` -> images `[B, *image_shape]` in (0, 1) (sigmoid output).

  Attributes:
    hidden: widths of the hidden layers (ReLU).
    image_shape: `(H, W, C)`.
  """
  hidden: Sequence[int]
  image_shape: tuple[int, int, int] = (28, 28, 1)

  @nn.compact
  def __call__(self, z: Array) -> Array:
    chex.assert_rank(z, 2)
    out = MLP(tuple(self.hidden), int(np.prod(self.image_shape)))(z)
    return jax.nn.sigmoid(out).reshape((z.shape[0],) + tuple(self.image_shape))


class MLPImageDiscriminator(nn.Module):
  """Images `[B, H, W, C]` -> logits `[B]` (LeakyReLU hidden layers, slope 0.01).

  Attributes:
    hidden: widths of the hidden layers.
  """
  hidden: Sequence[int]

  @nn.compact
  def __call__(self, x: Array) -> Array:
    chex.assert_rank(x, 4)
    return MLP(tuple(self.hidden), 1, activation="leaky_relu",
               squeeze_out=True)(x.reshape(x.shape[0], -1))
