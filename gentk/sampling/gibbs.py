r"""Block Gibbs sampling for layered binary Boltzmann machines (RBM, DBM).

Layers $x_0$ (visible), $x_1, ..., x_L$ of binary units, weights $W_l$ between
$x_{l-1}$ and $x_l$ and biases $b_l$; the energy is
$$E(x) = -\sum_{l=1}^{L} x_{l-1}^\top W_l\, x_l - \sum_{l=0}^{L} b_l^\top x_l,
\qquad p(x) \propto e^{-E(x)}.$$
A layer's units are conditionally independent given its neighbours:
$$p(x_l = 1 | x_{l-1}, x_{l+1}) = \sigma(b_l + W_l^\top x_{l-1} + W_{l+1}
x_{l+1}),$$
so the odd layers form one block given the even layers and vice versa. One
transition samples every odd layer given the even ones, then every even layer
given the new odd ones. An RBM is the case L = 1 (visible $v = x_0$, hidden
$h = x_1$): one transition is $h \sim p(h|v)$ then $v \sim p(v|h)$.

Units are stored as floats in {0, 1} with any leading batch axes, `[..., n_l]`,
so a batch of chains (or persistent chains) is one state.

References:
  Hinton 2002, "Training products of experts by minimizing contrastive
    divergence", https://doi.org/10.1162/089976602760128018
  Salakhutdinov & Hinton 2009, "Deep Boltzmann machines" (Section 2),
    https://proceedings.mlr.press/v5/salakhutdinov09a.html
"""
import itertools
from typing import Callable, NamedTuple, Sequence

import chex
import jax
import jax.numpy as jnp

from gentk.types import Array, PRNGKey


class LayeredParams(NamedTuple):
  """Parameters of a layered Boltzmann machine.

  Attributes:
    weights: $(W_1, ..., W_L)$, $W_l$ of shape `[n_{l-1}, n_l]`.
    biases: $(b_0, ..., b_L)$, $b_l$ of shape `[n_l]`.
  """
  weights: tuple[Array, ...]
  biases: tuple[Array, ...]


class GibbsState(NamedTuple):
  """Block Gibbs state.

  Attributes:
    layers: $(x_0, ..., x_L)$, $x_l$ of shape `[..., n_l]` in {0, 1}.
  """
  layers: tuple[Array, ...]


class GibbsInfo(NamedTuple):
  """Per-transition information.

  Attributes:
    probs: $p(x_l = 1 | \\text{neighbours})$ from which each layer was just
      drawn, `[..., n_l]` (for clamped layers: their conditional, unused); the
      Rao-Blackwellised statistics of CD / PCD.
  """
  probs: tuple[Array, ...]


def rbm_params(weights: Array, visible_bias: Array, hidden_bias: Array
               ) -> LayeredParams:
  """RBM parameters: $E(v, h) = -v^\\top W h - b^\\top v - c^\\top h$.

  Args:
    weights: W, shape `[V, H]`.
    visible_bias: b, shape `[V]`.
    hidden_bias: c, shape `[H]`.
  Returns:
    the `LayeredParams` with L = 1.
  """
  return LayeredParams((weights,), (visible_bias, hidden_bias))


def _check(params: LayeredParams, layers: Sequence[Array]) -> None:
  num_layers = len(params.biases)
  if len(params.weights) != num_layers - 1 or len(layers) != num_layers:
    raise ValueError(
        f"a layered machine with {len(params.weights)} weight matrices needs "
        f"{len(params.weights) + 1} biases and layers, got "
        f"{len(params.biases)} and {len(layers)}.")
  for l, w in enumerate(params.weights):
    chex.assert_shape(w, (layers[l].shape[-1], layers[l + 1].shape[-1]))


