r"""Layered binary Boltzmann machines (RBM, DBM) as Flax parameter holders.

A machine of layers $x_0$ (visible), $x_1, \dots, x_L$ of binary units has
the energy
$$E(x) = -\sum_{l=1}^{L} x_{l-1}^\top W_l\, x_l - \sum_{l=0}^{L} b_l^\top x_l$$
(`gentk.sampling.gibbs.energy`); the RBM is L = 1, Salakhutdinov & Hinton's
two-hidden-layer DBM is L = 2. Its free energy with the odd layers summed out
(`gentk.sampling.gibbs.free_energy`) gives an RBM's $\log p^*(v)$ and the
state AIS anneals. The module only holds the parameters (`W_1..W_L`,
`b_0..b_L`, so `init`, optimizers, `vmap` over seeds and Orbax see a plain
pytree); `machine(variables)` turns them into the `(weights, biases)` pair
the samplers take.

References:
  Hinton 2002, "Training products of experts by minimizing contrastive
    divergence", https://doi.org/10.1162/089976602760128018
  Salakhutdinov & Hinton 2009, "Deep Boltzmann machines",
    https://proceedings.mlr.press/v5/salakhutdinov09a.html
"""
from typing import Any, Sequence

import flax.linen as nn
import jax.numpy as jnp


class LayeredBoltzmann(nn.Module):
  """The parameters of a layered Boltzmann machine.

  Attributes:
    sizes: $(n_0, n_1, \\dots, n_L)$: visible units first (RBM: `(784,
      500)`; DBM: `(784, 500, 1000)`).
    weight_scale: $W_l \\sim N(0, \\text{scale}^2)$ at init (Hinton's
      practical guide: 0.01); biases start at zero.
  """
  sizes: Sequence[int]
  weight_scale: float = 0.01

  @nn.compact
  def __call__(self) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """`(weights, biases)`: $(W_1..W_L)$ `[n_{l-1}, n_l]`, $(b_0..b_L)$."""
    init = nn.initializers.normal(self.weight_scale)
    weights = tuple(self.param(f"W_{l}", init, (self.sizes[l - 1],
                                                 self.sizes[l]))
                    for l in range(1, len(self.sizes)))
    biases = tuple(self.param(f"b_{l}", nn.initializers.zeros,
                              (self.sizes[l],))
                   for l in range(len(self.sizes)))
    return weights, biases


def machine(variables: dict) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
  """`(weights, biases)` of a `LayeredBoltzmann`'s variables
  (`{"params": {"W_1": ..., "b_0": ...}}`), without applying the module."""
  p = variables["params"]
  num_layers = sum(1 for name in p if name.startswith("b_"))
  return (tuple(p[f"W_{l}"] for l in range(1, num_layers)),
          tuple(p[f"b_{l}"] for l in range(num_layers)))


def from_machine(weights: Sequence[Any], biases: Sequence[Any]) -> dict:
  """The variables `{"params": ...}` of `(weights, biases)`
  (`machine`'s inverse)."""
  params = {f"W_{l + 1}": jnp.asarray(w) for l, w in enumerate(weights)}
  params.update({f"b_{l}": jnp.asarray(b) for l, b in enumerate(biases)})
  return {"params": params}
