"""gentk.sampling: classic samplers and MCMC kernels in the BlackJAX shape.

MCMC kernels: `init(position, ...) -> state` and `build_kernel(...) ->
kernel(key, state, ...) -> (state, info)`, pure and not compiled inside; bind
the target and parameters and iterate with `run_chain`, `vmap` over chains:

  kernel = mala.build_kernel()
  step = lambda k, s: kernel(k, s, logdensity_fn, 0.1)
  states, infos = jax.jit(run_chain, static_argnums=(0, 3))(
      step, mala.init(x0, logdensity_fn), key, 1000)

Exact samplers (`inverse_cdf`, `rejection`, `importance`) are functions of a
key returning samples (and an info record).
"""
from gentk.sampling import diagnostics
from gentk.sampling import gibbs
from gentk.sampling import importance
from gentk.sampling import inverse_cdf
from gentk.sampling import langevin
from gentk.sampling import mala
from gentk.sampling import metropolis
from gentk.sampling import rejection
from gentk.sampling import targets
from gentk.sampling.chain import run_chain
from gentk.sampling.diagnostics import acceptance_rate
from gentk.sampling.diagnostics import effective_sample_size
from gentk.sampling.diagnostics import monte_carlo_standard_error
from gentk.sampling.diagnostics import split_rhat
from gentk.sampling.importance import importance_estimate
from gentk.sampling.importance import importance_resample
from gentk.sampling.rejection import rejection_sample

sgld = langevin  # The module of the SGLD kernel.

__all__ = [
    "acceptance_rate", "diagnostics", "effective_sample_size", "gibbs",
    "importance", "importance_estimate", "importance_resample",
    "inverse_cdf", "langevin", "mala", "metropolis",
    "monte_carlo_standard_error", "rejection", "rejection_sample",
    "run_chain", "sgld", "split_rhat", "targets",
]
