"""MLP discriminator on images (the fully connected GAN of Goodfellow et al.
2014 on MNIST; its generator is `gentk.models.mnist_mlp.MLPGenerator`).

References:
  Goodfellow et al. 2014, "Generative Adversarial Nets",
    https://arxiv.org/abs/1406.2661
"""
from typing import Sequence

import chex
import flax.linen as nn

from gentk.models.mlp import MLP
from gentk.types import Array


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
