"""The sampling demo: each sampler of `gentk.sampling` on 2-D targets.

`run(config, workdir)` draws from the banana and the three-Gaussian mixture of
`gentk.sampling.targets` with inverse-CDF (marginal then conditional, on a
grid), rejection and importance sampling (Student-t proposal), random-walk MH,
MALA and SGLD (plus SGLD with minibatches on a conjugate posterior), and runs
block Gibbs on a small RBM against its exact marginal p(v). It writes one PNG
per sampler and `metrics.json`, and returns the flat metrics.

Compilation, not sampling, dominates a quick run on a CPU, so everything
random runs in three compiled programs: one for every 2-D sampler that serves
both targets (the target is a traced index), one for the SGLD posterior and
one for the RBM; the rest is NumPy and matplotlib (object API, no pyplot).
Metric names are `<sampler>/<target>/<name>`; `mean_error` is
max_i |estimate_i - exact_i| / exact_sd_i.
"""
import functools
import json
import math
import pathlib

import jax
import jax.numpy as jnp
from matplotlib.figure import Figure
import ml_collections
import numpy as np

from gentk.sampling import (diagnostics, gibbs, importance, inverse_cdf,
                            langevin, mala, metropolis, rejection, run_chain,
                            targets)

MCMC = ("metropolis", "mala", "sgld")
SAMPLERS = ("inverse_cdf", "rejection", "importance") + MCMC + ("gibbs",)
# Plot window per target: (x1 min, x1 max, x2 min, x2 max).
_LIMITS = {"banana": (-7.0, 7.0, -4.0, 12.0), "mixture": (-5.0, 5.0, -3.0, 5.0),
           "posterior": (-4.0, 4.0, -4.0, 4.0)}
_TITLES = {
    "inverse_cdf": "Inverse CDF on a grid: x1 ~ marginal, x2 ~ conditional",
    "rejection": "Rejection sampling, Student-t envelope",
    "importance": "Importance sampling + resampling (SIR), Student-t proposal",
    "metropolis": "Random-walk Metropolis-Hastings",
    "mala": "MALA",
    "sgld": "SGLD, polynomial step-size schedule (exact gradients on the "
            "2-D targets)",
}


def _targets(config: ml_collections.ConfigDict) -> dict[str, targets.Target]:
  return {"banana": targets.banana(config.targets.banana_a,
                                   config.targets.banana_b),
          "mixture": targets.demo_mixture()}


def _select(index, choices: list[targets.Target]) -> targets.Target:
  """`choices[index]` for a traced `index`: one compiled program serves all."""
  return targets.Target(
      lambda x: jax.lax.switch(index, [t.logdensity_fn for t in choices], x),
      None, jnp.stack([t.mean for t in choices])[index],
      jnp.stack([t.covariance for t in choices])[index])


def _grid(limits, size):
  """`size x size` points over `limits`, shape `[size, size, 2]` (x1 first)."""
  g1 = jnp.linspace(limits[0], limits[1], size)
  g2 = jnp.linspace(limits[2], limits[3], size)
  return g1, g2, jnp.stack(jnp.meshgrid(g1, g2, indexing="ij"), axis=-1)


# ------------------------------------------------------------- exact samplers


def _inverse_cdf_2d(key, target, config):
  """x1 from its grid marginal, then x2 from its grid conditional given x1."""
  c = config.exact
  g1, g2, grid = _grid(c.grid_limits, c.grid_size)
  # log of the Riemann sum over x2 (the constant dx2 cancels in the CDF).
  marginal = inverse_cdf.grid_cdf(
      g1, jax.nn.logsumexp(target.logdensity_fn(grid), axis=1))
  key1, key2 = jax.random.split(key)
  x1 = inverse_cdf.sample_from_quantile(
      key1, lambda u: inverse_cdf.grid_quantile(marginal, u),
      (c.num_samples,))
  pairs = jnp.stack(jnp.broadcast_arrays(x1[:, None], g2[None, :]), axis=-1)
  conditionals = inverse_cdf.grid_cdf(g2, target.logdensity_fn(pairs))
  x2 = jax.vmap(inverse_cdf.grid_quantile,
                in_axes=(inverse_cdf.GridCDF(None, 0, 0), 0))(
                    conditionals, jax.random.uniform(key2, (c.num_samples,)))
  return jnp.stack([x1, x2], axis=-1)


