r"""Every sampler of `gentk.sampling` on 2-D targets (a banana, a mixture of
three Gaussians), plus block Gibbs on a small RBM.

Run (about 30 s of CPU time, a minute on a shared 2-core machine):
  python -m experiments.main --config=experiments/configs/sampling_demo.py \
    --workdir=runs/sampling
Variant `:quick` (about 12 s of CPU time, mostly compilation, for tests).

Writes one PNG per sampler to the workdir: inverse_cdf.png, rejection.png,
importance.png, metropolis.png, mala.png, sgld.png (samples over the target's
contours, MCMC with one chain's first steps), gibbs.png (sampled vs exact
p(v)), and metrics.json (`<sampler>/<target>/<metric>`).

Expected (full run, seed 0, measured 2026-11-21): exact samplers' mean errors
below 0.03 sd; rejection acceptance equal to 1/k (0.037 banana, 0.18
mixture); importance |log Z ratio| below 0.01 with ESS/K 0.24 / 0.46;
random-walk MH acceptance about 0.4, split R-hat below 1.06, mean errors below
0.02 sd; MALA acceptance 0.84 / 0.98, mean errors 0.08 / 0.04 sd, R-hat 1.5
on the banana (a few chains stick in its curved tails, where gradient steps
are rejected) and 1.02 on the mixture; SGLD mean errors
below 0.05 sd with R-hat 1.7 / 1.2; minibatch SGLD posterior sd 1.06 x the
exact one; Gibbs total-variation distance to the exact p(v) about 0.005.
"""
import ml_collections


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None (the full demo) or 'quick'."""
  if arg not in (None, "", "quick"):
    raise ValueError(f"unknown sampling_demo variant {arg!r}: use 'quick' or "
                     "nothing.")
  config = ml_collections.ConfigDict()
  config.runner = "sampling_demo"  # experiments.runners.<runner>.run(...).
  config.seed = 0  # Root PRNG seed; every sampler folds in its own index.
  # Compile without XLA's backend optimisation: ~2x faster to compile, ~2x
  # slower to run; pays off only when compilation dominates (quick runs).
  config.fast_compile = False

  config.targets = ml_collections.ConfigDict()
  config.targets.banana_a = 2.0  # Banana: x1 ~ N(0, a^2).
  config.targets.banana_b = 0.5  # Banana: x2 | x1 ~ N(b (x1^2 - a^2), 1).
  # The mixture is targets.demo_mixture(): 3 modes, std 0.8.

  config.exact = ml_collections.ConfigDict()
  config.exact.num_samples = 5_000  # Draws of the exact samplers.
  config.exact.grid_size = 513  # Inverse CDF: points per axis of the grid.
  # Inverse CDF: the grid's (x1 min, x1 max, x2 min, x2 max).
  config.exact.grid_limits = (-9.0, 9.0, -6.0, 30.0)
  config.exact.proposal_df = 3  # Rejection / IS: Student-t dof (integer).
  config.exact.envelope_margin = 1.1  # k = margin * max p / q on the grid.
  config.exact.block_size = 8_192  # Rejection: proposals per round.
  config.exact.num_proposals = 20_000  # Importance sampling: K.

  config.mcmc = ml_collections.ConfigDict()
  config.mcmc.num_chains = 128  # Chains run together under vmap.
  config.mcmc.num_steps = 5_000  # Transitions per chain.
  config.mcmc.burn_in = 1_000  # Transitions dropped before the statistics.
  config.mcmc.init_std = 3.0  # Chains start at N(0, init_std^2 I).
  config.mcmc.rwmh_step_size = 1.6  # Random-walk proposal std.
  config.mcmc.mala_step_size = 0.1  # MALA epsilon: x + e grad + sqrt(2e) xi.
  # SGLD e_t = a (b + t)^-gamma, 0.02 -> 0.01: larger steps make the
  # unadjusted chains diverge in the banana's tails.
  config.mcmc.sgld_a = 1.3  # SGLD schedule scale a.
  config.mcmc.sgld_b = 2000.0  # SGLD schedule offset b.
  config.mcmc.sgld_gamma = 0.55  # SGLD schedule decay gamma.

  config.sgld_posterior = ml_collections.ConfigDict()
  config.sgld_posterior.num_data = 1_000  # x_i ~ N(theta, I), 2-D.
  config.sgld_posterior.batch_size = 32  # Minibatch size n.
  config.sgld_posterior.step_size_a = 5e-4  # Schedule a (gamma: mcmc's).
  config.sgld_posterior.step_size_b = 10.0  # Schedule offset b.

  config.gibbs = ml_collections.ConfigDict()
  config.gibbs.rbm_sizes = (8, 4)  # RBM (visible V, hidden); 2^V v enumerated.
  config.gibbs.weight_scale = 1.0  # Random weights ~ N(0, scale^2).
  config.gibbs.num_chains = 256  # Parallel chains (one batched state).
  config.gibbs.num_steps = 2_000  # Block Gibbs sweeps.
  config.gibbs.burn_in = 200  # Sweeps dropped.

  config.plot = ml_collections.ConfigDict()
  config.plot.max_points = 3_000  # Points scattered per panel.
  config.plot.dpi = 100  # PNG resolution.
  config.plot.grid_size = 200  # Contours: target density grid per axis.

  if arg == "quick":
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
  return config
