"""The `gentk` command: eval and sample read a finished run back; bad input
gets one line and exit 2."""
import json
import subprocess
import sys

import jax
import numpy as np
import pytest

import gentk
from gentk import configs
from gentk import runs


def _gentk(*args, cwd):
  return subprocess.run([sys.executable, "-m", "gentk.cli", *args], cwd=cwd,
                        capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def seeded_run(tmp_path_factory):
  """A two-seed quick GAN run on the ring, trained through `gentk.train`."""
  workdir = tmp_path_factory.mktemp("run")
  config = configs.get("gan_mixture:ring,quick")
  config.num_seeds = 2
  config.train.num_steps = 60
  config.train.progress_bar = False
  gentk.train(config, workdir)
  return workdir


def test_eval_recomputes_the_summary_without_training(seeded_run, tmp_path):
  before = json.loads((seeded_run / "summary.json").read_text())
  steps = sorted(p.name for p in (seeded_run / "checkpoints").iterdir())
  r = _gentk("eval", f"--workdir={seeded_run}", cwd=tmp_path)
  assert r.returncode == 0, r.stderr[-2000:]
  after = json.loads((seeded_run / "summary.json").read_text())
  assert after["eval"] == before["eval"]  # Same state, same eval keys.
  assert after["eval_step"] == before["step"]
  assert sorted(p.name for p in (seeded_run / "checkpoints").iterdir()) == (
      steps)  # Nothing trained or saved.


def test_load_run_seeds_sample_like_the_algorithm(seeded_run):
  run = gentk.load_run(seeded_run)
  assert run.num_seeds == 2 and run.step == 60
  key = jax.random.PRNGKey(7)
  for i in range(2):
    one = run.seed(i)
    expected = run.experiment.algorithm.sample(
        jax.tree.map(lambda x, i=i: x[i], run.state), key, 16)
    np.testing.assert_array_equal(one.sample(key, 16), np.asarray(expected))
  assert not np.array_equal(run.seed(0).sample(key, 16),
                            run.seed(1).sample(key, 16))  # Distinct seeds.
  with pytest.raises(ValueError, match="run.seed"):
    run.sample(key, 4)
  with pytest.raises(IndexError, match="2 seeds"):
    run.seed(2)


def test_sample_writes_npz_and_png(seeded_run, tmp_path):
  r = _gentk("sample", f"--workdir={seeded_run}", "--num=32", "--run_seed=1",
             cwd=tmp_path)
  assert r.returncode == 0, r.stderr[-2000:]
  with np.load(seeded_run / "samples.npz") as f:
    assert f["samples"].shape == (32, 2)
  assert (seeded_run / "samples.png").stat().st_size > 1000


@pytest.mark.parametrize("args, line", [
    (["eval", "--workdir={missing}"], "holds no gentk run"),
    (["sample", "--workdir={missing}"], "holds no gentk run"),
    (["eval"], "the following arguments are required: --workdir"),
    (["sample", "--workdir={missing}", "--num=0"], "--num=0 must be"),
    (["sample", "--workdir={missing}", "--num=x"], "invalid int value"),
    (["bogus"], "unknown command 'bogus'"),
    (["train", "--config=no_such_config", "--workdir={missing}"],
     "no config named 'no_such_config'"),
])
def test_bad_input_gives_one_line_and_exit_2(tmp_path, args, line):
  missing = tmp_path / "missing"
  r = _gentk(*[a.format(missing=missing) for a in args], cwd=tmp_path)
  assert r.returncode == 2, r.stderr[-2000:]
  lines = r.stderr.strip().splitlines()
  assert len(lines) == 1 and lines[0].startswith("error:"), r.stderr
  assert line in lines[0]
  assert not missing.exists()


def test_unreadable_config_json_gets_one_line(tmp_path):
  (tmp_path / "config.json").write_text('{"seed": 0, "train": {')
  with pytest.raises(runs.RunError, match="config.json is unreadable"):
    runs.load_run(tmp_path)
  assert (tmp_path / "config.json").read_text() == '{"seed": 0, "train": {'


def test_configs_lists_every_shipped_config(tmp_path):
  r = _gentk("configs", cwd=tmp_path)
  assert r.returncode == 0
  assert [line.split()[0] for line in r.stdout.splitlines()] == (
      configs.names())
