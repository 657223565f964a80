r"""Stochastic-gradient Langevin dynamics (SGLD), wrapping BlackJAX's kernel.

The unadjusted Langevin step (MALA without the accept step) with a minibatch
estimate of the gradient of the log posterior and a decreasing step size:
$$\theta_{t+1} = \theta_t + \epsilon_t \hat g(\theta_t) + \sqrt{2 T \epsilon_t}
\,\xi_t, \qquad \hat g(\theta) = \nabla \log p(\theta) + \frac{N}{n}
\sum_{i \in B_t} \nabla \log p(x_i | \theta),$$
$\xi_t \sim N(0, I)$, minibatch $B_t$ of size $n$ out of $N$, temperature $T$
(1 samples the posterior). With $\sum_t \epsilon_t = \infty$ and
$\sum_t \epsilon_t^2 < \infty$, e.g. $\epsilon_t = a (b + t)^{-\gamma}$,
$\gamma \in (0.5, 1]$, the discretisation and minibatch errors vanish.
Welling & Teh write the step as $\frac{\epsilon'_t}{2} \hat g + N(0,
\epsilon'_t)$: their $\epsilon'_t = 2 \epsilon_t$.

References:
  Welling & Teh 2011, "Bayesian learning via stochastic gradient Langevin
    dynamics", https://www.stats.ox.ac.uk/~teh/research/compstats/WelTeh2011a.pdf
  Roberts & Tweedie 1996, "Exponential convergence of Langevin distributions
    and their discrete approximations", https://doi.org/10.2307/3318418
"""
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
from blackjax.sgmcmc import gradients as blackjax_gradients
from blackjax.sgmcmc import sgld as blackjax_sgld

from gentk.types import Array, ArrayLike, PRNGKey, PyTree

Schedule = Callable[[Array], Array]


class SGLDState(NamedTuple):
  """SGLD chain state.

  Attributes:
    position: $\\theta_t$, a pytree.
    step: t, the number of transitions made (int32 scalar); the step size of
      the next transition is `schedule(step)`.
  """
  position: PyTree
  step: Array


class SGLDInfo(NamedTuple):
  """Per-transition information.

  Attributes:
    step_size: $\\epsilon_t$ used by this transition.
  """
  step_size: Array


def init(position: PyTree) -> SGLDState:
  """The chain state at `position`, at step 0.

  Args:
    position: the initial position (a pytree).
  Returns:
    `SGLDState(position, step=0)`.
  """
  return SGLDState(position, jnp.zeros((), jnp.int32))


def polynomial_schedule(a: float, b: float, gamma: float) -> Schedule:
  r"""The step size schedule $\epsilon_t = a (b + t)^{-\gamma}$.

  Args:
    a: scale.
    b: offset (> 0 when t starts at 0).
    gamma: decay exponent; $\gamma \in (0.5, 1]$ meets the Robbins-Monro
      conditions, $\gamma = 0$ gives the constant $a$.
  Returns:
    `schedule(t) -> step size`, a scalar.
  References:
    Welling & Teh 2011, Section 3.
  """

  def schedule(step: Array) -> Array:
    return a * (b + jnp.asarray(step, jnp.float32)) ** (-gamma)

  return schedule


def minibatch_grad_estimator(
    logprior_fn: Callable[[PyTree], ArrayLike],
    loglikelihood_fn: Callable[[PyTree, PyTree], ArrayLike],
    data_size: int) -> Callable[[PyTree, PyTree], PyTree]:
  r"""$\hat g(\theta, B) = \nabla_\theta [\log p(\theta) + \frac{N}{n}
  \sum_{i \in B} \log p(x_i | \theta)]$, unbiased for the full gradient.

  Args:
    logprior_fn: $\log p(\theta)$, position -> scalar.
    loglikelihood_fn: $\log p(x | \theta)$ of one example, `(position, x)` ->
      scalar.
    data_size: N, the size of the full data set.
  Returns:
    `grad_estimator(position, minibatch)` (minibatch: examples on axis 0); this
    is BlackJAX's `sgmcmc.gradients.grad_estimator`.
  References:
    Welling & Teh 2011, Eq. 4.
  """
  return blackjax_gradients.grad_estimator(logprior_fn, loglikelihood_fn,
                                           data_size)


def sample_minibatch(key: PRNGKey, data: PyTree, batch_size: int) -> PyTree:
  """Draws `batch_size` examples uniformly with replacement (axis 0 of `data`).

  With replacement each example is a uniform draw, so the minibatch gradient
  of `minibatch_grad_estimator` is unbiased.

  Args:
    key: PRNG key.
    data: a pytree of arrays sharing their leading axis N.
    batch_size: n.
  Returns:
    the pytree with leading axis n.
  """
  num_examples = jax.tree.leaves(data)[0].shape[0]
  idx = jax.random.randint(key, (batch_size,), 0, num_examples)
  return jax.tree.map(lambda x: x[idx], data)


def build_kernel(schedule: Schedule | float, *, temperature: float = 1.0
                 ) -> Callable[..., tuple[SGLDState, SGLDInfo]]:
  r"""Builds the SGLD kernel.

  Args:
    schedule: `schedule(t) -> step size`$\epsilon_t$ (e.g.
      `polynomial_schedule`), or a constant step size.
    temperature: T; 1 samples the posterior, 0 is stochastic gradient ascent.
  Returns:
    `kernel(rng_key, state, grad_estimator, minibatch) -> (state, info)`:
    one step of the update of the module docstring with $\hat g$ =
    `grad_estimator(state.position, minibatch)`.
  References:
    Welling & Teh 2011, Eq. 4.
  """
  blackjax_kernel = blackjax_sgld.build_kernel()
  schedule_fn = schedule if callable(schedule) else (lambda _: schedule)

  def kernel(rng_key: PRNGKey, state: SGLDState,
             grad_estimator: Callable[[PyTree, PyTree], PyTree],
             minibatch: PyTree) -> tuple[SGLDState, SGLDInfo]:
    step_size = jnp.asarray(schedule_fn(state.step), jnp.float32)
    position = blackjax_kernel(rng_key, state.position, grad_estimator,
                               minibatch, step_size, temperature)
    return SGLDState(position, state.step + 1), SGLDInfo(step_size)

  return kernel
