"""The README's figure: samples of small runs of several families, side by side.

  python -m experiments.figures --out=docs/images/samples.png [--steps=1.0]

Trains one short run per panel (`PANELS`) with `gentk.train` into a temporary
folder (or `--workdir`), reads each back with `gentk.load_run` and draws its
samples (`Run.sample`): the GAN on the 25-mode grid of the PacGAN protocol
(a scatter over the mode centres; the config's own 10,000 steps), a VAE and
an RBM trained by PCD on MNIST (grids of 8 x 8 samples; a fraction of their
configs' steps). The runs evaluate lightly (the figure needs samples, not
scores), so the panels are a picture of what each family draws, not the
figures of docs/. `--steps` scales every run's steps (0.01: a smoke run).
(An MLP GAN on MNIST was left out: 3,000 steps took 2 minutes of one core
and drew mostly 1s; an RBM of 4,000 steps draws mostly 0s and 1s.) About
3 minutes of CPU time, on one core.

Drawn with matplotlib's object API (no pyplot). MNIST is read from
$GENTK_DATA_DIR; without it the image runs train on seven-segment digits.
"""
import argparse
import dataclasses
import pathlib
import sys
import tempfile
import time
from typing import Callable

import jax
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
import numpy as np

import gentk
from gentk import plotting
from gentk.data import mixtures

NUM_IMAGES = 64  # Samples per image panel (8 x 8).
NUM_POINTS = 2_500  # Samples of the 2-D panel (the protocol's count).


@dataclasses.dataclass(frozen=True)
class Panel:
  """One run: a shipped config, its steps and overrides, the panel title."""
  name: str
  config: str
  num_steps: int
  title: str
  overrides: dict = dataclasses.field(default_factory=dict)


PANELS = (
    Panel("gan_grid", "gan_mixture:grid", 10_000,
          "GAN, 25-mode grid\n(gan_mixture)"),
    Panel("vae", "vae_mnist", 6_000, "VAE, MNIST\n(vae_mnist)",
          {"eval.num_samples": 100, "eval.num_test": 500}),
    Panel("rbm", "rbm_mnist:pcd", 10_000, "RBM (PCD), MNIST\n(rbm_mnist:pcd)",
          {"eval.num_test": 500, "eval.ais_runs": 16,
           "eval.ais_transitions": 1_000, "eval.sample_steps": 1_000}),
)


def _set(config, dotted: str, value) -> None:
  *parents, leaf = dotted.split(".")
  node = config
  for parent in parents:
    node = node[parent]
  node[leaf] = value


def train(panel: Panel, workdir: pathlib.Path, scale: float) -> np.ndarray:
  """Trains `panel`'s run in `workdir / panel.name`; its samples."""
  config = gentk.configs.get(panel.config)
  steps = max(1, int(round(panel.num_steps * scale)))
  config.train.num_steps = steps
  config.train.checkpoint_every = steps
  config.train.log_every = steps
  config.train.steps_per_call = min(config.train.steps_per_call, steps)
  config.train.progress_bar = False
  for dotted, value in panel.overrides.items():
    _set(config, dotted, value)
  gentk.train(config, workdir / panel.name)
  run = gentk.load_run(workdir / panel.name)
  num = NUM_POINTS if panel.config.startswith("gan_mixture") else NUM_IMAGES
  return run.sample(jax.random.PRNGKey(0), num)


def _images(samples: np.ndarray) -> np.ndarray:
  """Samples as `[N, 28, 28, 1]` in [0, 1] (flat, or tanh in [-1, 1])."""
  x = np.asarray(samples, np.float32)
  x = x.reshape(x.shape[0], 28, 28, -1)
  return (x + 1) / 2 if x.min() < 0 else x


def draw(panels: list[tuple[Panel, np.ndarray]], out: pathlib.Path) -> None:
  """One row of panels: the 2-D samples as a scatter over the mode centres,
  images as 8 x 8 grids."""
  fig = Figure(figsize=(2.6 * len(panels), 3.0), dpi=80)
  FigureCanvasAgg(fig)
  axes = fig.subplots(1, len(panels), squeeze=False)[0]
  for ax, (panel, samples) in zip(axes, panels):
    if samples.ndim == 2 and samples.shape[-1] == 2:
      centers = np.asarray(mixtures.get("grid").centers)
      ax.scatter(samples[:, 0], samples[:, 1], s=1, alpha=0.3, c="C0",
                 rasterized=True)
      ax.scatter(centers[:, 0], centers[:, 1], s=12, marker="x", c="red",
                 linewidths=0.8)
      ax.set(xlim=(-6, 6), ylim=(-6, 6), aspect="equal", xticks=[],
             yticks=[])
    else:
      ax.imshow(plotting.tile(_images(samples), ncols=8), cmap="gray",
                vmin=0, vmax=1, interpolation="nearest")
      ax.axis("off")
    ax.set_title(panel.title, fontsize=9)
  fig.tight_layout()
  out.parent.mkdir(parents=True, exist_ok=True)
  fig.savefig(out, dpi=80, metadata={"Software": None})


def main(argv: list[str] | None = None) -> int:
  parser = argparse.ArgumentParser(prog="experiments.figures",
                                   description=__doc__.splitlines()[0])
  parser.add_argument("--out", required=True, help="the PNG to write")
  parser.add_argument("--steps", type=float, default=1.0,
                      help="scale of every run's steps (default 1)")
  parser.add_argument("--workdir", default=None,
                      help="keep the runs here (default: a temporary folder)")
  parser.add_argument("--panels", default=",".join(p.name for p in PANELS),
                      help="comma-separated panel names")
  args = parser.parse_args(argv)
  if args.steps <= 0:
    parser.error("--steps must be > 0, e.g. --steps=0.5")
  chosen = args.panels.split(",")
  unknown = [n for n in chosen if n not in {p.name for p in PANELS}]
  if unknown:
    parser.error(f"unknown panel {unknown[0]!r}: use "
                 f"{', '.join(p.name for p in PANELS)}")
  with tempfile.TemporaryDirectory() as tmp:
    workdir = pathlib.Path(args.workdir or tmp)
    drawn = []
    for panel in (p for p in PANELS if p.name in chosen):
      start = time.perf_counter()
      drawn.append((panel, train(panel, workdir, args.steps)))
      print(f"{panel.name}: {time.perf_counter() - start:.0f} s", flush=True)
  draw(drawn, pathlib.Path(args.out))
  print(f"wrote {args.out}")
  return 0


if __name__ == "__main__":
  sys.exit(main())