def _student_t(mean, scale, df: int):
  """2-D isotropic Student-t (integer `df`): `(sample_fn, log_prob_fn)`.

  Heavier-tailed than both targets, so p / q is bounded (the banana's ridge
  x2 = b x1^2 defeats any Gaussian envelope).
  """
  log_norm = (math.lgamma((df + 2) / 2) - math.lgamma(df / 2)
              - math.log(df * math.pi) - 2 * jnp.log(scale))

  def sample_fn(key, n):
    key_z, key_chi = jax.random.split(key)
    # chi^2_df as a sum of df squared normals: cheaper to compile than gamma.
    chi2 = jnp.sum(jax.random.normal(key_chi, (n, df))**2, axis=-1)
    return mean + scale * jax.random.normal(key_z, (n, 2)) * jnp.sqrt(
        df / chi2)[:, None]

  def log_prob_fn(x):
    r2 = jnp.sum(((x - mean) / scale)**2, axis=-1)
    return log_norm - (df + 2) / 2 * jnp.log1p(r2 / df)

  return sample_fn, log_prob_fn


def _exact_samplers(keys, target, config, metrics):
  """Inverse CDF, rejection and importance sampling: their plot points."""
  c = config.exact
  scale = jnp.sqrt(jnp.max(jnp.diag(target.covariance)))
  sample_q, log_q = _student_t(target.mean, scale, c.proposal_df)
  points = {"inverse_cdf": _inverse_cdf_2d(keys["inverse_cdf"], target,
                                           config)}
  metrics["inverse_cdf/mean_error"] = _mean_error(
      points["inverse_cdf"].mean(0), target)

  # k = margin * max p / q over a wide grid (p / q -> 0 beyond it).
  _, _, wide = _grid((-20.0, 20.0, -20.0, 60.0), 801)
  log_k = (jnp.max(target.logdensity_fn(wide) - log_q(wide))
           + math.log(c.envelope_margin))
  x, info = rejection.rejection_sample(
      keys["rejection"], target.logdensity_fn, sample_q, log_q, log_k,
      c.num_samples, block_size=c.block_size)
  points["rejection"] = jnp.where(info.valid[:, None], x, jnp.nan)
  metrics["rejection/mean_error"] = _mean_error(
      jnp.nanmean(points["rejection"], axis=0), target)
  metrics["rejection/acceptance"] = info.acceptance_rate
  metrics["rejection/one_over_k"] = jnp.exp(-log_k)  # p, q normalised
  metrics["rejection/envelope_violations"] = info.envelope_violations

  key_is, key_sir = jax.random.split(keys["importance"])
  result = importance.importance_estimate(
      key_is, lambda z: z, target.logdensity_fn, sample_q, log_q,
      c.num_proposals)
  metrics["importance/mean_error"] = _mean_error(result.self_normalized,
                                                 target)
  # Both densities are normalised: log Z_p / Z_q = 0.
  metrics["importance/log_z_ratio_error"] = jnp.abs(
      result.log_normalizer_ratio)
  metrics["importance/ess_fraction"] = (result.effective_sample_size
                                        / c.num_proposals)
  points["importance"] = importance.importance_resample(
      key_sir, result.samples, result.log_weights, c.num_samples)
  return points


# ---------------------------------------------------------------------- MCMC


def _chains(key, init_fn, step_fn, mcmc):
  """`num_chains` chains from N(0, init_std^2 I), vmapped, in one scan."""
  key_init, key_run = jax.random.split(key)
  x0 = mcmc.init_std * jax.random.normal(key_init, (mcmc.num_chains, 2))
  return jax.vmap(lambda x, k: run_chain(step_fn, init_fn(x), k,
                                         mcmc.num_steps))(
                                             x0, jax.random.split(
                                                 key_run, mcmc.num_chains))


