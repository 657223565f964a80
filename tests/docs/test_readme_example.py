"""The README's "Writing a new algorithm" example runs through the launcher
exactly as printed, and trains."""
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def readme_example() -> str:
  """The python block of the README section "Writing a new algorithm"."""
  text = (ROOT / "README.md").read_text()
  section = text.split("## Writing a new algorithm", 1)[1].split("\n## ", 1)[0]
  return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.slow
def test_readme_algorithm_runs_through_the_launcher(tmp_path):
  (tmp_path / "my_vae.py").write_text(readme_example())
  env = dict(os.environ, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}",
             JAX_PLATFORMS="cpu")
  result = subprocess.run(
      [sys.executable, "-m", "experiments.main",
       f"--config={tmp_path / 'my_vae.py'}", f"--workdir={tmp_path / 'run'}"],
      cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
  assert result.returncode == 0, result.stderr[-3000:]
  records = [json.loads(l) for l in
             (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
  losses = [r["vae/loss"] for r in records]
  assert [r["step"] for r in records] == [500, 1000, 1500, 2000]
  # The negative ELBO (less the constant of the Gaussian) falls as the VAE
  # learns the ring: a decoder stuck at the origin scores
  # 0.5 ||x||^2 / 0.1^2 = 50 nats on the unit circle; it ends near 3.
  assert losses[-1] < losses[0] and losses[-1] < 10.0, losses
  summary = json.loads((tmp_path / "run" / "summary.json").read_text())
  assert summary["status"] == "completed" and summary["step"] == 2000
