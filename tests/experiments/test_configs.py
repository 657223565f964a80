"""Every shipped config: documented, commented, runs in `quick` mode through
the launcher by name, and its run reads back through `gentk.load_run`."""
import ast
import inspect
import json
import subprocess
import sys

import jax
import numpy as np
import pytest

from gentk import configs
from gentk import recipes
from gentk import runs
from gentk.training import checkpoint
from gentk.training import spec

NAMES = configs.names()


def test_there_are_configs():
  assert NAMES
  assert "groups" not in NAMES  # The configs' groups, not a config.


def test_every_config_is_in_the_recipe_table():
  assert sorted(configs.RECIPES) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_experiment_is_the_recipe_tables(name):
  """`config.experiment` is `configs.RECIPES[name]` (None: no such field)
  in every variant, and names a recipe; a config imports `groups`, never
  another config."""
  module = configs.module(name)
  known = [None]
  original = spec.variants

  def spy(arg, config_file, **kwargs):
    if config_file == module.__file__ and len(known) == 1:
      known.extend(n for group in kwargs.get("exclusive", ())
                   for n in group)
      known.extend(kwargs.get("flags", ()))
    return original(arg, config_file, **kwargs)

  spec.variants = spy
  try:
    module.get_config()
  finally:
    spec.variants = original
  recipe = configs.RECIPES[name]
  assert recipe is None or recipe in recipes.available(), recipe
  for variant in dict.fromkeys(known):
    try:
      config = module.get_config(variant)
    except spec.VariantError:  # A variant that needs another one.
      continue
    assert config.get("experiment") == recipe, (variant, recipe)
  imported = [alias.name for node in ast.walk(ast.parse(
      inspect.getsource(module))) if isinstance(node, ast.ImportFrom)
              and node.module == "gentk.configs" for alias in node.names]
  assert set(imported) <= {"groups"}, imported


@pytest.mark.parametrize("name", NAMES)
def test_docstring_states_command_time_and_figure(name):
  doc = ast.get_docstring(ast.parse(inspect.getsource(configs.module(name))))
  doc = doc or ""
  assert "gentk train" in doc or "python -m experiments.main" in doc, (
      "the exact command")
  assert "minute" in doc or " s " in doc or "second" in doc, "the run time"
  assert "xpected" in doc, "the expected figure"


def _round_trip(name: str, workdir) -> None:
  """load_run restores the final state (the digest training wrote) and
  samples exactly what the config's own algorithm samples from it."""
  summary = json.loads((workdir / "summary.json").read_text())
  run = runs.load_run(workdir)
  assert run.step == summary["step"]
  assert checkpoint.state_digest(run.state) == summary["state_sha256"]
  if run.experiment.algorithm.sample is None:
    return
  one = run.seed(run.num_seeds - 1)
  key = jax.random.PRNGKey(3)
  own = recipes.build(configs.get(f"{name}:quick")).algorithm.sample(
      one.state, key, 4)
  np.testing.assert_array_equal(one.sample(key, 4), np.asarray(own))


@pytest.mark.parametrize("name", NAMES)
def test_quick_variant_runs_through_the_launcher(name, tmp_path):
  r = subprocess.run(
      [sys.executable, "-m", "gentk.cli", "train", f"--workdir={tmp_path}",
       f"--config={name}:quick"],
      cwd=tmp_path, capture_output=True, text=True, timeout=600)
  assert r.returncode == 0, r.stderr[-3000:]
  assert any(tmp_path.iterdir())
  if configs.get(f"{name}:quick").get("runner") == "train":
    _round_trip(name, tmp_path)
