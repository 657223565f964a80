r"""The SeqGAN / Kim (2014) convolutional sequence classifier.

For tokens $y_{1:T}$ with embeddings $E \in \mathbb{R}^{T \times k}$, each
filter $w \in \mathbb{R}^{l \times k}$ of width $l$ gives the feature map
$c_i = \mathrm{ReLU}(w \otimes E_{i:i+l-1} + b)$, max-pooled over time,
$\tilde c = \max_i c_i$. The pooled features of all filters, $\tilde c$, pass
one highway layer (Srivastava et al. 2015),
$$\tau = \sigma(W_T \tilde c + b_T),\quad
  C = \tau \odot \mathrm{ReLU}(W_H \tilde c + b_H) + (1 - \tau) \odot \tilde c,$$
then dropout and a linear output: the logit of "real", $D = \sigma(\text{logit})$
(the published code's two-class softmax has the same expressive power).

The published discriminator (Yu et al. 2017, Appendix; `PAPER_FILTERS`):
embedding 64 initialised U(-1, 1), widths 1..10, 15, 20 with 100-200 filters
(1,720 features), highway bias -2 (the gate starts mostly closed), dropout
keep 0.75, L2 0.2 on the output layer (`output_l2`). `SMALL_FILTERS` is a
CPU-budget variant (a quarter of the filters, 6 widths).

A width-$l$ convolution is computed as one matmul of the $l$ stacked shifted
embeddings (`[B, T - l + 1, l k] @ [l k, F]`): fast on CPU (where XLA's
convolution inside `lax.scan` is slow) and the same on accelerators. Widths
longer than $T$ are not allowed. Dropout is applied only when a key is
passed (`dropout_key=`), so the module needs no Flax RNG plumbing and is
deterministic in evaluation and rollouts.

References:
  Kim 2014, "Convolutional Neural Networks for Sentence Classification",
    https://arxiv.org/abs/1408.5882
  Srivastava, Greff & Schmidhuber 2015, "Highway Networks",
    https://arxiv.org/abs/1505.00387
  Yu, Zhang, Wang & Yu 2017, "SeqGAN", https://arxiv.org/abs/1609.05473
"""
from typing import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike, PRNGKey

# (width, number of filters) of the published SeqGAN discriminator.
PAPER_FILTERS = ((1, 100), (2, 200), (3, 200), (4, 200), (5, 200), (6, 100),
                 (7, 100), (8, 100), (9, 100), (10, 100), (15, 160), (20, 160))
SMALL_FILTERS = ((1, 25), (2, 50), (3, 50), (4, 50), (5, 50), (10, 25))


def _uniform_pm1(key: PRNGKey, shape, dtype=jnp.float32) -> Array:
  """U(-1, 1), the published embedding initialisation."""
  return jax.random.uniform(key, shape, dtype, -1.0, 1.0)


def _windows(x: Array, width: int) -> Array:
  """`[B, T, k]` -> `[B, T - width + 1, width * k]`, row i = x[i : i + width]."""
  steps = x.shape[1] - width + 1
  return jnp.concatenate([x[:, i:i + steps] for i in range(width)], axis=-1)


class TextCNN(nn.Module):
  """`tokens [B, T] -> logits [B]`, the log-odds that a sequence is real.

  Attributes:
    vocab_size: number of tokens.
    embed_dim: embedding width k.
    filters: `((width, count), ...)`.
    dropout_rate: dropout before the output layer when `dropout_key` is given
      (published: keep 0.75, rate 0.25).
    highway_bias: initial bias of the highway gate.
  """
  vocab_size: int
  embed_dim: int = 64
  filters: Sequence[tuple[int, int]] = PAPER_FILTERS
  dropout_rate: float = 0.25
  highway_bias: float = -2.0

  @nn.compact
  def __call__(self, tokens: ArrayLike, *,
               dropout_key: PRNGKey | None = None) -> Array:
    tokens = jnp.asarray(tokens)
    if max(w for w, _ in self.filters) > tokens.shape[-1]:
      raise ValueError(f"filter widths {[w for w, _ in self.filters]} exceed "
                       f"the sequence length {tokens.shape[-1]}")
    embedding = self.param("embedding", _uniform_pm1,
                           (self.vocab_size, self.embed_dim))
    x = jnp.take(embedding, tokens, axis=0)
    pooled = []
    for width, count in self.filters:
      kernel = self.param(f"conv{width}_kernel",
                          nn.initializers.truncated_normal(0.1),
                          (width * self.embed_dim, count))
      bias = self.param(f"conv{width}_bias", nn.initializers.constant(0.1),
                        (count,))
      maps = jax.nn.relu(_windows(x, width) @ kernel + bias)
      pooled.append(jnp.max(maps, axis=1))
    c = jnp.concatenate(pooled, axis=-1)
    size = c.shape[-1]
    transform = jax.nn.relu(nn.Dense(size, name="highway_h")(c))
    gate = jax.nn.sigmoid(nn.Dense(
        size, bias_init=nn.initializers.constant(self.highway_bias),
        name="highway_t")(c))
    c = gate * transform + (1.0 - gate) * c
    if dropout_key is not None and self.dropout_rate > 0:
      keep = jax.random.bernoulli(dropout_key, 1.0 - self.dropout_rate,
                                  c.shape)
      c = jnp.where(keep, c / (1.0 - self.dropout_rate), 0.0)
    return nn.Dense(1, name="output")(c)[..., 0]


def output_l2(params) -> Array:
  r"""$\frac12 \|W_\text{out}\|^2 + \frac12 \|b_\text{out}\|^2$ (TF's `l2_loss`
  of the output layer, which the published code weights by 0.2)."""
  out = params["output"]
  return 0.5 * (jnp.sum(out["kernel"] ** 2) + jnp.sum(out["bias"] ** 2))
