"""An MLP autoencoder: the discriminator of EBGAN and BEGAN.

Works on any example shape: the input `[B, ...]` is flattened per example,
encoded to a code `[B, code_dim]` and decoded back to the input's shape, so the
same module serves 2-D points and images.

References:
  Zhao et al. 2016, "Energy-based Generative Adversarial Network", Sec. 2.3,
    https://arxiv.org/abs/1609.03126
  Berthelot et al. 2017, "BEGAN", Sec. 3.5, https://arxiv.org/abs/1703.10717
"""
import math
from typing import Sequence

import flax.linen as nn

from gentk.models.mlp import MLP
from gentk.types import Array


class Autoencoder(nn.Module):
  """x -> (Dec(Enc(x)), Enc(x)) with MLP encoder and decoder.

  Attributes:
    encoder_hidden: hidden widths of the encoder.
    code_dim: width of the code Enc(x) (linear output).
    decoder_hidden: hidden widths of the decoder (linear output of the input's
      flattened size).
    activation: name of a `jax.nn` activation between layers.
  """
  encoder_hidden: Sequence[int]
  code_dim: int
  decoder_hidden: Sequence[int]
  activation: str = "relu"

  @nn.compact
  def __call__(self, x: Array) -> tuple[Array, Array]:
    """Returns `(reconstruction [B, ...], code [B, code_dim])` for `x [B, ...]`."""
    if x.ndim < 2:
      raise ValueError(f"expected a batch [B, ...], got shape {x.shape}")
    code = MLP(hidden=tuple(self.encoder_hidden), out=self.code_dim,
               activation=self.activation, name="encoder")(
                   x.reshape(x.shape[0], -1))
    out = MLP(hidden=tuple(self.decoder_hidden), out=math.prod(x.shape[1:]),
              activation=self.activation, name="decoder")(code)
    return out.reshape(x.shape), code
