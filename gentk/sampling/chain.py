r"""Running a Markov chain: `lax.scan` over a kernel, returning the whole chain.

A kernel in the BlackJAX shape with its target and parameters bound,
`kernel(key, state) -> (state, info)`, is iterated `num_steps` times:
$x_{t+1} \sim K(x_t, \cdot)$, one fresh key per step.

References:
  Cabezas et al. 2024, "BlackJAX: Composable Bayesian inference in JAX",
    https://arxiv.org/abs/2402.10797
"""
from typing import Any, Callable

import jax

from gentk.types import PRNGKey, PyTree

Kernel = Callable[[PRNGKey, PyTree], tuple[PyTree, Any]]


def run_chain(kernel: Kernel, init_state: PyTree, key: PRNGKey,
              num_steps: int) -> tuple[PyTree, Any]:
  r"""Runs one chain for `num_steps` steps inside one `lax.scan`.

  $x_{t+1}, \mathrm{info}_t = K(k_t, x_t)$ for $t = 0..T-1$ with
  $(k_0, ..., k_{T-1}) = \mathrm{split}(key, T)$.

  Run many chains with `jax.vmap(run_chain, in_axes=(None, 0, 0, None))` over
  a batch of initial states and keys; compile with `jax.jit` at the call site
  (`kernel` and `num_steps` static).

  Args:
    kernel: `kernel(key, state) -> (state, info)`, e.g.
      `lambda k, s: mala_kernel(k, s, logdensity_fn, step_size)`.
    init_state: the chain's initial state (a pytree).
    key: PRNG key of the chain.
    num_steps: T, the number of transitions.
  Returns:
    `(states, infos)`: every state after each transition and every info, each
    leaf with a new leading axis of length T (the initial state is not
    included; `jax.tree.map(lambda x: x[-1], states)` is the final state).
  References:
    Cabezas et al. 2024, https://arxiv.org/abs/2402.10797 (the inference loop).
  """
  keys = jax.random.split(key, num_steps)

  def step(state, step_key):
    state, info = kernel(step_key, state)
    return state, (state, info)

  _, (states, infos) = jax.lax.scan(step, init_state, keys)
  return states, infos
