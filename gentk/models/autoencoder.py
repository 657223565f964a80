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
import jax

from gentk.models import conv
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
    batch_norm: normalise every hidden layer of the encoder and the decoder
      (`gentk.models.mlp.MLP`; `train` picks batch vs running statistics).
      In an adversarial game the real and the generated batches pass
      separately, so in train mode each is normalised by its own statistics
      and the reconstruction of a batch depends on the batch's spread: a
      collapsed generated batch is reconstructed differently from a varied
      one (the BEGAN paper's autoencoder has no batch normalisation).
  """
  encoder_hidden: Sequence[int]
  code_dim: int
  decoder_hidden: Sequence[int]
  activation: str = "relu"
  batch_norm: bool = False

  @nn.compact
  def __call__(self, x: Array, train: bool = False) -> tuple[Array, Array]:
    """Returns `(reconstruction [B, ...], code [B, code_dim])` for `x [B, ...]`;
    `train` matters only with `batch_norm`."""
    if x.ndim < 2:
      raise ValueError(f"expected a batch [B, ...], got shape {x.shape}")
    code = MLP(hidden=tuple(self.encoder_hidden), out=self.code_dim,
               activation=self.activation, batch_norm=self.batch_norm,
               name="encoder")(x.reshape(x.shape[0], -1), train)
    out = MLP(hidden=tuple(self.decoder_hidden), out=math.prod(x.shape[1:]),
              activation=self.activation, batch_norm=self.batch_norm,
              name="decoder")(code, train)
    return out.reshape(x.shape), code


class ConvAutoencoder(nn.Module):
  """A convolutional autoencoder on 28 x 28 images (BEGAN's discriminator).

    encoder: x -> 4x4 conv stride 2 to W -> 4x4 conv stride 2 to 2W (14, 7)
             -> dense code [B, code_dim]
    decoder: code -> dense 7*7*2W -> x2 up to W -> x2 up to C (linear)

  with `activation` (ELU in the BEGAN paper) after every hidden layer;
  convolutions are `gentk.models.conv` patch convolutions and sub-pixel
  upsampling (fast inside `lax.scan` on XLA:CPU). The paper's
  encoder/decoder are deeper (repeated 3x3 convolutions per scale).

  Attributes:
    width: W.
    code_dim: width of the code.
    activation: name of a `jax.nn` activation.
  """
  width: int = 32
  code_dim: int = 64
  activation: str = "elu"

  @nn.compact
  def __call__(self, x: Array) -> tuple[Array, Array]:
    """Returns `(reconstruction [B, 28, 28, C], code [B, code_dim])`."""
    if x.ndim != 4 or x.shape[1:3] != (28, 28):
      raise ValueError(f"expected images [B, 28, 28, C], got shape {x.shape}")
    act = getattr(jax.nn, self.activation)
    h = act(conv.PatchConv(self.width, 4, stride=2)(x))
    h = act(conv.PatchConv(2 * self.width, 4, stride=2)(h))
    code = nn.Dense(self.code_dim, name="code")(h.reshape(x.shape[0], -1))
    h = act(nn.Dense(7 * 7 * 2 * self.width)(code))
    h = h.reshape(x.shape[0], 7, 7, 2 * self.width)
    h = act(conv.SubpixelUpsample(self.width)(h))
    return conv.SubpixelUpsample(x.shape[-1])(h), code
