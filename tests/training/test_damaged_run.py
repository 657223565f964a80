"""Damaged run files and a failing disk: one line, exit 2 or a resume from an
older checkpoint, and nothing deleted or overwritten."""
import hashlib
import json
import os
import pathlib
import resource
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# A small quick run: checkpoints at steps 20, 40 and 60.
SMALL = ["--config=gan_mixture:quick", "--config.train.num_steps=60",
         "--config.train.steps_per_call=10", "--config.train.log_every=20",
         "--config.train.checkpoint_every=20",
         "--config.model.generator_hidden=(16,16)",
         "--config.model.discriminator_hidden=(16,16)",
         "--config.train.progress_bar=False"]


def _launch(workdir, *args, file_size_limit=None):
  def limit():  # A full disk for this process: writes past the size fail.
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit,) * 2)
  return subprocess.run(
      [sys.executable, "-m", "experiments.main", f"--workdir={workdir}",
       *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
      preexec_fn=limit if file_size_limit else None)


def _one_error_line(r) -> str:
  lines = [l for l in r.stderr.splitlines() if l.strip()]
  assert r.returncode == 2, r.stderr[-3000:]
  assert "Traceback" not in r.stderr, r.stderr[-3000:]
  assert lines[-1].startswith("error: "), r.stderr[-3000:]
  errors = [l for l in lines if l.startswith("error:")]
  assert len(errors) == 1, r.stderr
  return errors[0]


def _tree_digest(folder: pathlib.Path) -> dict:
  return {str(p.relative_to(folder)): hashlib.md5(p.read_bytes()).hexdigest()
          for p in sorted(folder.rglob("*")) if p.is_file()}


def _damage(step_dir: pathlib.Path) -> None:
  for f in step_dir.rglob("*"):
    if f.is_file() and f.stat().st_size > 0:
      f.write_bytes(b"\0" * f.stat().st_size)


def _digest(workdir) -> str:
  return json.loads((workdir / "summary.json").read_text())["state_sha256"]


def test_truncated_config_json_gets_one_line_and_stays(tmp_path):
  assert _launch(tmp_path, *SMALL).returncode == 0
  config = tmp_path / "config.json"
  config.write_text(config.read_text()[:100])
  before = _tree_digest(tmp_path)
  line = _one_error_line(_launch(tmp_path, *SMALL))
  assert "config.json is unreadable" in line and "--workdir" in line
  assert _tree_digest(tmp_path) == before


def test_damaged_newest_checkpoint_resumes_from_an_older_one(tmp_path):
  reference = tmp_path / "reference"
  assert _launch(reference, *SMALL).returncode == 0
  run = tmp_path / "run"
  assert _launch(run, *SMALL[:-5], "--config.train.num_steps=40",
                 *SMALL[-4:]).returncode == 0
  _damage(run / "checkpoints" / "40")
  damaged = _tree_digest(run / "checkpoints" / "40")
  r = _launch(run, *SMALL)
  assert r.returncode == 0, r.stderr[-3000:]
  warnings = [l for l in r.stderr.splitlines() if l.startswith("warning:")]
  assert len(warnings) == 1 and "skipped checkpoint 40" in warnings[0]
  assert "using step 20" in warnings[0]
  # Kept, not deleted; the run then ends where an uninterrupted one does.
  assert _tree_digest(run / "damaged_checkpoints" / "40") == damaged
  assert _digest(run) == _digest(reference)


def test_no_checkpoint_restoring_gets_one_line_and_keeps_them(tmp_path):
  assert _launch(tmp_path, *SMALL).returncode == 0
  for step in ("20", "40", "60"):
    if (tmp_path / "checkpoints" / step).exists():
      _damage(tmp_path / "checkpoints" / step)
  before = _tree_digest(tmp_path)
  line = _one_error_line(_launch(tmp_path, *SMALL,))
  assert "no checkpoint in" in line and "restores" in line
  assert _tree_digest(tmp_path) == before


def test_a_full_disk_stops_with_one_line_and_keeps_the_last_checkpoint(
    tmp_path):
  assert _launch(tmp_path, *SMALL[:-5], "--config.train.num_steps=40",
                 *SMALL[-4:]).returncode == 0
  kept = _tree_digest(tmp_path / "checkpoints" / "40")
  # Files may not grow past 2 KB: the next checkpoint's arrays cannot be
  # written (the run's own small files were written before).
  line = _one_error_line(_launch(tmp_path, *SMALL, file_size_limit=2048))
  assert "40" in line and ("File too large" in line or "space" in line)
  assert _tree_digest(tmp_path / "checkpoints" / "40") == kept
  r = _launch(tmp_path, *SMALL)  # The disk is back: the run resumes.
  assert r.returncode == 0 and "resuming from step 40" in r.stdout


def test_a_launch_that_failed_before_saving_does_not_lock_its_workdir(
    tmp_path):
  (tmp_path / "config.json").write_text(json.dumps({"seed": 5}))
  r = _launch(tmp_path, *SMALL)  # No checkpoint: the new config is written.
  assert r.returncode == 0, r.stderr[-3000:]
  assert json.loads((tmp_path / "config.json").read_text())["seed"] == 0


def _make_read_only(folder: pathlib.Path) -> str | None:
  """Makes `folder` unwritable: a read-only bind mount for root (permission
  bits do not stop root), the permission bits otherwise. Returns the command
  that undoes it, or None where neither is possible."""
  if os.geteuid() != 0:
    for p in [folder, *folder.rglob("*")]:
      p.chmod(p.stat().st_mode & ~0o222)
    return f"chmod -R u+w {folder}"
  mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)],
                           capture_output=True)
  if mounted.returncode != 0:
    return None
  if subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)],
                    capture_output=True).returncode != 0:
    subprocess.run(["umount", str(folder)], check=True)
    return None
  return f"umount {folder}"


def test_a_read_only_workdir_stops_with_one_line_and_keeps_its_run(tmp_path):
  run = tmp_path / "run"
  assert _launch(run, *SMALL[:-5], "--config.train.num_steps=40",
                 *SMALL[-4:]).returncode == 0
  before = _tree_digest(run)
  undo = _make_read_only(run)
  if undo is None:
    pytest.skip("root without the right to mount: no way to make a folder "
                "read-only here")
  try:
    line = _one_error_line(_launch(run, *SMALL))
  finally:
    subprocess.run(undo.split(), check=True)
  assert f"--workdir={run} cannot be written" in line, line
  assert _tree_digest(run) == before
  r = _launch(run, *SMALL)  # Writable again: the run resumes.
  assert r.returncode == 0 and "resuming from step 40" in r.stdout
