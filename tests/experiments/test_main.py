"""The launcher end to end: outputs, one-line errors, resume after SIGKILL,
SIGTERM, and config changes on an existing workdir."""
import json
import os
import pathlib
import random
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import xla_flags

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONFIG = "experiments/configs/gan_mixture.py"
# A run long enough to interrupt, with a checkpoint every 20 steps.
LONG = [f"--config={CONFIG}:quick", "--config.train.num_steps=600",
        "--config.train.steps_per_call=10", "--config.train.log_every=20",
        "--config.train.checkpoint_every=20",
        "--config.model.generator_hidden=(32,32)",
        "--config.model.discriminator_hidden=(32,32)",
        "--config.train.progress_bar=False"]


def _cmd(workdir, *args):
  return [sys.executable, "-m", "experiments.main", f"--workdir={workdir}",
          *args]


def _run(workdir, *args, timeout=300):
  return subprocess.run(_cmd(workdir, *args), cwd=ROOT, capture_output=True,
                        text=True, timeout=timeout)


def _summary(workdir):
  return json.loads((pathlib.Path(workdir) / "summary.json").read_text())


def test_quick_run_leaves_every_output(tmp_path):
  r = _run(tmp_path, f"--config={CONFIG}:quick")
  assert r.returncode == 0, r.stderr[-2000:]
  for name in ("config.json", "metrics.jsonl", "samples.png", "summary.json"):
    assert (tmp_path / name).is_file(), name
  assert list((tmp_path / "tensorboard").glob("events.out.tfevents.*"))
  assert (tmp_path / "checkpoints" / "200").is_dir()
  assert "modes:" in r.stdout and "reverse_kl:" in r.stdout
  assert "step/s" in r.stderr  # The progress bar reports steps/s.
  config = json.loads((tmp_path / "config.json").read_text())
  assert config["train"]["num_steps"] == 200
  records = [json.loads(l) for l in
             (tmp_path / "metrics.jsonl").read_text().splitlines()]
  assert [r["step"] for r in records][:4] == [50, 100, 150, 200]
  assert "eval/modes" in records[-1]


@pytest.mark.parametrize("flag,field", [
    ("--config.optim.lrr=5e-4", "lrr"),
    ("--config.data.batch_size=abc", "batch_size"),
    ("--config.data.batch_size=-4", "batch_size"),
    ("--config.train.checkpoint_every=33", "checkpoint_every"),
    ("--config.train.mode=xmap", "mode"),
    ("--config.gan.generator_cost=hinge", "generator_cost"),
    (f"--config={CONFIG}:rng", "rng"),
    ("--config=experiments/configs/missing.py", "missing.py"),
])
def test_bad_input_exits_with_one_line(tmp_path, flag, field):
  r = _run(tmp_path / "w", f"--config={CONFIG}:quick", flag)
  assert r.returncode == 2, r.stderr[-2000:]
  lines = r.stderr.strip().splitlines()
  assert len(lines) == 1 and lines[0].startswith("error:"), r.stderr
  assert field in lines[0]
  assert not (tmp_path / "w" / "checkpoints").exists()


def test_batch_not_divisible_by_devices(tmp_path):
  env = dict(os.environ, XLA_FLAGS=xla_flags(
      "--xla_force_host_platform_device_count=4"))
  r = subprocess.run(_cmd(tmp_path, f"--config={CONFIG}:quick",
                          "--config.train.mode=sharded",
                          "--config.data.batch_size=30"),
                     cwd=ROOT, capture_output=True, text=True, env=env,
                     timeout=300)
  assert r.returncode == 2
  assert "data.batch_size=30" in r.stderr and "4 devices" in r.stderr