def _mcmc_samplers(keys, target, config, metrics):
  """RWMH, MALA, SGLD: their post burn-in points and first chain's path."""
  c, f = config.mcmc, target.logdensity_fn
  rwmh, mala_kernel = metropolis.build_kernel(), mala.build_kernel()
  sgld_kernel = langevin.build_kernel(langevin.polynomial_schedule(
      c.sgld_a, c.sgld_b, c.sgld_gamma))
  grad = lambda x, _: jax.grad(f)(x)  # exact: no data, empty minibatch
  runs = {
      "metropolis": (lambda x: metropolis.init(x, f),
                     lambda k, s: rwmh(k, s, f, c.rwmh_step_size)),
      "mala": (lambda x: mala.init(x, f),
               lambda k, s: mala_kernel(k, s, f, c.mala_step_size)),
      "sgld": (langevin.init, lambda k, s: sgld_kernel(k, s, grad, ())),
  }
  points, paths = {}, {}
  for name, (init_fn, step_fn) in runs.items():
    states, infos = _chains(keys[name], init_fn, step_fn, c)
    points[name] = states.position[:, c.burn_in:]
    paths[name] = states.position[0, :200]
    if name != "sgld":
      metrics[f"{name}/acceptance"] = diagnostics.acceptance_rate(
          infos.is_accepted[:, c.burn_in:])
  # One ESS / R-hat call for all samplers, `[C, N, 2 x samplers]`.
  stacked = jnp.concatenate(list(points.values()), axis=-1)
  ess = diagnostics.effective_sample_size(stacked).reshape(len(runs), 2)
  rhat = diagnostics.split_rhat(stacked).reshape(len(runs), 2)
  for i, name in enumerate(runs):
    metrics[f"{name}/mean_error"] = _mean_error(
        points[name].mean(axis=(0, 1)), target)
    metrics[f"{name}/ess_min"] = jnp.min(ess[i])
    metrics[f"{name}/rhat_max"] = jnp.max(rhat[i])
  return points, paths


def _draw(key, index, choices, config):
  """Every 2-D sampler on `choices[index]`, compiled once for all targets."""
  target = _select(index, choices)
  keys = dict(zip(SAMPLERS, jax.random.split(key, len(SAMPLERS))))
  metrics = {}
  points = _exact_samplers(keys, target, config, metrics)
  chain_points, paths = _mcmc_samplers(keys, target, config, metrics)
  limits = jnp.asarray([_LIMITS[name] for name in _targets(config)])[index]
  _, _, grid = _grid(limits, config.plot.grid_size)
  return ({**points, **chain_points}, paths,
          jnp.exp(target.logdensity_fn(grid)), metrics)


def _mean_error(estimate, target):
  sd = jnp.sqrt(jnp.diag(target.covariance))
  return jnp.max(jnp.abs(estimate - target.mean) / sd)


def _sgld_posterior(key, config):
  """SGLD with minibatches on x_i ~ N(theta, I), prior N(0, 10^2 I)."""
  c = config.sgld_posterior
  key_data, key_run = jax.random.split(key)
  data = jnp.asarray([1.0, -0.5]) + jax.random.normal(key_data,
                                                       (c.num_data, 2))
  precision = 1.0 / 100.0 + c.num_data
  mean, sd = jnp.sum(data, axis=0) / precision, 1.0 / math.sqrt(precision)
  grad_estimator = langevin.minibatch_grad_estimator(
      lambda th: -0.5 * jnp.sum(th**2) / 100.0,
      lambda th, x: -0.5 * jnp.sum((x - th)**2), c.num_data)
  kernel = langevin.build_kernel(langevin.polynomial_schedule(
      c.step_size_a, c.step_size_b, config.mcmc.sgld_gamma))

  def step(key, state):
    key_batch, key_move = jax.random.split(key)
    batch = langevin.sample_minibatch(key_batch, data, c.batch_size)
    return kernel(key_move, state, grad_estimator, batch)

  mcmc = config.mcmc.copy_and_resolve_references()
  mcmc.init_std = 0.1
  states, _ = _chains(key_run, langevin.init, step, mcmc)
  samples = (states.position[:, mcmc.burn_in:] - mean) / sd  # exact: N(0, I)
  metrics = {"sgld/posterior/mean_error": jnp.max(
      jnp.abs(samples.mean(axis=(0, 1)))),
             "sgld/posterior/sd_ratio": jnp.mean(jnp.std(samples,
                                                         axis=(0, 1)))}
  return samples, metrics