def energy(params: LayeredParams, layers: Sequence[Array]) -> Array:
  r"""$E(x) = -\sum_l x_{l-1}^\top W_l x_l - \sum_l b_l^\top x_l$.

  Args:
    params: the machine.
    layers: $(x_0, ..., x_L)$, shapes `[..., n_l]`.
  Returns:
    the energy, shape `[...]`.
  References:
    Salakhutdinov & Hinton 2009, Eq. 1 (with biases).
  """
  _check(params, layers)
  total = sum(jnp.sum(x * b, axis=-1) for x, b in zip(layers, params.biases))
  for l, w in enumerate(params.weights):
    total += jnp.sum((layers[l] @ w) * layers[l + 1], axis=-1)
  return -total


def conditional_logits(params: LayeredParams, layers: Sequence[Array],
                       index: int) -> Array:
  r"""Logits of $p(x_l = 1 | x_{l-1}, x_{l+1})$: $b_l + W_l^\top x_{l-1} +
  W_{l+1} x_{l+1}$ (missing neighbours of the end layers contribute 0).

  Args:
    params: the machine.
    layers: $(x_0, ..., x_L)$, shapes `[..., n_l]`.
    index: l.
  Returns:
    logits, shape `[..., n_l]`.
  References:
    Salakhutdinov & Hinton 2009, Eqs. 7-9.
  """
  logits = params.biases[index]
  if index > 0:
    logits = logits + layers[index - 1] @ params.weights[index - 1]
  if index < len(layers) - 1:
    logits = logits + layers[index + 1] @ params.weights[index].T
  return logits


def init(layers: Sequence[Array]) -> GibbsState:
  """The chain state holding `layers` (floats in {0, 1}, shapes `[..., n_l]`).

  Args:
    layers: $(x_0, ..., x_L)$.
  Returns:
    `GibbsState(layers)`.
  """
  return GibbsState(tuple(jnp.asarray(x, jnp.float32) for x in layers))


def build_kernel(*, clamped: Sequence[int] = ()
                 ) -> Callable[..., tuple[GibbsState, GibbsInfo]]:
  r"""Builds the odd/even block Gibbs kernel.

  Args:
    clamped: indices of layers held fixed (e.g. `(0,)` clamps the visible
      layer: the chain then samples $p(x_{1:L} | x_0)$, the positive phase).
  Returns:
    `kernel(rng_key, state, params) -> (state, info)`: odd layers given even
    ones, then even layers given the new odd ones.
  References:
    Salakhutdinov & Hinton 2009, Section 2 (alternating Gibbs).
  """
  clamped = frozenset(clamped)

  def kernel(rng_key: PRNGKey, state: GibbsState, params: LayeredParams
             ) -> tuple[GibbsState, GibbsInfo]:
    layers = list(state.layers)
    _check(params, layers)
    keys = jax.random.split(rng_key, len(layers))
    probs = [None] * len(layers)
    for parity in (1, 0):
      # Layers of one parity only see the other parity: update them together
      # from the same snapshot of `layers`.
      snapshot = tuple(layers)
      for l in range(parity, len(layers), 2):
        probs[l] = jax.nn.sigmoid(conditional_logits(params, snapshot, l))
        if l not in clamped:
          layers[l] = jax.random.bernoulli(keys[l], probs[l]).astype(
              layers[l].dtype)
    return GibbsState(tuple(layers)), GibbsInfo(tuple(probs))

  return kernel