def test_divergence_exits_with_one_line_naming_step_and_player(tmp_path):
  # lr = 1e30 makes the first generator update overflow.
  r = _run(tmp_path, f"--config={CONFIG}:quick", "--config.optim.lr=1e30")
  assert r.returncode == 1
  line = r.stderr.strip().splitlines()[-1]  # After the progress bar.
  assert line.startswith("error: ") and "step 0" in line
  assert "generator" in line and "Traceback" not in r.stderr
  assert not list((tmp_path / "checkpoints").glob("*/"))


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
  workdir = tmp_path_factory.mktemp("uninterrupted")
  r = _run(workdir, *LONG)
  assert r.returncode == 0, r.stderr[-2000:]
  return _summary(workdir)


def _kill_when(workdir, predicate, timeout=240):
  """Starts a run and SIGKILLs it as soon as `predicate(ckpt_dir)` holds."""
  proc = subprocess.Popen(_cmd(workdir, *LONG), cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
  ckpt = pathlib.Path(workdir) / "checkpoints"
  deadline = time.time() + timeout
  while proc.poll() is None and time.time() < deadline:
    if ckpt.is_dir() and predicate(ckpt):
      proc.send_signal(signal.SIGKILL)
      break
    time.sleep(0.001)
  proc.wait()
  return proc.returncode


def _committed(ckpt):
  return [p for p in ckpt.iterdir() if p.name.isdigit()]


@pytest.mark.parametrize("when", ["during_save", "between_saves"])
def test_resume_after_sigkill_is_bit_identical(tmp_path, uninterrupted, when):
  rng = random.Random(when)  # A fixed random point per case.
  target = rng.randint(2, 20)
  if when == "during_save":
    # Orbax writes into a temporary folder and renames it when committed.
    predicate = lambda c: len(_committed(c)) >= min(target, 3) and any(
        "tmp" in p.name for p in c.iterdir())
  else:
    predicate = lambda c: max([int(p.name) for p in _committed(c)] or [0]
                              ) >= 20 * target
  rc = _kill_when(tmp_path, predicate)
  assert rc == -signal.SIGKILL, "the run ended before it could be killed"
  r = _run(tmp_path, *LONG)
  assert r.returncode == 0, r.stderr[-2000:]
  assert "resuming from step" in r.stdout
  resumed = _summary(tmp_path)
  assert resumed["step"] == 600
  assert resumed["state_sha256"] == uninterrupted["state_sha256"]
  steps = [json.loads(l)["step"] for l in
           (tmp_path / "metrics.jsonl").read_text().splitlines()]
  assert steps == sorted(steps) and len(set(steps)) == len(steps) - 1  # eval.


def test_sigterm_saves_and_exits_cleanly(tmp_path, uninterrupted):
  proc = subprocess.Popen(_cmd(tmp_path, *LONG), cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
  ckpt = tmp_path / "checkpoints"
  while proc.poll() is None and not (ckpt.is_dir() and _committed(ckpt)):
    time.sleep(0.01)
  proc.send_signal(signal.SIGTERM)
  out, err = proc.communicate(timeout=120)
  assert proc.returncode == 0, err[-2000:]
  summary = _summary(tmp_path)
  if summary["status"] == "completed":
    pytest.skip("the run finished before SIGTERM arrived")
  assert summary["status"] == "preempted" and "SIGTERM" in out
  assert (ckpt / str(summary["step"])).is_dir()
  r = _run(tmp_path, *LONG)
  assert r.returncode == 0
  assert _summary(tmp_path)["state_sha256"] == uninterrupted["state_sha256"]


def test_changed_config_is_refused_but_longer_run_resumes(tmp_path):
  base = [f"--config={CONFIG}:quick", "--config.train.progress_bar=False"]
  assert _run(tmp_path, *base).returncode == 0
  r = _run(tmp_path, *base, "--config.optim.lr=0.5")
  assert r.returncode == 2 and "optim.lr" in r.stderr and "--workdir" in r.stderr
  r = _run(tmp_path, *base, "--config.train.num_steps=300")
  assert r.returncode == 0 and "resuming from step 200" in r.stdout
  assert _summary(tmp_path)["step"] == 300
