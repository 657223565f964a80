"""Every sampler of `gentk.sampling` on 2-D targets (a banana, a mixture of
three Gaussians), plus block Gibbs on a small RBM.

Writes one PNG per sampler (inverse_cdf, rejection, importance, metropolis,
mala, sgld, gibbs) and `metrics.json` (`<sampler>/<target>/<metric>`).
  gentk train --config=sampling_demo --workdir=runs/sampling
Variant `quick` (about 12 s of CPU time, mostly compilation, for tests).
Run time: about 30 s of CPU time, a minute on a shared 2-core machine.
Expected (seed 0): exact samplers' mean errors below 0.03 sd; rejection
acceptance 1/k (0.037 banana, 0.18 mixture); importance |log Z ratio| below
0.01; random-walk MH acceptance about 0.4, split R-hat below 1.06; MALA
acceptance 0.84 / 0.98; SGLD mean errors below 0.05 sd; Gibbs total-variation
distance to the exact p(v) about 0.005.
"""
import ml_collections

from gentk.training import spec

# (x1 min, x1 max, x2 min, x2 max) with min < max on each axis.
LIMITS = spec.Check(
    "4 finite floats (x1 min, x1 max, x2 min, x2 max) with min < max",
    lambda v, _: spec.finite_floats(4).accepts(v, _) and v[0] < v[1]
    and v[2] < v[3])
# Draws each MCMC chain keeps after its burn-in, at least (split R-hat).
MIN_KEPT = 4
# Visible units at most: the exact p(v) is enumerated over all 2^V states.
MAX_VISIBLE = 20
RBM_SIZES = spec.Check(
    f"2 positive ints (V, hidden) with V <= {MAX_VISIBLE} (the exact p(v) "
    "enumerates 2^V states)",
    lambda v, _: spec.positive_ints(length=2).accepts(v, _)
    and v[0] <= MAX_VISIBLE)


def _targets() -> ml_collections.ConfigDict:
  """The `config.targets` group: the banana's parameters."""
  targets = ml_collections.ConfigDict()
  # Banana: x1 ~ N(0, a^2).
  targets.banana_a = spec.field(2.0, spec.positive_float)
  # Banana: x2 | x1 ~ N(b (x1^2 - a^2), 1).
  targets.banana_b = spec.field(0.5, spec.real())
  # The mixture is targets.demo_mixture(): 3 modes, std 0.8.
  return targets


def _exact() -> ml_collections.ConfigDict:
  """The `config.exact` group: inverse CDF, rejection, importance
  sampling."""
  exact = ml_collections.ConfigDict()
  # Draws of the exact samplers.
  exact.num_samples = spec.field(5_000, spec.positive_int)
  # Inverse CDF: points per axis of the grid.
  exact.grid_size = spec.field(513, spec.integer(2))
  # Inverse CDF: the grid's (x1 min, x1 max, x2 min, x2 max).
  exact.grid_limits = spec.field((-9.0, 9.0, -6.0, 30.0), LIMITS)
  # Rejection / IS: Student-t dof (integer).
  exact.proposal_df = spec.field(3, spec.positive_int)
  # k = margin * max p / q on the grid.
  exact.envelope_margin = spec.field(1.1, spec.real(1))
  # Rejection: proposals per round.
  exact.block_size = spec.field(8_192, spec.positive_int)
  # Importance sampling: K.
  exact.num_proposals = spec.field(20_000, spec.positive_int)
  return exact


def _mcmc() -> ml_collections.ConfigDict:
  """The `config.mcmc` group: random-walk MH, MALA and SGLD chains."""
  mcmc = ml_collections.ConfigDict()
  # Chains run together under vmap.
  mcmc.num_chains = spec.field(128, spec.positive_int)
  # Transitions per chain.
  mcmc.num_steps = spec.field(5_000, spec.positive_int)
  # Transitions dropped before the statistics.
  mcmc.burn_in = spec.field(
      1_000, spec.below("mcmc.num_steps", spec.non_negative_int))
  # Chains start at N(0, init_std^2 I).
  mcmc.init_std = spec.field(3.0, spec.positive_float)
  # Random-walk proposal std.
  mcmc.rwmh_step_size = spec.field(1.6, spec.positive_float)
  # MALA epsilon: x + e grad + sqrt(2e) xi.
  mcmc.mala_step_size = spec.field(0.1, spec.positive_float)
  # SGLD e_t = a (b + t)^-gamma, 0.02 -> 0.01: larger steps make the
  # unadjusted chains diverge in the banana's tails.
  # SGLD schedule scale a.
  mcmc.sgld_a = spec.field(1.3, spec.positive_float)
  # SGLD schedule offset b.
  mcmc.sgld_b = spec.field(2000.0, spec.positive_float)
  # SGLD schedule decay gamma.
  mcmc.sgld_gamma = spec.field(0.55, spec.real(0.5, 1, open_low=True))
  return mcmc