def free_energy(params: LayeredParams, layers: Sequence[Array]) -> Array:
  r"""Free energy of the even layers, the odd layers summed out exactly.

  Given the even layers the odd units are independent, so
  $$F(x_{\mathrm{even}}) = -\log \sum_{x_{\mathrm{odd}}} e^{-E(x)}
  = -\sum_{l\ \mathrm{even}} b_l^\top x_l - \sum_{l\ \mathrm{odd}} \sum_j
  \mathrm{softplus}(b_l + W_l^\top x_{l-1} + W_{l+1} x_{l+1})_j.$$
  For an RBM this is the familiar $F(v) = -b^\top v - \sum_j
  \mathrm{softplus}(c_j + v^\top W_{:j})$; for a two-hidden-layer DBM it is
  the energy of $(v, h^2)$ with $h^1$ summed out (what AIS anneals).

  Args:
    params: the machine.
    layers: $(x_0, ..., x_L)$; the odd entries are not read (any array of
      the layer's shape, e.g. zeros).
  Returns:
    $F$, shape `[...]`.
  References:
    Salakhutdinov & Murray 2008, "On the quantitative analysis of deep belief
      networks", Eq. 4 (RBM); Salakhutdinov & Hinton 2009, Section 4 (DBM).
  """
  _check(params, layers)
  total = sum(jnp.sum(layers[l] * params.biases[l], axis=-1)
              for l in range(0, len(layers), 2))
  for l in range(1, len(layers), 2):
    total += jnp.sum(jax.nn.softplus(conditional_logits(params, layers, l)),
                     axis=-1)
  return -total


def odd_conditionals(params: LayeredParams, layers: Sequence[Array]
                     ) -> tuple[Array, ...]:
  r"""`layers` with every odd layer replaced by $p(x_l = 1 | \text{even
  layers})$: the Rao-Blackwellised statistics $E[x_{l-1} x_l^\top | x_{
  \mathrm{even}}] = x_{l-1}\, p(x_l | \cdot)^\top$ of CD / PCD."""
  return tuple(jax.nn.sigmoid(conditional_logits(params, layers, l))
               if l % 2 else x for l, x in enumerate(layers))


def _all_configurations(n: int) -> Array:
  """Every binary vector of length n, `[2^n, n]`."""
  bits = jnp.arange(2 ** n)[:, None] >> jnp.arange(n)[None, :]
  return (bits & 1).astype(jnp.float32)


def _even_configurations(sizes: Sequence[int], fixed: Array | None = None
                         ) -> tuple[Array, ...]:
  """Every configuration of the even layers (of the even hidden layers when
  `fixed` gives the visible units, broadcast `[..., 2^n, n_0]`); odd layers
  zero."""
  free = [l for l in range(0, len(sizes), 2) if fixed is None or l > 0]
  configs = _all_configurations(sum(sizes[l] for l in free))
  splits = list(itertools.accumulate(sizes[l] for l in free))[:-1]
  parts = jnp.split(configs, splits, axis=1) if free else []
  layers = [jnp.zeros((len(configs), n)) for n in sizes]
  for l, part in zip(free, parts):
    layers[l] = part
  if fixed is not None:
    batch = fixed.shape[:-1]
    layers = [jnp.broadcast_to(x, batch + x.shape) for x in layers]
    layers[0] = jnp.broadcast_to(fixed[..., None, :],
                                 batch + (len(configs), sizes[0]))
  return tuple(layers)


def exact_log_normalizer(params: LayeredParams) -> Array:
  r"""$\log Z = \log \sum_{x_{\mathrm{even}}} e^{-F(x_{\mathrm{even}})}$ by
  enumerating the even layers (tiny machines only: $2^{\sum n_{\mathrm{even}}}$
  terms). The reference AIS is tested against."""
  sizes = [b.shape[-1] for b in params.biases]
  return jax.nn.logsumexp(-free_energy(params, _even_configurations(sizes)))


def exact_log_marginal(params: LayeredParams, visible: Array) -> Array:
  r"""$\log p^*(v) = \log \sum_{x_{\mathrm{even}} \setminus v}
  e^{-F(v, \dots)}$, unnormalised, by enumeration (tiny machines); subtract
  `exact_log_normalizer` for $\log p(v)$.

  Args:
    params: the machine.
    visible: $v$, `[..., n_0]`.
  Returns:
    shape `[...]`.
  """
  sizes = [b.shape[-1] for b in params.biases]
  layers = _even_configurations(sizes, jnp.asarray(visible, jnp.float32))
  return jax.nn.logsumexp(-free_energy(params, layers), axis=-1)
