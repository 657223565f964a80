"""Every experiment config: documented, commented, and runs in `quick` mode
through the launcher."""
import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONFIGS = sorted(p for p in (ROOT / "experiments" / "configs").glob("*.py")
                 if not p.name.startswith("_"))


def test_there_are_configs():
  assert CONFIGS


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.stem)
def test_docstring_states_command_time_and_figure(path):
  doc = ast.get_docstring(ast.parse(path.read_text())) or ""
  assert "python -m experiments.main" in doc, "the exact command"
  assert "minute" in doc or " s " in doc or "second" in doc, "the run time"
  assert "xpected" in doc, "the expected figure"


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.stem)
def test_quick_variant_runs_through_the_launcher(path, tmp_path):
  r = subprocess.run(
      [sys.executable, "-m", "experiments.main", f"--workdir={tmp_path}",
       f"--config={path.relative_to(ROOT)}:quick"],
      cwd=ROOT, capture_output=True, text=True, timeout=600)
  assert r.returncode == 0, r.stderr[-3000:]
  assert any(tmp_path.iterdir())