def _rbm(key, config):
  """Block Gibbs on a random RBM: sampled vs exact p(v) over all 2^V v.

  Exact: log p~(v) = b.v + sum_j softplus(c_j + (v W)_j) (h summed out).
  """
  g = config.gibbs
  num_visible, num_hidden = g.rbm_sizes
  k_w, k_b, k_c, k_init, k_run = jax.random.split(key, 5)
  params = gibbs.rbm_params(
      g.weight_scale * jax.random.normal(k_w, (num_visible, num_hidden)),
      0.5 * jax.random.normal(k_b, (num_visible,)),
      0.5 * jax.random.normal(k_c, (num_hidden,)))
  powers = 2 ** jnp.arange(num_visible - 1, -1, -1)
  all_v = (jnp.arange(2**num_visible)[:, None] // powers % 2).astype(
      jnp.float32)  # row i is i in binary
  w, (b, c) = params.weights[0], params.biases
  exact = jax.nn.softmax(all_v @ b + jnp.sum(jax.nn.softplus(c + all_v @ w),
                                             axis=-1))
  init = gibbs.init([jax.random.bernoulli(k_init, 0.5, (g.num_chains, n))
                     for n in g.rbm_sizes])
  kernel = gibbs.build_kernel()
  states, _ = run_chain(lambda k, s: kernel(k, s, params), init, k_run,
                        g.num_steps)
  v = states.layers[0][g.burn_in:].reshape(-1, num_visible)
  sampled = jnp.bincount((v @ powers).astype(jnp.int32),
                         length=2**num_visible) / v.shape[0]
  return exact, sampled, {"gibbs/rbm/tv_distance": 0.5 * jnp.sum(
      jnp.abs(sampled - exact))}


# ---------------------------------------------------------------------- plots


def _figure(path, title, panels, config):
  """One row of scatter panels: (title, points, target, density, path)."""
  fig = Figure(figsize=(4.5 * len(panels), 4.2), dpi=config.plot.dpi)
  axes = fig.subplots(1, len(panels), squeeze=False)
  rng = np.random.default_rng(0)
  for ax, (panel_title, points, name, density, path_xy) in zip(axes[0],
                                                               panels):
    points = np.asarray(points).reshape(-1, 2)
    keep = rng.permutation(len(points))[:config.plot.max_points]
    ax.scatter(points[keep, 0], points[keep, 1], s=2, alpha=0.35)
    x1lo, x1hi, x2lo, x2hi = _LIMITS[name]
    if density is not None:
      size = config.plot.grid_size
      density = np.asarray(density)
      ax.contour(np.linspace(x1lo, x1hi, size), np.linspace(x2lo, x2hi, size),
                 density.T, levels=np.linspace(0, density.max(), 7)[1:],
                 colors="k", linewidths=0.6)  # no level 0: float underflow
    if path_xy is not None:
      ax.plot(*np.asarray(path_xy).T, "r-", lw=0.7, alpha=0.8,
              label="one chain, first 200 steps")
      ax.legend(loc="upper right", fontsize=7)
    ax.set(xlim=(x1lo, x1hi), ylim=(x2lo, x2hi))
    ax.set_title(panel_title, fontsize=8)
  fig.suptitle(title, fontsize=10)
  fig.subplots_adjust(left=0.06, right=0.98, bottom=0.08, top=0.86,
                      wspace=0.2)
  fig.savefig(path)


