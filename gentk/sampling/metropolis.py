r"""Random-walk Metropolis-Hastings, wrapping BlackJAX's additive-step kernel.

Proposal $x' = x + \Sigma^{1/2} \xi$, $\xi \sim N(0, I)$ (symmetric), accepted
with probability $\alpha = \min(1, \tilde p(x') / \tilde p(x))$; the
normaliser of $\tilde p$ cancels.

References:
  Metropolis et al. 1953, "Equation of state calculations by fast computing
    machines", https://doi.org/10.1063/1.1699114
  Hastings 1970, "Monte Carlo sampling methods using Markov chains and their
    applications", https://doi.org/10.1093/biomet/57.1.97
  Roberts, Gelman & Gilks 1997, "Weak convergence and optimal scaling of random
    walk Metropolis algorithms" (acceptance 0.234),
    https://doi.org/10.1214/aoap/1034625254
"""
from typing import Callable

import jax.numpy as jnp
from blackjax.mcmc import random_walk

from gentk.types import ArrayLike, PRNGKey, PyTree

RWState = random_walk.RWState  # (position, logdensity)
RWInfo = random_walk.RWInfo  # (acceptance_rate, is_accepted, proposal)


def init(position: PyTree, logdensity_fn: Callable[[PyTree], ArrayLike]
         ) -> RWState:
  """The chain state at `position`: the position and $\\log \\tilde p$ there.

  Args:
    position: the initial position (a pytree, e.g. shape `[D]`).
    logdensity_fn: $\\log \\tilde p$, unnormalised, position -> scalar.
  Returns:
    `RWState(position, logdensity)`.
  """
  return random_walk.init(position, logdensity_fn)


def build_kernel() -> Callable[..., tuple[RWState, RWInfo]]:
  r"""Builds the random-walk MH kernel.

  Returns:
    `kernel(rng_key, state, logdensity_fn, step_size) -> (state, info)`:
    one transition with the Gaussian increment $\sigma \xi$ where `step_size`
    $\sigma$ is a scalar, a per-coordinate scale `[D]` or a scale matrix
    `[D, D]` (a Cholesky factor of the proposal covariance). `info` is
    BlackJAX's `RWInfo`: `acceptance_rate` = $\alpha$, `is_accepted`.
  References:
    Metropolis et al. 1953; Hastings 1970 (see the module docstring).
  """
  additive_step = random_walk.build_additive_step()

  def kernel(rng_key: PRNGKey, state: RWState,
             logdensity_fn: Callable[[PyTree], ArrayLike],
             step_size: ArrayLike) -> tuple[RWState, RWInfo]:
    # BlackJAX's linear_map needs an array (a dtype) for the scale.
    random_step = random_walk.normal(jnp.asarray(step_size))
    return additive_step(rng_key, state, logdensity_fn, random_step)

  return kernel
