"""gentk off this repository: `pip install .` (not editable) into a fresh
virtualenv from a copy of the repository, then, from another folder, fetch
MNIST from a loopback mirror, train, evaluate and sample by the console
script. The wheel adds one top-level package, `gentk`.

The virtualenv sees this interpreter's packages (`--system-site-packages`),
so the dependencies are not downloaded again; gentk itself is installed
into the virtualenv with `--no-deps` and is the copy that imports there.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from tests import data_server

ROOT = pathlib.Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _copy_repository(target: pathlib.Path) -> None:
  """The repository's tracked and unignored files, links kept as links."""
  listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"],
                          cwd=ROOT, capture_output=True, text=True)
  if listed.returncode != 0:
    pytest.skip("needs a git checkout to list the repository's files")
  for name in listed.stdout.splitlines():
    source, dest = ROOT / name, target / name
    if not (source.exists() or source.is_symlink()):
      continue  # Deleted in the work tree.
    dest.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
      dest.symlink_to(os.readlink(source))
    else:
      shutil.copy2(source, dest)


def _run(args, cwd, env, timeout=600):
  r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                     timeout=timeout)
  assert r.returncode == 0, (args, r.stdout[-2000:], r.stderr[-3000:])
  return r


def test_wheel_installs_gentk_only_and_runs_from_anywhere(tmp_path):
  shared = data_server.shared_data_dir()
  if shared is None:
    pytest.skip("needs $GENTK_DATA_DIR to serve as the data mirror")
  source, venv, elsewhere = (tmp_path / "src", tmp_path / "venv",
                             tmp_path / "elsewhere")
  _copy_repository(source)
  elsewhere.mkdir()
  _run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
       tmp_path, None)
  python, gentk = venv / "bin" / "python", venv / "bin" / "gentk"
  _run([str(python), "-m", "pip", "install", "--quiet", "--no-deps",
        "--disable-pip-version-check", str(source)], tmp_path, None)

  site = pathlib.Path(_run([str(python), "-c", "import gentk; print("
                            "gentk.__file__)"], elsewhere, None).stdout.strip())
  assert venv in site.parents  # The installed copy, not the checkout.
  record = next((site.parents[1]).glob("gentk_jax-*.dist-info/RECORD"))
  tops = {line.split(",")[0].split("/")[0]
          for line in record.read_text().splitlines()}
  assert {t for t in tops if not t.endswith(".dist-info") and t != ".."} == {
      "gentk"}
  assert (site.parent / "py.typed").is_file()
  no_experiments = subprocess.run([str(python), "-c", "import experiments"],
                                  cwd=elsewhere, capture_output=True)
  assert no_experiments.returncode != 0

  data, workdir = tmp_path / "data", tmp_path / "run"
  env = dict(os.environ, GENTK_DATA_DIR=str(data),
             GENTK_CACHE_DIR=str(tmp_path / "cache"))
  with data_server.serve(shared) as server:
    _run([str(gentk), "data", "fetch", "mnist", f"--data_dir={data}",
          f"--mirror={server.url}", "--quiet"], elsewhere, env)
  assert sorted(p.name for p in (data / "mnist").iterdir()) == sorted(
      p.name for p in (shared / "mnist").iterdir())
  assert not (data / "tfds").exists()  # Read from the idx files.

  r = _run([str(gentk), "train", "--config=vae_mnist:quick",
            f"--workdir={workdir}", "--config.train.progress_bar=False"],
           elsewhere, env)
  assert "warning" not in r.stderr  # Real MNIST, no seven-segment fallback.
  assert json.loads((workdir / "config.json").read_text())["data"][
      "source"] == "mnist"
  trained = json.loads((workdir / "summary.json").read_text())["eval"]
  _run([str(gentk), "eval", f"--workdir={workdir}"], elsewhere, env)
  assert json.loads((workdir / "summary.json").read_text())["eval"] == (
      trained)
  _run([str(gentk), "sample", f"--workdir={workdir}", "--num=16"], elsewhere,
       env)
  assert (workdir / "samples.png").is_file()
  assert (workdir / "samples.npz").is_file()
