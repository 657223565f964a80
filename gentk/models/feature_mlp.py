"""An MLP discriminator that exposes its features, optionally with minibatch
discrimination: the discriminator of feature matching, minibatch
discrimination and MMD GAN on low-dimensional data.

x -> hidden layers (dense + activation) -> features h = f(x)
  -> [minibatch discrimination: (h, o(h))] -> dense -> logit.

References:
  Salimans et al. 2016, "Improved Techniques for Training GANs", Sec. 3.1-3.2,
    https://arxiv.org/abs/1606.03498
"""
from typing import Sequence

import flax.linen as nn
import jax

from gentk.models.minibatch_discrimination import MinibatchDiscrimination
from gentk.types import Array


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
