"""The sweep axis: a grid of hyperparameters x seeds trained as one program.

Checked here: each point trains as a run of that value alone (to float
rounding: `vmap` over the runs may order reductions differently, see
test_seed_isolation), a killed sweep resumes bit for bit, a diverging point
is frozen while the others finish, the per-point outputs hold the run's
figures, and a field that changes the program is refused in one line.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import jax
import numpy as np
import pytest

from gentk import configs
from gentk import recipes
from gentk.training import config as config_lib
from gentk.training import loop
from gentk.training import sweep

ROOT = pathlib.Path(__file__).resolve().parents[2]
NUM_STEPS = 40


def _config(**swept):
  config = configs.get("mode_mixture:gan_si,grid,quick")
  config.num_seeds = 2
  config.data.batch_size = 32
  config.model.generator_hidden = (16,)
  config.model.discriminator_hidden = (16,)
  config.train.num_steps = NUM_STEPS
  config.train.steps_per_call = 10
  config.train.log_every = 10
  config.train.checkpoint_every = 20
  config.train.progress_bar = False
  config.eval.num_samples = 200
  sweep.add_fields(config, [f"sweep.{k}" for k in swept])
  for name, values in swept.items():
    node = config.sweep
    for part in name.split(".")[:-1]:
      node = node[part]
    node[name.split(".")[-1]] = ",".join(str(v) for v in values)
  config.sweep_metric = "modes"
  return config


def _train(config, workdir):
  return loop.train(config, workdir, recipes.build(config))


def _params(workdir, config):
  experiment = recipes.build(config)
  runs = config.num_seeds * len(sweep.points(config))
  _, state, _ = loop.restore(experiment, workdir,
                             num_seeds=runs if runs > 1 else None)
  return state.params


def test_points_are_the_product_of_the_fields_values():
  config = _config(**{"optim.lr": (1e-4, 1e-3), "gan_si.weight": (0, 0.1, 1)})
  grid = sweep.points(config)
  assert len(grid) == 6
  assert {tuple(sorted(p.items())) for p in grid} == {
      (("gan_si.weight", w), ("optim.lr", lr))
      for w in (0.0, 0.1, 1.0) for lr in (1e-4, 1e-3)}
  values = sweep.run_values(config, num_seeds=2)
  assert values["optim.lr"].shape == (12,)
  # Run r is point r // S, seed r % S.
  assert [float(v) for v in values["gan_si.weight"][:4]] == [0, 0, 0, 0]


def test_each_point_trains_as_that_value_alone(tmp_path):
  """Point p of a 2 x 2 sweep against a one-point sweep of p's values."""
  lrs, weights = (3e-4, 1e-3), (0.0, 0.5)
  config = _config(**{"optim.lr": lrs, "gan_si.weight": weights})
  _train(config, tmp_path / "grid")
  grid_params = _params(tmp_path / "grid", config)
  points = sweep.points(config)
  for p in (1, 2):  # Two points that differ in both fields.
    alone = _config(**{k: (v,) for k, v in points[p].items()})
    _train(alone, tmp_path / f"alone{p}")
    alone_params = _params(tmp_path / f"alone{p}", alone)
    # Tolerance: vmap over 8 runs vs 2 reorders float reductions (relative
    # differences of order 1e-7 per step, grown over 40 GAN steps).
    jax.tree.map(lambda g, a: np.testing.assert_allclose(
        g[2 * p:2 * p + 2], a, rtol=2e-3, atol=2e-5), grid_params,
                 alone_params)
  # And the points differ from each other (the values reach the step).
  g = grid_params["generator"]["params"]
  first = jax.tree.leaves(g)[0]
  assert not np.allclose(first[0], first[2])  # lr differs
  assert not np.allclose(first[0], first[4])  # weight differs


def test_runs_trained_in_groups_match_runs_side_by_side(tmp_path):
  """`train.runs_per_pass=3` over 8 runs (groups of 3, 3 and 2, one program)
  against all 8 side by side."""
  swept = {"optim.lr": (3e-4, 1e-3), "gan_si.weight": (0.0, 0.5)}
  side = _config(**swept)
  _train(side, tmp_path / "side")
  grouped = _config(**swept)
  grouped.train.runs_per_pass = 3
  _train(grouped, tmp_path / "grouped")
  # Tolerance as above: a group of 3 runs reorders reductions against 8.
  jax.tree.map(lambda g, s: np.testing.assert_allclose(
      g, s, rtol=2e-3, atol=2e-5), _params(tmp_path / "grouped", grouped),
               _params(tmp_path / "side", side))


def test_a_killed_sweep_resumes_bit_identically(tmp_path):
  config = _config(**{"optim.lr": (3e-4, 1e-3), "gan_si.weight": (0, 0.5)})
  whole = _train(config, tmp_path / "whole")
  cut = tmp_path / "cut"
  _train(config, cut)
  # As if killed after the step-20 checkpoint: drop what came after it.
  later = [p for p in (cut / "checkpoints").iterdir()
           if p.name.isdigit() and int(p.name) > 20]
  assert later
  for path in later:
    shutil.rmtree(path)
  (cut / "summary.json").unlink()
  resumed = _train(config, cut)
  assert resumed["step"] == NUM_STEPS
  assert resumed["state_sha256"] == whole["state_sha256"]
  assert (json.loads((cut / "sweep.json").read_text())["points"]
          == json.loads((tmp_path / "whole" / "sweep.json").read_text())[
              "points"])


