r"""A one-layer LSTM language model, usable one token at a time (rollouts).

The cell is the SeqGAN generator's (and oracle's):
$$i, f, o = \sigma(x W_{i,f,o} + h U_{i,f,o} + b_{i,f,o}),\quad
  c' = f \odot c + i \odot \tanh(x W_c + h U_c + b_c),\quad
  h' = o \odot \tanh(c'),\quad \text{logits} = h' W_o + b_o,$$
with $x$ the embedding of the previous token, $h_0 = c_0 = 0$ and the first
input the embedding of `start_token`. The four gate kernels are stored fused
(`input_kernel [E, 4H]`, `recurrent_kernel [H, 4H]`, `bias [4H]`, gate order
i, f, o, c), so a step costs two small matmuls and the output projection.
`params_from_gates` converts per-gate arrays (e.g. the published SeqGAN
oracle's `Wi, Ui, bi, ...`) to these parameters.

References:
  Hochreiter & Schmidhuber 1997, "Long Short-Term Memory".
  Yu, Zhang, Wang & Yu 2017, "SeqGAN: Sequence Generative Adversarial Nets
    with Policy Gradient", https://arxiv.org/abs/1609.05473
"""
from typing import Callable, Mapping, NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike, PyTree

_GATES = ("i", "f", "og", "c")  # fused order: input, forget, output, cell


class LSTMState(NamedTuple):
  """Cell and hidden state, each `[..., H]`."""
  c: Array
  h: Array


class LSTMLanguageModel(nn.Module):
  """LSTM language model: `__call__` teacher-forces, `step` feeds one token.

  Attributes:
    vocab_size: number of tokens V.
    embed_dim: embedding width E.
    hidden_dim: LSTM width H.
    start_token: the first input of every sequence.
    init_scale: std of the normal initialisation of every matrix (SeqGAN
      uses 0.1); biases start at 0.
  """
  vocab_size: int
  embed_dim: int = 32
  hidden_dim: int = 32
  start_token: int = 0
  init_scale: float = 0.1

  def setup(self):
    normal = nn.initializers.normal(self.init_scale)
    v, e, h = self.vocab_size, self.embed_dim, self.hidden_dim
    self.embedding = self.param("embedding", normal, (v, e))
    self.input_kernel = self.param("input_kernel", normal, (e, 4 * h))
    self.recurrent_kernel = self.param("recurrent_kernel", normal, (h, 4 * h))
    self.bias = self.param("bias", nn.initializers.zeros, (4 * h,))
    self.output_kernel = self.param("output_kernel", normal, (h, v))
    self.output_bias = self.param("output_bias", nn.initializers.zeros, (v,))

  def initial_state(self, batch_shape: tuple[int, ...] = ()) -> LSTMState:
    """Zero state of shape `batch_shape + (H,)`."""
    zeros = jnp.zeros(batch_shape + (self.hidden_dim,), jnp.float32)
    return LSTMState(zeros, zeros)

  def step(self, state: LSTMState, token: ArrayLike) -> tuple[Array, LSTMState]:
    """Feeds `token` (`[...]` int) -> (next-token logits `[..., V]`, state)."""
    x = jnp.take(self.embedding, jnp.asarray(token), axis=0)
    gates = x @ self.input_kernel + state.h @ self.recurrent_kernel + self.bias
    i, f, o, g = jnp.split(gates, 4, axis=-1)
    c = jax.nn.sigmoid(f) * state.c + jax.nn.sigmoid(i) * jnp.tanh(g)
    h = jax.nn.sigmoid(o) * jnp.tanh(c)
    return h @ self.output_kernel + self.output_bias, LSTMState(c, h)

  def __call__(self, tokens: ArrayLike) -> Array:
    """Teacher-forced logits: `[B, T]` int -> `[B, T, V]`, row t predicting
    `tokens[:, t]` from `start_token, tokens[:, :t]`."""
    tokens = jnp.asarray(tokens)
    inputs = jnp.concatenate(
        [jnp.full(tokens.shape[:1] + (1,), self.start_token, tokens.dtype),
         tokens[:, :-1]], axis=1)

    def body(state, token):
      logits, state = self.step(state, token)
      return state, logits

    # Only the parameter arrays are closed over, so a plain lax.scan is safe.
    _, logits = jax.lax.scan(body, self.initial_state(tokens.shape[:1]),
                             inputs.T)
    return jnp.swapaxes(logits, 0, 1)


def policy_step_fn(
    model: LSTMLanguageModel
) -> Callable[[PyTree, LSTMState, ArrayLike], tuple[Array, LSTMState]]:
  """The pure one-token step `(params, state, token) -> (logits, state)`.

  `params` is `model.init(...)["params"]`. Bind it with
  `functools.partial(policy_step_fn(model), params)` to get the
  `(state, token) -> (logits, state)` policy that `gentk.estimators.rollout`
  expects.
  """
  def step(params, state, token):
    return model.apply({"params": params}, state, token,
                       method=LSTMLanguageModel.step)
  return step


def params_from_gates(arrays: Mapping[str, ArrayLike]) -> dict[str, Array]:
  """Fuses per-gate arrays into `LSTMLanguageModel` parameters.

  Args:
    arrays: `embedding [V, E]`; for each gate g in (i, f, og, c): `W{g} [E, H]`,
      `U{g} [H, H]`, `b{g} [H]`; `Wo [H, V]`, `bo [V]` (the SeqGAN oracle's
      names, see the data README).
  Returns:
    the `params` pytree of an `LSTMLanguageModel` with matching sizes.
  """
  cat = lambda prefix: jnp.concatenate(
      [jnp.asarray(arrays[prefix + g], jnp.float32) for g in _GATES], axis=-1)
  return {
      "embedding": jnp.asarray(arrays["embedding"], jnp.float32),
      "input_kernel": cat("W"),
      "recurrent_kernel": cat("U"),
      "bias": cat("b"),
      "output_kernel": jnp.asarray(arrays["Wo"], jnp.float32),
      "output_bias": jnp.asarray(arrays["bo"], jnp.float32),
  }
