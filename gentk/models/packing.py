r"""PacGAN's packing: the discriminator judges m samples at once.

A packed discriminator $D(x_1, \ldots, x_m)$ sees m examples, all real or
all generated, concatenated along the last (feature / channel) axis, and
returns one logit per pack. Lin et al. show that packing penalises mode
collapse: the total-variation distance between the m-fold products of two
distributions grows with m far faster for a collapsed generator than for one
that covers the modes. The losses are the GAN's, unchanged, averaged over the
B / m packs of a batch of B.

References:
  Lin, Khetan, Fanti & Oh 2018, "PacGAN: The power of two samples in
    generative adversarial networks", Section 3,
    https://arxiv.org/abs/1712.04086
"""
import flax.linen as nn
import jax.numpy as jnp

from gentk.types import Array


def pack(x: Array, m: int) -> Array:
  """`[B, ..., C]` -> `[B / m, ..., m C]`: examples `m i .. m i + m - 1`
  form pack i, concatenated along the last axis in order (example
  `m i + j` fills features `j C .. j C + C - 1`)."""
  b = x.shape[0]
  if b % m:
    raise ValueError(f"a batch of {b} examples does not split into packs of "
                     f"{m}: use a batch size divisible by m")
  grouped = x.reshape((b // m, m) + x.shape[1:])
  return jnp.moveaxis(grouped, 1, -2).reshape(
      (b // m,) + x.shape[1:-1] + (m * x.shape[-1],))


class Packed(nn.Module):
  """`inner` applied to packs of `m` examples: `[B, ...]` -> `[B / m]`.

  A single example is repeated m times, so that `init` with one example
  builds the inner module for packs (the parameters do not depend on the
  batch size); any other batch must be divisible by m (`pack` raises
  otherwise: repeating samples to fill packs would judge copies as distinct
  samples). Keyword arguments (e.g. `train`) pass through to `inner`.
  """
  inner: nn.Module
  m: int

  @nn.compact
  def __call__(self, x: Array, **kwargs) -> Array:
    if x.shape[0] == 1 and self.m > 1:
      x = jnp.repeat(x, self.m, axis=0)
    return self.inner(pack(x, self.m), **kwargs)
