r"""Multi-layer perceptrons on vectors: the players of the low-dimensional
experiments.

`MLP`: dense layers with options for the players of the PacGAN paper's 2-D
experiments: batch normalisation of each hidden layer (their generator) and
maxout units (their discriminator: $h_j = \max_{p < P} (W_{jp} x + b_{jp})$,
Goodfellow et al. 2013). `FeatureMLP`: a discriminator that exposes its last
hidden features, optionally with minibatch discrimination before the logit
(x -> hidden layers -> h = f(x) -> [(h, o(h))] -> dense -> logit): the
discriminator of feature matching, minibatch discrimination and MMD GAN.

References:
  Lin, Khetan, Fanti & Oh 2018, "PacGAN", Appendix (2-D experiments),
    https://arxiv.org/abs/1712.04086
  Goodfellow et al. 2013, "Maxout Networks", https://arxiv.org/abs/1302.4389
  Salimans et al. 2016, "Improved Techniques for Training GANs", Sec. 3.1-3.2,
    https://arxiv.org/abs/1606.03498
"""
from typing import Sequence

import flax.linen as nn
import jax

from gentk.models.minibatch_discrimination import MinibatchDiscrimination
from gentk.types import Array


class MLP(nn.Module):
  """Dense layers with an activation between them and a linear output.

  Attributes:
    hidden: widths of the hidden layers.
    out: output width; `squeeze_out=True` drops a trailing axis of size 1.
    activation: name of a `jax.nn` activation, used when `maxout == 1`.
    batch_norm: normalise each hidden layer before its activation (no
      biases there; statistics in the `batch_stats` collection, `train`
      picks batch vs running statistics).
    maxout: P > 1 makes each hidden unit the maximum of P affine pieces
      (replacing `activation`).
    momentum: running-average decay of batch normalisation.
    init_std: > 0 draws every kernel from N(0, init_std^2) (the PacGAN
      code's IsotropicGaussian(0.02)); 0 keeps Flax's default (LeCun
      normal). Biases start at 0 either way.
  """
  hidden: Sequence[int]
  out: int
  activation: str = "relu"
  squeeze_out: bool = False
  batch_norm: bool = False
  maxout: int = 1
  momentum: float = 0.9
  init_std: float = 0.0

  @nn.compact
  def __call__(self, x: Array, train: bool = False) -> Array:
    """`x [..., d_in]` -> `[..., out]` (`[...]` with `squeeze_out`);
    `train`: batch statistics (True) or running averages (False)."""
    act = getattr(jax.nn, self.activation)
    init = (nn.initializers.normal(self.init_std) if self.init_std > 0
            else nn.initializers.lecun_normal())
    for width in self.hidden:
      x = nn.Dense(width * self.maxout, use_bias=not self.batch_norm,
                   kernel_init=init)(x)
      if self.batch_norm:
        x = nn.BatchNorm(use_running_average=not train,
                         momentum=self.momentum)(x)
      if self.maxout > 1:
        x = x.reshape(x.shape[:-1] + (width, self.maxout)).max(-1)
      else:
        x = act(x)
    x = nn.Dense(self.out, kernel_init=init)(x)
    return x[..., 0] if self.squeeze_out else x


class FeatureMLP(nn.Module):
  """MLP discriminator returning its logit and its last hidden features.

  Attributes:
    hidden: widths of the hidden layers (>= 1); the features are the
      activations of the last one.
    activation: name of a `jax.nn` activation.
    minibatch_kernels: B of a minibatch discrimination layer between the
      features and the logit (0: none). The logit of an example then depends
      on its batch (pass real and generated batches separately).
    minibatch_kernel_dim: C of that layer.
    return_features: return `(logit, features)`; else only the logit, so the
      module plugs into games written for a plain discriminator
      (`gentk.algorithms.gan.gan_game`).
  """
  hidden: Sequence[int]
  activation: str = "relu"
  minibatch_kernels: int = 0
  minibatch_kernel_dim: int = 5
  return_features: bool = True

  @nn.compact
  def __call__(self, x: Array) -> Array | tuple[Array, Array]:
    """Args: x `[B, ...]`. Returns logit `[B]` (and features `[B, hidden[-1]]`)."""
    if not self.hidden:
      raise ValueError("FeatureMLP needs at least one hidden layer")
    act = getattr(jax.nn, self.activation)
    h = x.reshape(x.shape[0], -1)
    for width in self.hidden:
      h = act(nn.Dense(width)(h))
    head_input = h
    if self.minibatch_kernels:
      head_input = MinibatchDiscrimination(
          num_kernels=self.minibatch_kernels,
          kernel_dim=self.minibatch_kernel_dim)(h)
    logit = nn.Dense(1, name="head")(head_input)[:, 0]
    return (logit, h) if self.return_features else logit
