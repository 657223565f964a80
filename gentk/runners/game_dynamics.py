"""The game-dynamics demo: GDA on min_x max_y xy, and mode hopping of a GAN.

`run(config, workdir)` draws the bilinear game's trajectories
(`gentk.algorithms.game_dynamics`), then trains one GAN per mixture with the
canonical loop (`gentk.training.train` on `recipes.build` of the mixture's
`gan_mixture` config), watching the generator through the loop's monitor: at
`config.num_snapshots` evenly spaced steps it draws samples, logs the share at
each mode (`monitor/mode_<k>`) and keeps the samples for the snapshot grid.

Hopping is summarised from the snapshots: the modes that hold the generator
at each (a share >= `config.hold_share` of the samples near them: nearest,
and within `config.near_radius` x the least distance between two modes), the
dominant mode of each, how often the dominant mode changes and how many
modes are dominant at some point. Snapshots are saved to
`<mixture>/snapshots.npz`; rerunning in a finished workdir trains nothing and
redraws the figures from that file.
"""
import json
import pathlib

from matplotlib.figure import Figure
import jax
import ml_collections
import numpy as np

from gentk import plotting, recipes
from gentk.algorithms import game_dynamics
from gentk.data import mixtures
from gentk.metrics import modes
from gentk.training import config as config_lib
from gentk.training import loop

MIXTURES = ("line", "ring")


def _bilinear(config: ml_collections.ConfigDict, workdir: pathlib.Path
              ) -> dict[str, float]:
  """Trajectories of f = xy: figure and figures of merit."""
  eta, num_steps = config.eta, config.num_steps
  runs = {name: np.asarray(game_dynamics.gda_trajectory(
              game_dynamics.bilinear, config.z0, eta, num_steps,
              alternating=alternating))
          for name, alternating in (("simultaneous", False),
                                    ("alternating", True))}
  t = np.linspace(0.0, num_steps * eta, 400)
  flow = np.asarray(game_dynamics.bilinear_flow(config.z0, t))
  radius = {name: np.linalg.norm(z, axis=-1) for name, z in runs.items()}
  invariant = np.asarray(game_dynamics.alternating_invariant(
      runs["alternating"], eta))
  r0 = radius["simultaneous"][0]
  metrics = {
      "simultaneous_growth_per_step": float(
          (radius["simultaneous"][-1] / r0) ** (1.0 / num_steps)),
      "expected_growth_per_step": float(np.sqrt(1.0 + eta ** 2)),
      "alternating_max_radius_ratio": float(radius["alternating"].max() / r0),
      "alternating_invariant_drift": float(
          np.abs(invariant - invariant[0]).max() / invariant[0]),
      "flow_radius_drift": float(np.abs(np.linalg.norm(flow, axis=-1) - r0
                                        ).max() / r0),
  }
  fig = Figure(figsize=(10, 4.5), dpi=100)
  orbit, distance = fig.subplots(1, 2)
  orbit.plot(flow[:, 0], flow[:, 1], "k-", lw=2, label="continuous flow")
  for name, z in runs.items():
    orbit.plot(z[:, 0], z[:, 1], ".-", ms=2, lw=0.5, label=f"{name} steps")
  orbit.plot(0, 0, "r*", ms=10, label="equilibrium (0, 0)")
  orbit.set(xlabel="x (minimises xy)", ylabel="y (maximises xy)",
            aspect="equal", title=f"min_x max_y xy, eta = {eta}")
  orbit.legend(fontsize=7)
  steps = np.arange(num_steps + 1)
  for name, r in radius.items():
    distance.plot(steps, r, label=name)
  distance.plot(steps, r0 * np.sqrt(1 + eta ** 2) ** steps, "k:",
                label="sqrt(1 + eta^2)^t")
  distance.set(xlabel="step t", ylabel="distance to (0, 0)",
               title="distance to the equilibrium")
  distance.legend(fontsize=7)
  fig.savefig(workdir / "bilinear.png", bbox_inches="tight")
  return metrics


def _near_std(mixture: mixtures.Mixture, radius: float) -> float:
  """`radius` x the least distance between two modes, in units of the
  mixture's std (the `num_std` of `modes.mode_histogram`)."""
  c = np.asarray(mixture.centers)
  d = np.linalg.norm(c[:, None] - c[None], axis=-1)
  return radius * d[~np.eye(len(c), dtype=bool)].min() / mixture.std


def mode_shares(x: np.ndarray, mixture: mixtures.Mixture, radius: float
                ) -> np.ndarray:
  """The share of samples `x [N, D]` near each mode `[M]`: nearest to it and
  within `radius` x the least distance between two modes."""
  counts, _ = modes.mode_histogram(x, mixture,
                                   num_std=_near_std(mixture, radius))
  return np.asarray(counts) / len(x)


