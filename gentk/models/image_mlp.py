r"""MLP players on images: a generator, a discriminator (the fully
connected GAN of Goodfellow et al. 2014 on MNIST) and two multi-head
discriminators (InfoGAN's D/Q and the semi-supervised K-class classifier).

Dense layers keep CPU cost low; InfoGAN's discriminator may start with a few
strided convolutions (`gentk.models.conv.PatchConv`). Images are flattened on
entry and reshaped on exit.

Batch-normalised players take `axis_name`, the `pmap` axis over which batch
statistics are those of the global batch (`init`, outside any `pmap`, uses
local ones). `dtype` (e.g. `jnp.bfloat16`) is the computation dtype of the
generator and the InfoGAN discriminator: parameters stay float32, batch-norm
statistics are reduced in float32, outputs are cast back to float32.

References:
  Goodfellow et al. 2014, "Generative Adversarial Nets",
    https://arxiv.org/abs/1406.2661
  Chen et al. 2016, "InfoGAN", https://arxiv.org/abs/1606.03657
  Salimans et al. 2016, "Improved Techniques for Training GANs" (the MNIST
    networks of Sec. 5: Gaussian noise on every layer's input),
    https://arxiv.org/abs/1606.03498
"""
import math
from typing import Any, Sequence

import chex
import flax.linen as nn
import jax
import jax.numpy as jnp

from gentk.models import conv
from gentk.models.mlp import MLP
from gentk.types import Array, PRNGKey


def _batch_norm(module: nn.Module, train: bool) -> nn.BatchNorm:
  """Batch norm with `module`'s momentum, dtype and (outside `init`)
  `axis_name`."""
  axis_name = None if module.is_initializing() else module.axis_name
  return nn.BatchNorm(use_running_average=not train, momentum=module.momentum,
                      axis_name=axis_name, dtype=module.dtype)


class MLPGenerator(nn.Module):
  """z -> dense layers (batch norm, activation) -> sigmoid image in [0, 1].

  Attributes:
    hidden: widths of the hidden layers.
    out_shape: the shape of one image, e.g. `(28, 28, 1)`.
    activation: name of a `jax.nn` activation ('relu', 'softplus', ...).
    batch_norm: normalise each hidden layer (statistics kept in the
      `batch_stats` collection; `train` picks batch vs running statistics).
    momentum: running-average decay of batch normalisation.
    axis_name: the `pmap` axis for global batch statistics, or None.
    dtype: computation dtype, or None for float32 (images are float32).
  """
  hidden: Sequence[int]
  out_shape: Sequence[int] = (28, 28, 1)
  activation: str = "relu"
  batch_norm: bool = True
  momentum: float = 0.9
  axis_name: str | None = None
  dtype: Any = None

  @nn.compact
  def __call__(self, z: Array, train: bool = False) -> Array:
    """Args: z `[B, latent]`. Returns images `[B, *out_shape]`."""
    chex.assert_rank(z, 2)
    act = getattr(jax.nn, self.activation)
    x = z
    for width in self.hidden:
      x = nn.Dense(width, use_bias=not self.batch_norm, dtype=self.dtype)(x)
      if self.batch_norm:
        x = _batch_norm(self, train)(x)
      x = act(x)
    x = nn.Dense(math.prod(self.out_shape), dtype=self.dtype)(x)
    x = jax.nn.sigmoid(x.astype(jnp.float32))
    return x.reshape((z.shape[0],) + tuple(self.out_shape))


