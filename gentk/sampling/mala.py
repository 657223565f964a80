r"""Metropolis-adjusted Langevin algorithm (MALA), wrapping BlackJAX's kernel.

One Euler step of the Langevin diffusion $dx = \nabla \log p(x) dt + \sqrt{2}
dW$ as the proposal,
$$x' = x + \epsilon \nabla \log \tilde p(x) + \sqrt{2 \epsilon}\, \xi,
\qquad \xi \sim N(0, I),$$
i.e. $q(x' | x) = N(x'; x + \epsilon \nabla \log \tilde p(x), 2 \epsilon I)$,
accepted with the Metropolis-Hastings ratio that corrects the asymmetry of $q$:
$$\alpha = \min\Big(1, \frac{\tilde p(x')\, q(x | x')}{\tilde p(x)\,
q(x' | x)}\Big).$$
(Texts that write the step as $\frac{\tau}{2} \nabla \log p + \sqrt{\tau} \xi$
use $\tau = 2 \epsilon$.) Without the accept step this is the unadjusted
Langevin algorithm, see `gentk.sampling.langevin`.

References:
  Roberts & Tweedie 1996, "Exponential convergence of Langevin distributions
    and their discrete approximations", https://doi.org/10.2307/3318418
  Roberts & Rosenthal 1998, "Optimal scaling of discrete approximations to
    Langevin diffusions" (acceptance 0.574),
    https://doi.org/10.1111/1467-9868.00123
"""
from typing import Callable

from blackjax.mcmc import mala as blackjax_mala

from gentk.types import ArrayLike, PRNGKey, PyTree

MALAState = blackjax_mala.MALAState  # (position, logdensity, logdensity_grad)
MALAInfo = blackjax_mala.MALAInfo  # (acceptance_rate, is_accepted)


def init(position: PyTree, logdensity_fn: Callable[[PyTree], ArrayLike]
         ) -> MALAState:
  r"""The chain state at `position`: $x$, $\log \tilde p(x)$, $\nabla \log
  \tilde p(x)$.

  Args:
    position: the initial position (a pytree, e.g. shape `[D]`).
    logdensity_fn: $\log \tilde p$, unnormalised, position -> scalar.
  Returns:
    `MALAState(position, logdensity, logdensity_grad)`.
  """
  return blackjax_mala.init(position, logdensity_fn)


def build_kernel() -> Callable[..., tuple[MALAState, MALAInfo]]:
  r"""Builds the MALA kernel.

  Returns:
    `kernel(rng_key, state, logdensity_fn, step_size) -> (state, info)` with
    `step_size` = $\epsilon$ of the module docstring; `info.acceptance_rate`
    is $\alpha$ and `info.is_accepted` the outcome.
  References:
    Roberts & Tweedie 1996, Section 1.4 (see the module docstring).
  """
  blackjax_kernel = blackjax_mala.build_kernel()

  def kernel(rng_key: PRNGKey, state: MALAState,
             logdensity_fn: Callable[[PyTree], ArrayLike],
             step_size: ArrayLike) -> tuple[MALAState, MALAInfo]:
    return blackjax_kernel(rng_key, state, logdensity_fn, step_size)

  return kernel
