"""Plots written by experiments: mixture scatter plots (and snapshots of them
over training), image grids and learning curves (PNG).

Drawn with matplotlib's object API (`matplotlib.figure.Figure`, saved through
the Agg canvas), never pyplot: importing or calling this module leaves the
backend of the user's session (a notebook's inline backend, say) untouched
and keeps no global figure state.
"""
import pathlib

import matplotlib.image
from matplotlib.figure import Figure
import numpy as np


def draw_samples(ax, samples, centers, *, legend: bool = True) -> None:
  """Draws mixture `samples [N, D]` with mode `centers [M, D]` on `ax`: a
  scatter for D = 2, a histogram for D = 1."""
  samples, centers = np.asarray(samples), np.asarray(centers)
  lim = np.abs(centers).max() * 1.5 + 0.1
  if centers.shape[-1] == 1:
    ax.hist(np.clip(samples[:, 0], -lim, lim), bins=120, range=(-lim, lim),
            density=True, label="samples")
    for c in centers[:, 0]:
      ax.axvline(c, color="red", ls=":", lw=1)
    ax.set(xlim=(-lim, lim), yticks=[])
  else:
    ax.scatter(samples[:, 0], samples[:, 1], s=2, alpha=0.4, label="samples")
    ax.scatter(centers[:, 0], centers[:, 1], s=60, marker="x", c="red",
               label="mode centres")
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal")
  if legend:
    ax.legend(loc="upper right", fontsize=7)


def scatter_with_modes(samples, centers, path: str | pathlib.Path, *,
                       title: str = "") -> pathlib.Path:
  """Samples `[N, D]` (D = 1 or 2) with mode `centers [M, D]` marked."""
  fig = Figure(figsize=(5, 5), dpi=100)
  ax = fig.subplots()
  draw_samples(ax, samples, centers)
  ax.set(title=title)
  fig.savefig(path, bbox_inches="tight")
  return pathlib.Path(path)


def snapshots(frames, centers, path: str | pathlib.Path, *, ncols: int = 6,
              title: str = "") -> pathlib.Path:
  """A grid of mixture samples over training: `frames` is a list of
  `(step, samples [N, D])`, one panel each, titled by its step."""
  nrows = -(-len(frames) // ncols)
  fig = Figure(figsize=(2.2 * ncols, 2.4 * nrows), dpi=100)
  axes = np.atleast_1d(fig.subplots(nrows, ncols, gridspec_kw={"hspace": 0.4})
                       ).ravel()
  for ax, (step, samples) in zip(axes, frames):
    draw_samples(ax, samples, centers, legend=False)
    ax.set_title(f"step {step}", fontsize=8)
    ax.tick_params(labelsize=6)
  for ax in axes[len(frames):]:
    ax.axis("off")
  fig.suptitle(title)
  fig.savefig(path, bbox_inches="tight")
  return pathlib.Path(path)


def tile(images, *, ncols: int = 10):
  """Tiles `images [N, H, W, C]` into one `[rows, cols(, C)]` array.

  Values are clipped to [0, 1]; tiles are separated by a 1-pixel white border;
  a single channel is squeezed away.
  """
  images = np.clip(np.asarray(images, np.float32), 0.0, 1.0)
  n, h, w, c = images.shape
  nrows = -(-n // ncols)
  grid = np.ones((nrows * (h + 1) + 1, ncols * (w + 1) + 1, c), np.float32)
  for i, img in enumerate(images):
    r, q = divmod(i, ncols)
    grid[1 + r * (h + 1):1 + r * (h + 1) + h,
         1 + q * (w + 1):1 + q * (w + 1) + w] = img
  return grid[..., 0] if c == 1 else grid


def image_grid(images, path: str | pathlib.Path, *, ncols: int = 10
               ) -> pathlib.Path:
  """Tiles `images [N, H, W, C]` with values in [0, 1] into one PNG."""
  grid = tile(images, ncols=ncols)
  matplotlib.image.imsave(path, grid, cmap="gray" if grid.ndim == 2 else None,
                          vmin=0, vmax=1)
  return pathlib.Path(path)


def samples_figure(samples, path: str | pathlib.Path, *, ncols: int = 10
                   ) -> pathlib.Path:
  """A picture of a model's samples, whatever their shape: images
  `[N, H, W(, C)]` (or flat `[N, H*W]` with H = W) as a grid, values in
  [-1, 1] mapped to [0, 1]; points `[N, 1 or 2]` as a scatter plot."""
  samples = np.asarray(samples, np.float32)
  if samples.ndim == 2 and samples.shape[-1] <= 2:
    fig = Figure(figsize=(5, 5), dpi=100)
    ax = fig.subplots()
    if samples.shape[-1] == 1:
      ax.hist(samples[:, 0], bins=120, density=True)
    else:
      ax.scatter(samples[:, 0], samples[:, 1], s=2, alpha=0.4)
      ax.set(aspect="equal")
    fig.savefig(path, bbox_inches="tight")
    return pathlib.Path(path)
  if samples.ndim == 2:
    side = int(round(np.sqrt(samples.shape[-1])))
    if side * side != samples.shape[-1]:
      raise ValueError(f"samples of shape {samples.shape} are neither images "
                       "nor 1-D / 2-D points")
    samples = samples.reshape(-1, side, side)
  if samples.ndim == 3:
    samples = samples[..., None]
  if samples.min() < 0:  # A tanh output in [-1, 1].
    samples = (samples + 1) / 2
  return image_grid(samples, path, ncols=ncols)


def curve(steps, values, path: str | pathlib.Path, *, ylabel: str,
          marks: dict[str, float] | None = None, reference: dict | None = None,
          title: str = "") -> pathlib.Path:
  """A learning curve `values` against `steps`, with vertical lines at
  `marks` (`{label: step}`, e.g. phase starts) and horizontal ones at
  `reference` (`{label: value}`, e.g. published figures)."""
  fig = Figure(figsize=(6, 4), dpi=100)
  ax = fig.subplots()
  ax.plot(np.asarray(steps), np.asarray(values), marker=".", label=ylabel)
  for label, step in (marks or {}).items():
    ax.axvline(step, color="gray", ls=":", lw=1)
    ax.annotate(label, (step, 1.0), xycoords=("data", "axes fraction"),
                fontsize=7, rotation=90, va="top", ha="right")
  for i, (label, value) in enumerate((reference or {}).items()):
    ax.axhline(value, color=f"C{i + 1}", ls="--", lw=1, label=label)
  ax.set(xlabel="step", ylabel=ylabel, title=title)
  ax.legend(fontsize=7)
  fig.savefig(path, bbox_inches="tight")
  return pathlib.Path(path)