def _sgld_posterior() -> ml_collections.ConfigDict:
  """The `config.sgld_posterior` group: SGLD on a Gaussian mean's
  posterior."""
  posterior = ml_collections.ConfigDict()
  # x_i ~ N(theta, I), 2-D.
  posterior.num_data = spec.field(1_000, spec.positive_int)
  # Minibatch size n.
  posterior.batch_size = spec.field(32, spec.below(
      "sgld_posterior.num_data", spec.positive_int, or_equal=True))
  # Schedule a (gamma: mcmc's).
  posterior.step_size_a = spec.field(5e-4, spec.positive_float)
  # Schedule offset b.
  posterior.step_size_b = spec.field(10.0, spec.positive_float)
  return posterior


def _gibbs() -> ml_collections.ConfigDict:
  """The `config.gibbs` group: block Gibbs on a small RBM."""
  gibbs = ml_collections.ConfigDict()
  # RBM (visible V, hidden); 2^V v enumerated.
  gibbs.rbm_sizes = spec.field((8, 4), RBM_SIZES)
  # Random weights ~ N(0, scale^2).
  gibbs.weight_scale = spec.field(1.0, spec.non_negative_float)
  # Parallel chains (one batched state).
  gibbs.num_chains = spec.field(256, spec.positive_int)
  # Block Gibbs sweeps.
  gibbs.num_steps = spec.field(2_000, spec.positive_int)
  # Sweeps dropped.
  gibbs.burn_in = spec.field(
      200, spec.below("gibbs.num_steps", spec.non_negative_int))
  return gibbs


def _plot() -> ml_collections.ConfigDict:
  """The `config.plot` group: the figures."""
  plot = ml_collections.ConfigDict()
  # Points scattered per panel.
  plot.max_points = spec.field(3_000, spec.positive_int)
  plot.dpi = spec.field(100, spec.positive_int)  # PNG resolution.
  # Contours: target density grid per axis.
  plot.grid_size = spec.field(200, spec.integer(2))
  return plot


def _kept_draws(config: ml_collections.ConfigDict) -> None:
  """Declares that split R-hat cuts the draws each chain keeps in two halves
  of 2 or more."""
  spec.constraint(
      config, ("mcmc.burn_in", "mcmc.num_steps"),
      lambda burn_in, num: num - burn_in >= MIN_KEPT,
      "{1} - {0} must be at least " + f"{MIN_KEPT}" + ": split R-hat cuts "
      "the draws each chain keeps in two halves of 2 or more",
      fix=lambda burn_in, num: (
          {"mcmc.burn_in": num // 4} if num - num // 4 >= MIN_KEPT
          else {"mcmc.num_steps": burn_in + MIN_KEPT}),
      breaks=lambda burn_in, num: {"mcmc.num_steps": max(num, MIN_KEPT),
                                   "mcmc.burn_in": max(num, MIN_KEPT) - 1})


def _quick(config: ml_collections.ConfigDict) -> None:
  """Few draws, short chains, small figures (in place)."""
  config.fast_compile = True
  config.exact.num_samples = 500
  config.exact.grid_size = 129
  config.exact.block_size = 1_024
  config.exact.num_proposals = 2_000
  config.mcmc.num_chains = 8
  config.mcmc.num_steps = 400
  config.mcmc.burn_in = 100
  config.gibbs.num_chains = 32
  config.gibbs.num_steps = 200
  config.gibbs.burn_in = 50
  config.plot.max_points = 500
  config.plot.dpi = 50
  config.plot.grid_size = 50


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None (the full demo) or 'quick'."""
  args = spec.variants(arg, __file__, flags=("quick",))
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(...).
  config.runner = spec.field("sampling_demo",
                             spec.module_in("gentk.runners"))
  # Root PRNG seed; every sampler folds in its own index.
  config.seed = spec.field(0, spec.non_negative_int)
  # Compile without XLA's backend optimisation: ~2x faster to compile, ~2x
  # slower to run; pays off only when compilation dominates (quick runs).
  config.fast_compile = spec.field(False, spec.boolean)
  config.targets = _targets()
  config.exact = _exact()
  config.mcmc = _mcmc()
  config.sgld_posterior = _sgld_posterior()
  config.gibbs = _gibbs()
  config.plot = _plot()
  # Relations between fields (checked before anything is written).
  _kept_draws(config)
  if "quick" in args:
    _quick(config)
  return config
