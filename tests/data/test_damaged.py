"""A damaged data file gets one line naming it, what is wrong and the fetch
command that gets a good copy."""
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from gentk.data import mnist
from gentk.data import oracle
from gentk.data import paths
from gentk.data import text


def test_a_text_file_without_a_usable_line(tmp_path, monkeypatch):
  monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
  (tmp_path / "text").mkdir()
  (tmp_path / "text" / "image_coco.txt").write_text("\n  \n\n")
  with pytest.raises(paths.DataError) as e:
    text.load_sentences(tmp_path / "text" / "image_coco.txt")
  line = str(e.value)
  assert "\n" not in line and "image_coco.txt is damaged" in line
  assert "no line with a word" in line and "gentk data fetch coco" in line


def test_a_damaged_oracle_npz(tmp_path, monkeypatch):
  monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
  (tmp_path / "seqgan").mkdir()
  (tmp_path / oracle.PARAMS_FILE).write_bytes(b"PK\x03\x04 truncated")
  with pytest.raises(paths.DataError) as e:
    oracle.load_oracle()
  line = str(e.value)
  assert "\n" not in line and "oracle_lstm_params.npz is damaged" in line
  assert "gentk data fetch seqgan_oracle" in line


# ------------------------------------------ the launcher, end to end

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = paths.data_dir


def _copy(source: pathlib.Path, target: pathlib.Path) -> None:
  target.parent.mkdir(parents=True, exist_ok=True)
  if source.is_dir():
    shutil.copytree(source, target)
  else:
    shutil.copyfile(source, target)
  for p in [target, *target.rglob("*")]:
    p.chmod(0o755 if p.is_dir() else 0o644)


def _truncate(path: pathlib.Path, fraction: float = 0.3) -> None:
  data = path.read_bytes()
  path.write_bytes(data[:int(len(data) * fraction)])


def _tfds_record(root):
  _copy(SHARED() / "tfds" / "mnist", root / "tfds" / "mnist")
  (record,) = (root / "tfds" / "mnist").glob("*/mnist-train.array_record-*")
  _truncate(record, 0.05)
  return record


def _idx(root):
  for files in mnist.IDX_FILES.values():
    for f in files:
      _copy(SHARED() / f, root / f)
  images = root / mnist.IDX_FILES["train"][0]
  _truncate(images)
  return images


def _oracle_npz(root):
  target = root / oracle.PARAMS_FILE
  _copy(SHARED() / oracle.PARAMS_FILE, target)
  _truncate(target, 0.5)
  return target


def _text(root):
  target = root / "text" / "image_coco.txt"
  target.parent.mkdir(parents=True)
  target.write_text("\n \n\n")
  return target


# (config, how the file is damaged, what the line says, the fetch command).
LAUNCHES = {
    "truncated_tfds_record": ("vae_mnist:quick", _tfds_record,
                              "Corrupted Riegeli", "gentk data fetch mnist"),
    "truncated_idx": ("vae_mnist:quick", _idx, "is damaged",
                      "gentk data fetch mnist"),
    "damaged_oracle_npz": ("seqgan_oracle:quick", _oracle_npz, "is damaged",
                           "gentk data fetch seqgan_oracle"),
    "empty_text": ("seqgan_text:quick", _text, "no line with a word",
                   "gentk data fetch coco"),
}


def _snapshot(folder: pathlib.Path) -> dict:
  return {str(p.relative_to(folder)): hashlib.md5(p.read_bytes()).hexdigest()
          for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.skipif(not mnist.available(paths.data_dir()) or
                    not (paths.data_dir() / oracle.PARAMS_FILE).is_file(),
                    reason="needs the data folder with MNIST and the oracle")
@pytest.mark.parametrize("case", sorted(LAUNCHES))
def test_the_launcher_stops_on_a_damaged_file_in_one_line(tmp_path, case):
  """`gentk train` on a damaged data file: exit 2, one `error:` line naming
  the file and the fetch command, no traceback, no workdir, the file kept."""
  config, damage, what, fetch = LAUNCHES[case]
  data, workdir = tmp_path / "data", tmp_path / "run"
  damaged = damage(data)
  before = _snapshot(data)
  env = dict(os.environ, PYTHONPATH=str(ROOT), GENTK_DATA_DIR=str(data),
             GENTK_CACHE_DIR=str(tmp_path / "cache"))
  r = subprocess.run(
      [sys.executable, "-m", "gentk.cli", "train", f"--config={config}",
       f"--workdir={workdir}", "--config.train.progress_bar=False"],
      cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
  assert r.returncode == 2, r.stderr[-3000:]
  assert "Traceback" not in r.stderr, r.stderr[-3000:]
  errors = [l for l in r.stderr.splitlines() if l.startswith("error:")]
  assert len(errors) == 1, r.stderr[-3000:]
  assert str(damaged) in errors[0] and what in errors[0], errors[0]
  assert fetch in errors[0], errors[0]
  assert _snapshot(data) == before  # Nothing deleted or rewritten.
  assert not workdir.exists(), sorted(map(str, workdir.rglob("*")))
