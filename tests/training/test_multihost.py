"""Multi-host: two processes on localhost (one CPU device each, Gloo
collectives) train the same run as one process over two devices."""
import json
import os
import pathlib
import socket
import subprocess
import sys

import pytest

from tests.conftest import xla_flags

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _free_port() -> int:
  with socket.socket() as s:
    s.bind(("localhost", 0))
    return s.getsockname()[1]


def _env(**extra):
  env = {k: v for k, v in os.environ.items()
         if not k.startswith("GENTK_") or k == "GENTK_DATA_DIR"}
  env.update(JAX_PLATFORMS="cpu", **extra)
  return env


def _probe(workdir, env):
  return subprocess.Popen(
      [sys.executable, "-m", "tests.training._multihost_probe", str(workdir)],
      cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
      text=True)


def _field(stdout: str, name: str) -> str:
  return next(l.split(" ", 1)[1] for l in stdout.splitlines()
              if l.startswith(name + " "))


@pytest.mark.slow
def test_two_processes_match_one_process_over_two_devices(tmp_path):
  one = _probe(tmp_path / "one", _env(
      XLA_FLAGS=xla_flags("--xla_force_host_platform_device_count=2")))
  out_one, err_one = one.communicate(timeout=300)
  assert one.returncode == 0, err_one[-3000:]

  port = _free_port()
  procs = [_probe(tmp_path / "two", _env(
      GENTK_NUM_PROCESSES="2", GENTK_PROCESS_ID=str(i),
      GENTK_COORDINATOR=f"localhost:{port}",
      XLA_FLAGS=xla_flags("--xla_force_host_platform_device_count=1")))
           for i in range(2)]
  outs = [p.communicate(timeout=300) for p in procs]
  for p, (_, err) in zip(procs, outs):
    assert p.returncode == 0, err[-3000:]

  assert _field(out_one, "devices") == "2 processes 1"
  assert _field(outs[0][0], "devices") == "2 processes 2"
  # Only process 0 reports (Gloo itself may print a connection line).
  assert "sha256" not in outs[1][0]
  assert _field(outs[0][0], "sha256") == _field(out_one, "sha256")
  assert (tmp_path / "two" / "summary.json").exists()
  # One writer: the same records as the one-process run (steps 20 and 40,
  # then the evaluation), each once.
  steps = [[json.loads(l)["step"] for l in
            (tmp_path / run / "metrics.jsonl").read_text().splitlines()]
           for run in ("one", "two")]
  assert steps[1] == steps[0] == [20, 40, 40]
  assert sorted(p.name for p in (tmp_path / "two" / "checkpoints").iterdir()
                if p.name.isdigit()) == ["20", "40"]


def test_incomplete_process_group_is_refused_in_one_line(tmp_path):
  result = subprocess.run(
      [sys.executable, "-m", "experiments.main", f"--workdir={tmp_path / 'w'}",
       "--config=experiments/configs/gan_mixture.py:quick"],
      cwd=ROOT, env=_env(GENTK_NUM_PROCESSES="2"), capture_output=True,
      text=True, timeout=120, check=False)
  assert result.returncode == 2
  lines = result.stderr.strip().splitlines()
  assert len(lines) == 1 and "GENTK_PROCESS_ID" in lines[0], result.stderr
  assert "GENTK_COORDINATOR=localhost:" in lines[0]
  assert not (tmp_path / "w").exists()
