r"""Players of the discrete boundary-seeking GAN on binarised MNIST.

The networks of the published discrete-MNIST BGAN (rdevon/BGAN; batch
normalisation in the generator only, as in its code):

  generator: z -> dense 1024, BN, ReLU -> dense 7*7*2W, BN, ReLU -> x2 up to
             W channels, BN, ReLU -> x2 up to C channels  Bernoulli logits
                                                           [B, 28, 28, C]
  critic:    x -> 5x5 conv stride 2 to W, LeakyReLU(0.2) -> 5x5 conv stride
             2 to 2W, LeakyReLU(0.2) -> dense 1024, LeakyReLU(0.2) -> dense 1
                                                       V(x) [B]

(published W = 64). The generator returns the logits of independent Bernoulli
pixels, $g_\theta(x \mid z) = \prod_i \sigma(l_i)^{x_i} (1 -
\sigma(l_i))^{1 - x_i}$, so a sample is a binary image and its log-probability
is exact (`gentk.estimators.score_function.bernoulli_log_prob`). The learned
upsampling is `gentk.models.conv.SubpixelUpsample` (the family of a stride-2
transposed convolution), the strided convolution `PatchConv`. The generator
takes the keyword `train` (batch statistics, or the running averages) as
`gentk.algorithms.adversarial` expects of a player with batch norm.

References:
  Hjelm et al. 2018, "Boundary-Seeking Generative Adversarial Networks",
    https://arxiv.org/abs/1702.08431 (Section 4.1, discrete MNIST)
"""
import chex
import flax.linen as nn
import jax.numpy as jnp

from gentk.models.conv import PatchConv
from gentk.models.conv import SubpixelUpsample
from gentk.types import Array


class BernoulliConvGenerator(nn.Module):
  """z `[B, latent]` -> Bernoulli logits `[B, 28, 28, channels]`.

  Attributes:
    width: W, channels of the 14 x 14 layer (the 7 x 7 one has 2W).
    hidden: width of the first dense layer (published 1024).
    channels: C, image channels.
    momentum: running-average decay of batch normalisation.
    impl: the convolutions' implementation ('auto', 'patches', 'native').
  """
  width: int = 64
  hidden: int = 1024
  channels: int = 1
  momentum: float = 0.9
  impl: str = "auto"

  @nn.compact
  def __call__(self, z: Array, *, train: bool = True) -> Array:
    chex.assert_rank(z, 2)
    bn = lambda: nn.BatchNorm(use_running_average=not train,
                              momentum=self.momentum)
    h = nn.relu(bn()(nn.Dense(self.hidden, use_bias=False)(z)))
    h = nn.relu(bn()(nn.Dense(7 * 7 * 2 * self.width, use_bias=False)(h)))
    h = h.reshape(z.shape[0], 7, 7, 2 * self.width)
    h = SubpixelUpsample(self.width, use_bias=False, impl=self.impl)(h)
    h = nn.relu(bn()(h))
    return SubpixelUpsample(self.channels, impl=self.impl)(h)


class ConvCritic(nn.Module):
  """Images `[B, 28, 28, C]` -> one real score V(x) per image `[B]`.

  Attributes:
    width: W, channels of the first convolution (the second has 2W).
    hidden: width of the dense layer (published 1024).
    impl: the convolutions' implementation.
  """
  width: int = 64
  hidden: int = 1024
  impl: str = "auto"

  @nn.compact
  def __call__(self, x: Array) -> Array:
    chex.assert_rank(x, 4)
    conv = lambda features: PatchConv(features, 5, stride=2, impl=self.impl)
    h = nn.leaky_relu(conv(self.width)(x), 0.2)
    h = nn.leaky_relu(conv(2 * self.width)(h), 0.2)
    h = nn.leaky_relu(nn.Dense(self.hidden)(h.reshape(x.shape[0], -1)), 0.2)
    return nn.Dense(1)(h)[:, 0].astype(jnp.float32)
