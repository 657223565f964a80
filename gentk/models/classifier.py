r"""A small convolutional MNIST classifier whose penultimate layer gives features.

The network trained by `experiments/configs/mnist_classifier.py` (recipe
`gentk.recipes.mnist_classifier`) and shipped as
`gentk/assets/mnist_classifier.msgpack` feeds the MNIST-classifier Inception
Score, FID and KID of `gentk.metrics.classifier`:

  [28, 28, 1] -> (k x k convolution with stride 2, ReLU) per entry of
  `channels` -> flatten -> dense `hidden`, ReLU (the features)
  -> dense `num_classes`.

Strided convolutions replace max-pooling (as in the all-convolutional net):
on this project's 2-core machine a step with max-pooling took 0.30 s against
0.09 s with a reshape-and-max (its gradient, select-and-scatter, is slow).
The convolutions are `gentk.models.conv.PatchConv` (patches on CPU,
`lax.conv` on GPU/TPU; `impl` overrides), whose parameters are the same
under every implementation.

References:
  LeCun et al. 1998, "Gradient-based learning applied to document
    recognition", http://yann.lecun.com/exdb/mnist/
  Springenberg et al. 2015, "Striving for Simplicity: The All Convolutional
    Net", https://arxiv.org/abs/1412.6806
"""
from typing import Sequence

import chex
import flax.linen as nn

from gentk.models.conv import PatchConv
from gentk.types import Array


class ConvClassifier(nn.Module):
  """Strided conv-ReLU blocks, one hidden dense layer (the features), logits.

  Attributes:
    channels: output channels of the stride-2 convolutions.
    kernel_size: the convolutions' k.
    hidden: width of the penultimate (feature) layer.
    num_classes: number of logits.
    impl: the convolutions' implementation, 'auto', 'patches' or 'native'.
  """
  channels: Sequence[int] = (32, 64)
  kernel_size: int = 3
  hidden: int = 128
  num_classes: int = 10
  impl: str = "auto"

  @nn.compact
  def __call__(self, x: Array, *, features: bool = False
               ) -> Array | tuple[Array, Array]:
    """Classifies images.

    Args:
      x: images in [0, 1], shape `[B, H, W, C]`.
      features: also return the penultimate activations.
    Returns:
      logits `[B, num_classes]`, or `(logits, features [B, hidden])`.
    """
    chex.assert_rank(x, 4)
    for width in self.channels:
      x = nn.relu(PatchConv(width, self.kernel_size, stride=2,
                            impl=self.impl)(x))
    h = nn.relu(nn.Dense(self.hidden)(x.reshape(x.shape[0], -1)))
    logits = nn.Dense(self.num_classes)(h)
    return (logits, h) if features else logits
