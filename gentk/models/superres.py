r"""The super-resolution regression network (SRCNN-style, residual).

Upsamples by a fixed bicubic interpolation, then a stack of stride-1
convolutions (ReLU between) predicts the residual to add to it, so an
untrained network starts at bicubic and training only has to learn the
missing detail.

References:
  Dong et al. 2016, "Image super-resolution using deep convolutional
    networks" (SRCNN: 9-5-5 kernels on the bicubic image),
    https://arxiv.org/abs/1501.00092
  Kim et al. 2016, "Accurate image super-resolution using very deep
    convolutional networks" (residual learning),
    https://arxiv.org/abs/1511.04587
"""
from typing import Sequence

import flax.linen as nn
import jax

from gentk.models.conv import PatchConv
from gentk.types import Array


class ResidualUpsampler(nn.Module):
  """Phi(x) = bicubic(x) + CNN(bicubic(x)).

  Attributes:
    factor: f, the upsampling factor.
    features: widths of the hidden convolutions.
    kernel_sizes: kernel of every convolution, hidden ones then the output
      (len(features) + 1 of them).
    impl: the convolutions' implementation (`gentk.models.conv`).
  """
  factor: int
  features: Sequence[int] = (64, 32)
  kernel_sizes: Sequence[int] = (9, 5, 5)
  impl: str = "auto"

  @nn.compact
  def __call__(self, x: Array) -> Array:
    """`[B, h, w, C]` -> `[B, f h, f w, C]`."""
    if len(self.kernel_sizes) != len(self.features) + 1:
      raise ValueError(f"kernel_sizes {self.kernel_sizes} needs "
                       f"len(features) + 1 = {len(self.features) + 1} "
                       "entries.")
    b, h, w, c = x.shape
    up = jax.image.resize(x, (b, h * self.factor, w * self.factor, c),
                          "bicubic")
    hidden = up
    for width, k in zip(self.features, self.kernel_sizes):
      hidden = nn.relu(PatchConv(width, k, stride=1, impl=self.impl)(hidden))
    return up + PatchConv(c, self.kernel_sizes[-1], stride=1,
                          impl=self.impl)(hidden)
