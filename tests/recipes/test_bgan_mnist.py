"""The BGAN MNIST recipe through the launcher: the centred-weights setting
reaches the run, and the final evaluation reports the gradient spread of
each estimator."""
import json

import numpy as np

from tests.experiments.test_main import _run

CONFIG = "--config=experiments/configs/bgan_mnist.py"


def test_centred_run_reports_each_estimators_gradient_spread(tmp_path):
  r = _run(tmp_path, f"{CONFIG}:quick", "--config.bgan.centred=True",
           timeout=600)
  assert r.returncode == 0, r.stderr[-3000:]
  summary = json.loads((tmp_path / "summary.json").read_text())
  assert json.loads((tmp_path / "config.json").read_text())["bgan"]["centred"]
  final = summary["eval"]
  for name in ("importance", "importance_centred", "reinforce"):
    variance = final[f"gradient_{name}/total_variance"]
    assert np.isfinite(variance) and variance > 0, (name, variance)


def test_centred_reinforce_is_refused_with_one_line(tmp_path):
  r = _run(tmp_path, f"{CONFIG}:quick,reinforce", "--config.bgan.centred=True")
  assert r.returncode == 2, r.stderr[-3000:]
  assert "centred" in r.stderr.strip().splitlines()[-1]