class InfoDiscriminator(nn.Module):
  r"""A shared body with two heads: the GAN logit and the InfoGAN Q head.

  x -> body (4x4 stride-2 convolution + leaky ReLU per entry of
  `conv_widths`, then dense + leaky ReLU per entry of `hidden`) -> h;
  D logit = dense_1(h); Q parameters = dense(leaky ReLU(dense_{q_hidden}(h))).
  With `batch_norm`, every layer but the first and the heads' outputs is
  batch-normalised before its activation, as in the InfoGAN paper's MNIST
  networks (Chen et al. 2016, Appendix C.1); the statistics live in the
  `batch_stats` collection and `train` picks batch (True) or running (False)
  statistics.

  Attributes:
    hidden: widths of the shared body.
    q_hidden: width of the Q head's hidden layer.
    q_out: number of Q parameters (categorical logits, Gaussian means, ...).
    negative_slope: leaky ReLU slope (0.1 in the InfoGAN paper).
    conv_widths: channels of the body's convolutions (none by default).
    batch_norm: normalise the hidden layers (see above).
    momentum: running-average decay of batch normalisation.
    axis_name: the `pmap` axis for global batch statistics, or None.
    dtype: computation dtype, or None for float32 (outputs are float32).
  """
  hidden: Sequence[int]
  q_hidden: int
  q_out: int
  negative_slope: float = 0.1
  conv_widths: Sequence[int] = ()
  batch_norm: bool = False
  momentum: float = 0.9
  axis_name: str | None = None
  dtype: Any = None

  @nn.compact
  def __call__(self, x: Array, train: bool = False) -> tuple[Array, Array]:
    """Args: x `[B, ...]`. Returns `(logit [B], q [B, q_out])`."""
    def block(h, normalise: bool):
      if self.batch_norm and normalise:
        h = _batch_norm(self, train)(h)
      return nn.leaky_relu(h, self.negative_slope)

    dense = lambda width, **kw: nn.Dense(width, dtype=self.dtype, **kw)
    h = x
    for i, width in enumerate(self.conv_widths):
      h = block(conv.PatchConv(width, 4, stride=2, dtype=self.dtype)(h),
                normalise=i > 0)
    h = h.reshape(x.shape[0], -1)
    for i, width in enumerate(self.hidden):
      h = block(dense(width)(h), normalise=i > 0 or bool(self.conv_widths))
    logit = dense(1, name="d_head")(h)[:, 0]
    q = block(dense(self.q_hidden, name="q_hidden")(h), normalise=True)
    q = dense(self.q_out, name="q_head")(q)
    return logit.astype(jnp.float32), q.astype(jnp.float32)


class NoisyClassifier(nn.Module):
  r"""K-class MLP classifier with Gaussian noise added to every layer's input.

  x + \epsilon_0 -> [dense + ReLU -> + \epsilon_l] per hidden layer -> dense_K,
  \epsilon_0 ~ N(0, input_noise^2), \epsilon_l ~ N(0, hidden_noise^2), only
  when a `noise_key` is given (no noise at evaluation).

  Attributes:
    hidden: widths of the hidden layers.
    num_classes: K.
    input_noise: standard deviation of the noise on the input (0.3 in the
      semi-supervised MNIST model of Salimans et al.).
    hidden_noise: standard deviation on the hidden layers (0.5 there).
  """
  hidden: Sequence[int]
  num_classes: int = 10
  input_noise: float = 0.3
  hidden_noise: float = 0.5

  @nn.compact
  def __call__(self, x: Array, noise_key: PRNGKey | None = None
               ) -> tuple[Array, Array]:
    """Args: x `[B, ...]`, optional `noise_key`.

    Returns `(class logits [B, K], features [B, hidden[-1]])`, the features
    being the last hidden layer (before its noise), for feature matching.
    """
    def noisy(h, i, std):
      if noise_key is None or std == 0:
        return h
      eps = jax.random.normal(jax.random.fold_in(noise_key, i), h.shape)
      return h + std * eps.astype(h.dtype)

    h = noisy(x.reshape(x.shape[0], -1), 0, self.input_noise)
    features = h
    for i, width in enumerate(self.hidden):
      features = nn.relu(nn.Dense(width)(h))
      h = noisy(features, i + 1, self.hidden_noise)
    return nn.Dense(self.num_classes)(h), features


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
