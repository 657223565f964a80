r"""MaskGAN's sequence-to-sequence players: an encoder over the masked
sequence and an attention decoder over the filled one.

Given tokens $x_{1:T}$ and a mask $m_t \in \{0, 1\}$ (1: present, 0: blank),
the encoder LSTM reads $m(x)$ (the token's embedding where present, a learned
blank embedding where not) into states $e_{1:T}$. The decoder LSTM reads the
filled sequence $\hat x$ shifted by one (a start token first); its input at
position $t$ is $[\mathrm{emb}(\hat x_{t-1}); e_t]$ (the aligned encoder
state, so the decoder knows whether position $t$ is blank and what the
context there is), and its output $o_t = \tanh(W_c [h_t; c_t])$ uses Luong's
"general" attention $c_t = \sum_j \mathrm{softmax}_j(h_t^\top W_a e_j)\,
e_j$ over all encoder states (the context after the blank too).

* Generator: `MaskedSeq2Seq(outputs=V)`: next-token logits, the distribution
  $G_\theta(\hat x_t \mid \hat x_{<t}, m(x))$.
* Discriminator: `MaskedSeq2Seq(outputs=1, shift=False)`: one logit per token
  $D_\phi(\hat x_t \mid \hat x_{1:t}, m(x))$ (the decoder reads $\hat x_t$
  itself at position $t$).
* Critic: `ValueHead` on the discriminator's decoder state before position
  $t$ (`features=True`), $V(\hat x_{<t}, m(x))$ (sharing the
  discriminator's encoder and decoder, as in the published code).

The LSTMs are written with plain arrays (like `gentk.models.lstm`), so their
steps run inside `lax.scan` and a generator step can be applied alone
(`MaskedSeq2Seq.step`) for sampling.

References:
  Fedus, Goodfellow & Dai 2018, "MaskGAN: Better Text Generation via Filling
    in the ______", https://arxiv.org/abs/1801.07736 (Section 3)
  Luong, Pham & Manning 2015, "Effective Approaches to Attention-based Neural
    Machine Translation", https://arxiv.org/abs/1508.04025 (Eq. 5, 8)
"""
from typing import NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike


class Carry(NamedTuple):
  """LSTM cell and hidden state `[..., H]`."""
  c: Array
  h: Array


def lstm_step(kernel: Array, bias: Array, carry: Carry,
              x: Array) -> Carry:
  """One LSTM step, gates (input, forget, output, cell) of `[x; h] @ kernel`."""
  gates = jnp.concatenate([x, carry.h], axis=-1) @ kernel + bias
  i, f, o, g = jnp.split(gates, 4, axis=-1)
  c = jax.nn.sigmoid(f) * carry.c + jax.nn.sigmoid(i) * jnp.tanh(g)
  return Carry(c, jax.nn.sigmoid(o) * jnp.tanh(c))


class Encoded(NamedTuple):
  """The encoder's states `[B, T, H]` and its last carry."""
  states: Array
  last: Carry


