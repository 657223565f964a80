"""Kill-and-resume tests: a train step that SIGKILLs its own process at a
chosen step, and the subprocess runs of the probes that use it."""
import os
import pathlib
import signal
import subprocess
import sys

import jax

ROOT = pathlib.Path(__file__).resolve().parents[2]


def killing_at(train_step, kill_at: int):
  """`train_step` that SIGKILLs this process when it runs step `kill_at`."""
  def die_if(step):
    if int(step) == kill_at:
      os.kill(os.getpid(), signal.SIGKILL)

  def step(state, batch, key):
    jax.debug.callback(die_if, state.step)
    return train_step(state, batch, key)
  return step


def run_probe(module: str, workdir, *args) -> subprocess.CompletedProcess:
  """`python -m <module> WORKDIR ARGS...` from the repository root, on CPU."""
  env = dict(os.environ, JAX_PLATFORMS="cpu")
  return subprocess.run(
      [sys.executable, "-m", module, str(workdir), *map(str, args)],
      cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def final_sha(result: subprocess.CompletedProcess) -> str:
  """The state SHA-256 a completed probe printed last."""
  assert result.returncode == 0, result.stderr[-2000:]
  return result.stdout.split("sha256")[-1].strip()