def hopping(shares: np.ndarray, hold_share: float) -> dict[str, float]:
  """The hopping summary of mode shares per snapshot `shares [S, M]`.

  A mode *holds* the generator at a snapshot when it has >= `hold_share` of
  the samples near it; the snapshot's *dominant* mode is its largest held one
  (a snapshot where none holds has none). `modes_held`: median over snapshots
  of the modes held; `dominant_changes`: consecutive snapshots with a
  dominant mode whose dominant modes differ; `modes_dominant`: distinct
  dominant modes; `modes_held_ever`: modes held at some snapshot.
  """
  held = shares >= hold_share
  dominant = [int(s.argmax()) for s, h in zip(shares, held) if h.any()]
  return {
      "modes_held": float(np.median(held.sum(-1))),
      "dominant_changes": float(sum(a != b for a, b in zip(dominant,
                                                           dominant[1:]))),
      "modes_dominant": float(len(set(dominant))),
      "modes_held_ever": float(held.any(0).sum()),
  }


def _occupancy_figure(steps, shares, path: pathlib.Path, title: str) -> None:
  """A heat map of the mode shares `[S, M]` (columns: the snapshots' steps)."""
  fig = Figure(figsize=(7, 3), dpi=100)
  ax = fig.subplots()
  image = ax.imshow(shares.T, aspect="auto", origin="lower", cmap="viridis",
                    vmin=0, vmax=1, interpolation="nearest",
                    extent=(-0.5, len(steps) - 0.5, -0.5, shares.shape[1] - 0.5))
  ax.set_xticks(range(len(steps)), [str(s) for s in steps], fontsize=6,
                rotation=45)
  ax.set(xlabel="step", ylabel="mode", title=title)
  fig.colorbar(image, ax=ax, label="share of samples")
  fig.savefig(path, bbox_inches="tight")


def _mode_hopping(gan: ml_collections.ConfigDict, workdir: pathlib.Path,
                  config: ml_collections.ConfigDict) -> dict[str, float]:
  """Trains the GAN of config `gan`, snapshotting its samples."""
  config_lib.validate(gan)
  workdir.mkdir(parents=True, exist_ok=True)
  experiment = recipes.build(gan)
  mixture = mixtures.get(gan.data.name)
  sample = jax.jit(experiment.algorithm.sample, static_argnums=2)
  frames = []

  def monitor(state, key) -> dict[str, float]:
    x = np.asarray(sample(state, key, config.snapshot_samples))
    frames.append((int(state.step), x))
    return {f"mode_{k}": float(share) for k, share in
            enumerate(mode_shares(x, mixture, config.near_radius))}

  every = max(1, gan.train.num_steps // (config.num_snapshots - 1))
  summary = loop.train(gan, workdir, experiment._replace(
      monitor=monitor,
      monitor_every={p.name: every for p in experiment.algorithm.phases}))
  saved = workdir / "snapshots.npz"
  if frames:
    np.savez(saved, steps=[s for s, _ in frames],
             samples=np.stack([x for _, x in frames]))
  else:  # A finished run: nothing trained, redraw from its snapshots.
    with np.load(saved) as f:
      frames = list(zip(f["steps"].tolist(), f["samples"]))
  shares = np.stack([mode_shares(x, mixture, config.near_radius)
                     for _, x in frames])
  metrics = hopping(shares, config.hold_share)
  title = f"GAN on the {gan.data.name} mixture"
  plotting.snapshots(frames, mixture.centers, workdir / "snapshots.png",
                     title=title)
  _occupancy_figure([s for s, _ in frames], shares, workdir / "occupancy.png",
                    title)
  metrics.update({f"final_{k}": float(v)
                  for k, v in summary.get("eval", {}).items()})
  return metrics


def run(config: ml_collections.ConfigDict, workdir: str) -> dict[str, float]:
  """Writes the figures and `metrics.json`; returns the flat metrics
  (`bilinear/...`, `<mixture>/...`)."""
  workdir = pathlib.Path(workdir)
  workdir.mkdir(parents=True, exist_ok=True)
  metrics = {f"bilinear/{k}": v
             for k, v in _bilinear(config.bilinear, workdir).items()}
  for name in MIXTURES:
    metrics.update({f"{name}/{k}": v for k, v in _mode_hopping(
        config[name], workdir / name, config).items()})
  (workdir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
  for name, value in metrics.items():
    print(f"{name}: {value:.5g}")
  return metrics
