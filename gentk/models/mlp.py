"""Multi-layer perceptrons for generators and discriminators on low-dim data."""
from typing import Sequence

import flax.linen as nn
import jax

from gentk.types import Array


class MLP(nn.Module):
  """Dense layers with an activation between them and a linear output.

  Attributes:
    hidden: widths of the hidden layers.
    out: output width; `squeeze_out=True` drops a trailing axis of size 1.
  """
  hidden: Sequence[int]
  out: int
  activation: str = "relu"
  squeeze_out: bool = False

  @nn.compact
  def __call__(self, x: Array) -> Array:
    act = getattr(jax.nn, self.activation)
    for width in self.hidden:
      x = act(nn.Dense(width)(x))
    x = nn.Dense(self.out)(x)
    return x[..., 0] if self.squeeze_out else x