def test_a_diverging_point_is_frozen_and_the_others_finish(tmp_path):
  config = _config(**{"optim.lr": (1e-3, 1e30)})  # 1e30: overflows at once.
  summary = _train(config, tmp_path)
  assert summary["status"] == "completed"
  table = json.loads((tmp_path / "sweep.json").read_text())
  assert table["points"][0]["diverged_seeds"] == []
  assert table["points"][1]["diverged_seeds"] == [0, 1]
  assert table["points"][0]["eval"]["modes"]["median"] is not None
  assert table["points"][1]["eval"]["modes"]["median"] is None
  assert table["best"]["point"] == 0
  assert {d["seed"] for d in summary["diverged"]} == {2, 3}


def test_per_point_outputs_hold_the_runs_figures(tmp_path):
  config = _config(**{"gan_si.weight": (0, 0.5)})
  summary = _train(config, tmp_path)
  table = summary["sweep"]
  root = [json.loads(l) for l in
          (tmp_path / "metrics.jsonl").read_text().splitlines()]
  for p in range(2):
    point = tmp_path / "points" / f"point{p}"
    rows = [json.loads(l) for l in
            (point / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [r["step"] for r in root]
    trained = [(r, w) for r, w in zip(rows, root) if "generator/loss" in w]
    assert trained
    for r, whole in trained:
      assert r["generator/loss"] == whole["generator/loss"][2 * p:2 * p + 2]
    assert any((point / "tensorboard").iterdir())
    saved = json.loads((point / "summary.json").read_text())
    assert saved["values"] == {"gan_si.weight": [0.0, 0.5][p]}
    assert saved["eval"] == table["points"][p]["eval"]
    # The point's folder reads as a run of its own value.
    point_config = json.loads((point / "config.json").read_text())
    assert point_config["gan_si"]["weight"] == [0.0, 0.5][p]
    assert "sweep" not in point_config
  medians = [row["eval"]["modes"]["median"] for row in table["points"]]
  assert table["best"]["median"] == max(medians)
  assert (tmp_path / "sweep.png").stat().st_size > 0
  assert (tmp_path / "samples_point1_seed1.png").exists()


@pytest.mark.parametrize("field, values, needle", [
    ("model.latent_dim", (2, 4), "cannot be swept in one program"),
    ("model.no_such_field", (1, 2), "names no numeric field"),
    ("optim.lr", ("fast",), "is not a list of numbers"),
])
def test_a_field_that_changes_the_program_is_refused(field, values, needle):
  config = _config(**{field: values})
  with pytest.raises(config_lib.ConfigError, match=needle) as info:
    recipes.build(config)
  assert "\n" not in str(info.value) and "--config.sweep." in str(info.value)


def test_the_launcher_refuses_a_program_field_in_one_line(tmp_path):
  env = dict(os.environ, PYTHONPATH=str(ROOT))
  result = subprocess.run(
      [sys.executable, "-m", "gentk.cli", "train",
       "--config=gan_mixture:quick", "--config.sweep.model.latent_dim=2,4",
       f"--workdir={tmp_path / 'run'}"], capture_output=True, text=True,
      env=env, cwd=tmp_path, timeout=300, check=False)
  assert result.returncode == 2, result.stderr
  lines = result.stderr.strip().splitlines()
  assert len(lines) == 1 and "config.sweep.model.latent_dim" in lines[0]
  assert "optim.lr" in lines[0]
  assert not (tmp_path / "run" / "checkpoints").exists()


def test_a_one_run_sweep_trains_without_a_seed_axis(tmp_path):
  """One point and one seed: the values are bound as scalars (no axis to
  map over) and the outputs name the one point."""
  config = _config(**{"gan_si.weight": (0.5,)})
  config.num_seeds = 1
  summary = _train(config, tmp_path)
  assert summary["status"] == "completed"
  assert [p["values"] for p in summary["sweep"]["points"]] == [
      {"gan_si.weight": 0.5}]
  assert summary["sweep"]["best"]["point"] == 0


def test_load_run_restores_the_whole_grid_and_recomputes_its_figures(tmp_path):
  """`gentk.load_run` on a sweep: the state of every point x seed, and
  `evaluate()` gives the figures the sweep wrote."""
  import gentk  # pylint: disable=import-outside-toplevel
  config = _config(**{"gan_si.weight": (0, 0.5)})
  summary = _train(config, tmp_path)
  run = gentk.load_run(tmp_path)
  assert run.num_seeds == 4
  assert jax.tree.leaves(run.state.params)[0].shape[0] == 4
  assert run.evaluate()["modes"] == summary["eval"]["modes"]
