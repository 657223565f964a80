"""Importing gentk has no side effects and the pure-math subpackages stay light.

One fresh interpreter runs every check (imports cost seconds) and reports what
it saw as JSON; the tests below read that report.
"""
import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PURE = ("losses", "estimators", "sampling", "models", "algorithms")
# Runtime dependencies the pure-math subpackages must not load.
HEAVY = ("orbax", "tensorboardX", "tqdm", "matplotlib", "tensorflow_datasets",
         "tensorflow")
# A backend the user chose (as a notebook's inline backend would be); not Agg,
# so a `matplotlib.use("Agg")` anywhere in gentk shows up as a change.
USER_BACKEND = "svg"

_PROBE = f"""
import json, sys, tempfile
import numpy as np
import {", ".join(f"gentk.{name}" for name in PURE)}
report = {{"heavy_after_pure": sorted(
    {{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))}}
import matplotlib
backend = matplotlib.get_backend()
import gentk
report["backend_after_import"] = matplotlib.get_backend()
report["public"] = [n for n in ("training", "recipes", "data", "metrics",
                                "plotting", "Algorithm", "__version__")
                    if not hasattr(gentk, n)]
with tempfile.TemporaryDirectory() as tmp:
  gentk.plotting.scatter_with_modes(np.zeros((8, 2)), np.ones((2, 2)),
                                    tmp + "/scatter.png", title="t")
  gentk.plotting.image_grid(np.zeros((3, 4, 4, 1)), tmp + "/grid.png")
report["pyplot_imported"] = "matplotlib.pyplot" in sys.modules
report["backend_before"] = backend
report["backend_after_plots"] = matplotlib.get_backend()
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def report():
  """What a fresh interpreter saw while importing and using gentk."""
  env = dict(os.environ, MPLBACKEND=USER_BACKEND, JAX_PLATFORMS="cpu")
  result = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300,
                          check=False)
  assert result.returncode == 0, result.stderr[-3000:]
  return json.loads(result.stdout.strip().splitlines()[-1])


def test_pure_subpackages_load_no_runtime_dependency(report):
  assert report["heavy_after_pure"] == []


def test_import_gentk_keeps_the_matplotlib_backend(report):
  assert report["backend_before"] == USER_BACKEND
  assert report["backend_after_import"] == USER_BACKEND


def test_public_names_resolve_lazily(report):
  assert report["public"] == []


def test_plotting_uses_no_pyplot_and_keeps_the_backend(report):
  assert not report["pyplot_imported"]
  assert report["backend_after_plots"] == USER_BACKEND


def test_imports_leave_the_jax_backend_uninitialised():
  # So `jax.distributed.initialize` can follow them (multi-host runs).
  # `gentk.sampling` is the exception: BlackJAX runs JAX code on import.
  probe = ("import gentk, gentk.training, gentk.recipes, gentk.data, "
           "gentk.launch\n"
           "from jax._src import xla_bridge  # Private; the only way to ask.\n"
           "print(bool(xla_bridge._backends))")
  result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT,
                          env=dict(os.environ, JAX_PLATFORMS="cpu"),
                          capture_output=True, text=True, timeout=300,
                          check=False)
  assert result.returncode == 0, result.stderr[-3000:]
  assert result.stdout.strip().splitlines()[-1] == "False"


def test_every_algorithm_module_is_an_attribute_loaded_on_first_access():
  """`gentk.algorithms.<module>` for every module of the package, none of
  them beyond the core imported by `import gentk`."""
  code = """
import json, pkgutil, sys
import gentk
path = gentk.algorithms.__path__
names = sorted(m.name for m in pkgutil.iter_modules(path))
loaded = sorted(n for n in names if f"gentk.algorithms.{n}" in sys.modules)
missing = [n for n in names if not hasattr(getattr(gentk.algorithms, n),
                                           "__file__")]
print(json.dumps({"names": names, "loaded": loaded, "missing": missing,
                  "listed": list(gentk.algorithms.MODULES)}))
"""
  out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                       text=True, check=True, cwd=ROOT,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
  report = json.loads(out.stdout.strip().splitlines()[-1])
  assert report["missing"] == []
  assert report["listed"] == report["names"]
  assert len(report["names"]) >= 20
  # Only the core and what it needs load with gentk.
  assert set(report["loaded"]) <= {"adversarial", "core", "gan"}