class MaskedSeq2Seq(nn.Module):
  """Encoder over the masked sequence, attention decoder over the filled one.

  Attributes:
    vocab_size: V.
    embed_dim: E (the embedding is shared by encoder and decoder).
    hidden_dim: H of both LSTMs.
    outputs: width of the per-token output (V for the generator, 1 for the
      discriminator).
    start_token: the decoder's first input when `shift`.
    shift: True (generator): position t reads x_{t-1}; False
      (discriminator): position t reads x_t.
    init_scale: std of the normal initialisation of the matrices.
  """
  vocab_size: int
  embed_dim: int = 64
  hidden_dim: int = 64
  outputs: int = 1
  start_token: int = 1
  shift: bool = True
  init_scale: float = 0.1

  def setup(self):
    normal = nn.initializers.normal(self.init_scale)
    v, e, h = self.vocab_size, self.embed_dim, self.hidden_dim
    self.embedding = self.param("embedding", normal, (v, e))
    self.blank = self.param("blank", normal, (e,))
    self.encoder_kernel = self.param("encoder_kernel", normal, (e + h, 4 * h))
    self.encoder_bias = self.param("encoder_bias", nn.initializers.zeros,
                                   (4 * h,))
    self.decoder_kernel = self.param("decoder_kernel", normal,
                                     (e + 2 * h, 4 * h))
    self.decoder_bias = self.param("decoder_bias", nn.initializers.zeros,
                                   (4 * h,))
    self.attention = self.param("attention", normal, (h, h))
    self.combine = self.param("combine", normal, (2 * h, h))
    self.output_kernel = self.param("output_kernel", normal,
                                    (h, self.outputs))
    self.output_bias = self.param("output_bias", nn.initializers.zeros,
                                  (self.outputs,))

  def zero_carry(self, batch: int) -> Carry:
    """The encoder's initial carry: zeros `[batch, H]`."""
    zeros = jnp.zeros((batch, self.hidden_dim), jnp.float32)
    return Carry(zeros, zeros)

  def encode(self, tokens: ArrayLike, present: ArrayLike) -> Encoded:
    """Reads $m(x)$: `tokens [B, T]` int, `present [B, T]` bool."""
    tokens, present = jnp.asarray(tokens), jnp.asarray(present)
    inputs = jnp.where(present[..., None],
                       jnp.take(self.embedding, tokens, axis=0), self.blank)

    def body(carry, x):
      carry = lstm_step(self.encoder_kernel, self.encoder_bias, carry, x)
      return carry, carry.h

    last, states = jax.lax.scan(body, self.zero_carry(tokens.shape[0]),
                                jnp.swapaxes(inputs, 0, 1))
    return Encoded(jnp.swapaxes(states, 0, 1), last)

  def step(self, carry: Carry, token: ArrayLike, aligned: Array,
           encoded: Array) -> tuple[Array, Carry, Array]:
    """One decoder step: reads `token [B]` with the aligned encoder state
    `[B, H]`, attends over `encoded [B, T, H]`; returns `(outputs [B, out],
    carry, state before the step [B, H])`."""
    before = carry.h
    x = jnp.concatenate([jnp.take(self.embedding, jnp.asarray(token),
                                  axis=0), aligned], axis=-1)
    carry = lstm_step(self.decoder_kernel, self.decoder_bias, carry, x)
    scores = jnp.einsum("bh,bth->bt", carry.h @ self.attention, encoded)
    context = jnp.einsum("bt,bth->bh", jax.nn.softmax(scores, axis=-1),
                         encoded)
    o = jnp.tanh(jnp.concatenate([carry.h, context], axis=-1) @ self.combine)
    return o @ self.output_kernel + self.output_bias, carry, before

  def decoder_inputs(self, filled: Array) -> Array:
    """What the decoder reads at each position: `filled` shifted by one
    (start token first) when `shift`, else `filled`."""
    if not self.shift:
      return filled
    start = jnp.full(filled.shape[:1] + (1,), self.start_token, filled.dtype)
    return jnp.concatenate([start, filled[:, :-1]], axis=1)

  def __call__(self, tokens: ArrayLike, present: ArrayLike, filled: ArrayLike,
               *, features: bool = False) -> Array | tuple[Array, Array]:
    """Teacher-forced outputs `[B, T, outputs]` over the filled sequence
    `filled [B, T]` given the masked `tokens`/`present`; with `features`,
    also the decoder states before each position `[B, T, H]`."""
    encoded = self.encode(tokens, present)
    inputs = self.decoder_inputs(jnp.asarray(filled))

    def body(carry, xs):
      token, aligned = xs
      out, carry, before = self.step(carry, token, aligned, encoded.states)
      return carry, (out, before)

    _, (outs, befores) = jax.lax.scan(
        body, encoded.last, (inputs.T, jnp.swapaxes(encoded.states, 0, 1)))
    outs, befores = jnp.swapaxes(outs, 0, 1), jnp.swapaxes(befores, 0, 1)
    return (outs, befores) if features else outs


class ValueHead(nn.Module):
  """$V(s_t)$ `[B, T]` from decoder states `[B, T, H]`: dense, tanh, dense.

  Attributes:
    hidden_dim: width of the hidden layer.
  """
  hidden_dim: int = 64

  @nn.compact
  def __call__(self, states: Array) -> Array:
    h = jnp.tanh(nn.Dense(self.hidden_dim)(states))
    return nn.Dense(1)(h)[..., 0]
