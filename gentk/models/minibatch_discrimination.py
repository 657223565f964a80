r"""Minibatch discrimination: features that let the discriminator see the batch.

For features f(x_i) in R^A of a batch of n examples and a learned tensor
T in R^{A x B x C}:

  M_i = f(x_i) T in R^{B x C},
  c_b(x_i, x_j) = exp(-||M_{i,b} - M_{j,b}||_{L1}),
  o(x_i)_b = \sum_{j} c_b(x_i, x_j),

and the layer outputs [f(x_i), o(x_i)] in R^{A + B}. A collapsed generator
produces near-identical samples, whose o(x) is large, which the discriminator
learns to detect.

The paper's sum runs over all j = 1..n, including j = i, whose term is always
exp(0) = 1. With `include_self=False` (default) that constant is left out, so
o(x_i)_b counts only the *other* examples (identical batches give n - 1); this
changes o by a constant only.

The layer mixes examples: the discriminator's output on x_i depends on the
rest of its batch, so real and generated samples must go through it in
separate batches (as in the paper) and per-example gradient tricks (such as a
WGAN-GP penalty) do not apply.

References:
  Salimans et al. 2016, "Improved Techniques for Training GANs", Sec. 3.2,
    https://arxiv.org/abs/1606.03498
"""
from typing import Callable

import flax.linen as nn
import jax.numpy as jnp

from gentk.types import Array


class MinibatchDiscrimination(nn.Module):
  """Appends o(x_i) in R^B to the (flattened) features of each example.

  Attributes:
    num_kernels: B, the number of minibatch features.
    kernel_dim: C, the dimension of each row M_{i,b}.
    include_self: keep the constant j = i term of the sum (see module doc).
    kernel_init: initialiser of T, shape `[A, B, C]`.
  """
  num_kernels: int
  kernel_dim: int
  include_self: bool = False
  kernel_init: Callable = nn.initializers.normal(stddev=0.05)

  @nn.compact
  def __call__(self, features: Array) -> Array:
    """Args: features `[n, ...]` (flattened to `[n, A]`). Returns `[n, A + B]`."""
    x = features.reshape(features.shape[0], -1)
    t = self.param("T", self.kernel_init,
                   (x.shape[1], self.num_kernels, self.kernel_dim))
    m = jnp.einsum("na,abc->nbc", x, t.astype(x.dtype))
    l1 = jnp.sum(jnp.abs(m[:, None] - m[None, :]), axis=-1)  # [n, n, B]
    o = jnp.sum(jnp.exp(-l1), axis=1)  # [n, B]
    if not self.include_self:
      o = o - 1.0  # the j = i term is exp(-0) = 1 exactly.
    return jnp.concatenate([x, o], axis=-1)
