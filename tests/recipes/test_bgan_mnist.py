"""The BGAN MNIST recipe through the launcher: the centred-weights setting
reaches the run, and the final evaluation reports the gradient spread of
each estimator."""
import json
import pathlib
import subprocess
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_centred_run_reports_each_estimators_gradient_spread(tmp_path):
  r = subprocess.run(
      [sys.executable, "-m", "experiments.main", f"--workdir={tmp_path}",
       "--config=experiments/configs/bgan_mnist.py:quick",
       "--config.bgan.centred=True"],
      cwd=ROOT, capture_output=True, text=True, timeout=600)
  assert r.returncode == 0, r.stderr[-3000:]
  summary = json.loads((tmp_path / "summary.json").read_text())
  assert json.loads((tmp_path / "config.json").read_text())["bgan"]["centred"]
  final = summary["eval"]
  for name in ("importance", "importance_centred", "reinforce"):
    variance = final[f"gradient_{name}/total_variance"]
    assert np.isfinite(variance) and variance > 0, (name, variance)


def test_centred_reinforce_is_refused_with_one_line(tmp_path):
  r = subprocess.run(
      [sys.executable, "-m", "experiments.main", f"--workdir={tmp_path}",
       "--config=experiments/configs/bgan_mnist.py:quick,reinforce",
       "--config.bgan.centred=True"],
      cwd=ROOT, capture_output=True, text=True, timeout=600)
  assert r.returncode == 2, r.stderr[-3000:]
  assert "centred" in r.stderr.strip().splitlines()[-1]
