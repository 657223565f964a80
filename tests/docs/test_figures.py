"""`experiments.figures` draws its panels with matplotlib's object API into a
small PNG (the training runs themselves are the configs' own, tested in
tests/experiments/test_configs.py)."""
import subprocess
import sys
import pathlib

import matplotlib.image
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_draws_points_and_image_grids_without_pyplot(tmp_path):
  code = f"""
import sys
import numpy as np
from experiments import figures
rng = np.random.default_rng(0)
panels = [(figures.PANELS[0], rng.normal(size=(2500, 2)) * 3),
          (figures.PANELS[1], rng.uniform(size=(64, 784))),
          (figures.PANELS[2], rng.uniform(-1, 1, size=(64, 28, 28, 1)))]
figures.draw(panels, __import__("pathlib").Path({str(tmp_path / 'f.png')!r}))
assert "matplotlib.pyplot" not in sys.modules
"""
  r = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                     capture_output=True, text=True, timeout=300)
  assert r.returncode == 0, r.stderr[-2000:]
  image = matplotlib.image.imread(tmp_path / "f.png")
  assert image.shape[1] > 2 * image.shape[0]  # Panels side by side.
  assert (tmp_path / "f.png").stat().st_size < 300_000


def test_the_committed_figure_is_small():
  path = ROOT / "docs" / "images" / "samples.png"
  assert path.stat().st_size < 300_000
  assert np.asarray(matplotlib.image.imread(path)).ndim == 3


def test_bad_steps_is_an_error():
  r = subprocess.run([sys.executable, "-m", "experiments.figures",
                      "--out=x.png", "--steps=0"], cwd=ROOT,
                     capture_output=True, text=True, timeout=300)
  assert r.returncode == 2 and "--steps" in r.stderr