def _label(metrics, prefix):
  """A panel title from the metrics under `prefix`."""
  short = {"mean_error": "mean err {:.3f} sd", "acceptance": "accept {:.2f}",
           "one_over_k": "1/k {:.3f}", "ess_fraction": "ESS/K {:.2f}",
           "log_z_ratio_error": "|log Z ratio| {:.3f}", "ess_min": "ESS {:.0f}",
           "rhat_max": "R-hat {:.3f}", "sd_ratio": "sd ratio {:.2f}"}
  return ", ".join(fmt.format(metrics[f"{prefix}/{k}"])
                   for k, fmt in short.items() if f"{prefix}/{k}" in metrics)


def _gibbs_figure(path, exact, sampled, metrics, config):
  """Gibbs frequencies of every visible state against the exact p(v)."""
  g = config.gibbs
  fig = Figure(figsize=(4.8, 4.4), dpi=config.plot.dpi)
  ax = fig.subplots()
  ax.loglog(exact, np.maximum(sampled, 1e-6), ".", ms=4)
  ax.plot([1e-6, 1], [1e-6, 1], "k-", lw=0.6)
  ax.set(xlabel="exact p(v)", ylabel="Gibbs frequency",
         title=f"Block Gibbs, RBM {tuple(g.rbm_sizes)}, {g.num_chains} chains "
         f"x {g.num_steps} sweeps\nTV distance "
         f"{metrics['gibbs/rbm/tv_distance']:.3f}")
  fig.subplots_adjust(left=0.16, right=0.96, bottom=0.12, top=0.86)
  fig.savefig(path)


# ----------------------------------------------------------------------- run


def run(config: ml_collections.ConfigDict, workdir: str) -> dict[str, float]:
  """Runs every sampler, writes `<sampler>.png` and `metrics.json`."""
  workdir = pathlib.Path(workdir)
  workdir.mkdir(parents=True, exist_ok=True)
  # Quick runs are dominated by compilation: skip XLA's backend optimisation.
  jit = functools.partial(jax.jit, compiler_options={
      "xla_backend_optimization_level": 0} if config.fast_compile else None)
  key = lambda i: jax.random.fold_in(jax.random.key(config.seed), i)
  metrics, drawn = {}, {}
  choices = list(_targets(config).values())
  draw = jit(lambda i: _draw(key(i), i, choices, config))
  for i, name in enumerate(_targets(config)):
    points, paths, density, target_metrics = jax.device_get(draw(i))
    metrics.update({f"{k.split('/')[0]}/{name}/{k.split('/')[1]}": float(v)
                    for k, v in target_metrics.items()})
    drawn[name] = (points, paths, density)
  posterior, posterior_metrics = jax.device_get(jit(
      lambda: _sgld_posterior(key(100), config))())
  exact, sampled, gibbs_metrics = jax.device_get(jit(
      lambda: _rbm(key(101), config))())
  metrics.update({k: float(v) for k, v in {**posterior_metrics,
                                           **gibbs_metrics}.items()})

  for sampler, title in _TITLES.items():
    panels = [(f"{name}: " + _label(metrics, f"{sampler}/{name}"),
               points[sampler], name, density, paths.get(sampler))
              for name, (points, paths, density) in drawn.items()]
    if sampler in MCMC:
      c = config.mcmc
      title += (f"\n{c.num_chains} chains x {c.num_steps} steps, "
                f"{c.burn_in} burn-in")
    if sampler == "sgld":  # Contours of the exact N(0, I) on a square grid.
      g = np.linspace(*_LIMITS["posterior"][:2], config.plot.grid_size)
      panels.append((
          f"posterior of a 2-D mean, batch {config.sgld_posterior.batch_size}"
          f" of {config.sgld_posterior.num_data}, standardised:\n"
          + _label(metrics, "sgld/posterior"), posterior, "posterior",
          np.exp(-0.5 * (g[:, None]**2 + g[None, :]**2)), None))
    _figure(workdir / f"{sampler}.png", title, panels, config)
  _gibbs_figure(workdir / "gibbs.png", exact, sampled, metrics, config)

  (workdir / "metrics.json").write_text(json.dumps(metrics, indent=1,
                                                   sort_keys=True))
  print("sampling demo:")
  for name in sorted(metrics):
    print(f"  {name}: {metrics[name]:.4g}")
  return metrics
