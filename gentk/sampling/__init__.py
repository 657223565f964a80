"""gentk.sampling: classic samplers and MCMC kernels in the BlackJAX shape.

MCMC kernels (`metropolis`, `mala`, `sgld` = `langevin`, `gibbs`) are pairs
`init(position, ...) -> state` and `build_kernel(...) -> kernel(key, state,
...) -> (state, info)`, pure and compiled by the caller. Bind the target and
the parameters, then `run_chain(kernel, init_state, key, num_steps)` runs the
chain in one `lax.scan` and returns every state and info (leading axis
`num_steps`); `vmap` it over chains and `jit` the whole run:

  import jax
  import jax.numpy as jnp
  from gentk import sampling

  target = sampling.targets.banana()
  kernel = sampling.mala.build_kernel()
  step = lambda key, state: kernel(key, state, target.logdensity_fn, 0.1)

  @jax.jit
  def run(positions, keys):  # one chain per row of positions / keys
    return jax.vmap(lambda x, k: sampling.run_chain(
        step, sampling.mala.init(x, target.logdensity_fn), k, 2_000))(
            positions, keys)

  states, infos = run(jnp.zeros((8, 2)), jax.random.split(jax.random.key(0), 8))
  samples = states.position[:, 500:]  # [chains, draws, 2] after burn-in
  sampling.split_rhat(samples), sampling.effective_sample_size(samples)
  sampling.acceptance_rate(infos.is_accepted)

Exact samplers are functions of a key returning samples and an info record:
`inverse_cdf` (from a quantile function, or a 1-D density inverted on a grid),
`rejection_sample` (fixed output shape with a validity mask),
`ais.log_normalizer` (annealed importance sampling of a Boltzmann machine's
log Z, every run one batch row, the temperatures one `lax.scan`),
`importance_estimate` / `importance_resample` (plain and self-normalised
estimates, Z_p / Z_q, ESS, SIR). `targets` holds 2-D test densities with exact
moments (Gaussian, banana, Gaussian mixture).
"""
from gentk.sampling import ais
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
    "acceptance_rate", "ais", "diagnostics", "effective_sample_size", "gibbs",
    "importance", "importance_estimate", "importance_resample",
    "inverse_cdf", "langevin", "mala", "metropolis",
    "monte_carlo_standard_error", "rejection", "rejection_sample",
    "run_chain", "sgld", "split_rhat", "targets",
]
