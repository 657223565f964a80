"""`gentk data fetch` against a loopback mirror of the data folder: md5s,
resumed and retried transfers, one-line errors, exit statuses, and the
numpy-only unpickler of the SeqGAN oracle."""
import io
import os
import pathlib
import pickle

import numpy as np
import pytest

from gentk.data import fetch
from gentk.data import oracle
from gentk.data import paths
from gentk.data import text
from tests import data_server

SHARED = data_server.shared_data_dir()
MD5SUMS = data_server.md5sums(SHARED) if SHARED else {}
FILES = {r.path: r for d in fetch.DATASETS.values() for r in d.files}
needs_shared = pytest.mark.skipif(
    SHARED is None or not all((SHARED / p).is_file() for p in FILES),
    reason=f"needs the data folder to serve as a mirror: set {paths.ENV_VAR} "
    "to the shared data folder (as CI does)")

COCO = "text/image_coco.txt"
SMALL = "mnist/t10k-labels-idx1-ubyte.gz"  # 4,542 bytes.
MEDIUM = "mnist/t10k-images-idx3-ubyte.gz"  # 1.6 MB.


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch):
  monkeypatch.setattr(fetch, "BACKOFF_S", 0.0)
  monkeypatch.delenv(fetch.MIRROR_ENV_VAR, raising=False)


@pytest.fixture
def mirror():
  """A loopback server of the shared data folder, no faults."""
  with data_server.serve(SHARED) as server:
    yield server


def _leftovers(root: pathlib.Path) -> list[str]:
  return sorted(str(p.relative_to(root)) for p in root.rglob(".*.part"))


def _one_line(error: BaseException | str) -> str:
  message = str(error)
  assert "\n" not in message.strip(), message
  return message


# --- The source table.


def test_table_paths_are_unique_and_names_map_back():
  provides = [p for d in fetch.DATASETS.values() for p in d.provides]
  assert len(provides) == len(set(provides))
  for name, (train, test) in text.CORPORA.items():
    assert paths.dataset_of(train) == name
    assert test is None or paths.dataset_of(test) == name
  assert paths.dataset_of(oracle.PARAMS_FILE) == "seqgan_oracle"
  assert paths.dataset_of("mnist/train-images-idx3-ubyte.gz") == "mnist"
  assert paths.dataset_of("tfds/mnist/3.0.1") == "mnist"
  assert paths.dataset_of("elsewhere.txt") is None
  for remote in FILES.values():
    assert remote.url.startswith("https://") and len(remote.md5) == 32


@needs_shared
def test_table_md5s_and_sizes_are_the_data_folders():
  for path, remote in FILES.items():
    assert MD5SUMS[path] == remote.md5, path
    assert (SHARED / path).stat().st_size == remote.size, path
  assert set(MD5SUMS) - set(FILES) == {
      "seqgan/oracle_lstm_params.npz", "text/LICENSE.texygen",
      *(p for p in MD5SUMS if p.startswith("tfds/"))}


def test_names_resolve_in_order_without_repeats():
  assert fetch.resolve_names(["coco", "mnist", "coco"]) == ["coco", "mnist"]
  assert fetch.resolve_names(["all"]) == list(fetch.DATASETS)
  with pytest.raises(ValueError) as info:
    fetch.resolve_names(["mnist", "cifar"])
  message = _one_line(info.value)
  assert "'cifar'" in message and all(n in message for n in fetch.DATASETS)


def test_mirror_replaces_each_url_by_the_layout_path():
  remote = FILES["text/image_coco_test.txt"]
  assert remote.url.endswith("/testdata/test_coco.txt")
  assert (fetch.source_url(remote, "http://h:1/d/")
          == "http://h:1/d/text/image_coco_test.txt")
  assert fetch.source_url(remote, None) == remote.url


# --- Downloads from the loopback mirror.


@needs_shared
def test_fetch_mnist_coco_and_oracle_from_a_mirror(tmp_path, mirror):
  done = fetch.fetch(["mnist", "coco", "seqgan_oracle"], tmp_path,
                     mirror=mirror.url, progress=False)
  expected = [p for n in ("mnist", "coco", "seqgan_oracle")
              for p in fetch.DATASETS[n].provides]
  assert list(done) == expected
  assert done[oracle.PARAMS_FILE] == "converted"
  assert {done[p] for p in expected[:-1]} == {"downloaded"}
  for path in expected[:-1]:
    assert fetch.file_md5(tmp_path / path) == MD5SUMS[path], path
  with np.load(tmp_path / oracle.PARAMS_FILE) as got, \
      np.load(SHARED / oracle.PARAMS_FILE) as want:
    assert list(got) == list(want) == list(fetch.ORACLE_SHAPES)
    for name in want:
      assert got[name].dtype == np.float32
      np.testing.assert_array_equal(got[name], want[name])
  assert _leftovers(tmp_path) == []
  assert not any(r.range for r in mirror.requests)


@needs_shared
def test_present_files_are_not_downloaded_again(tmp_path, mirror):
  fetch.fetch(["coco", "seqgan_oracle"], tmp_path, mirror=mirror.url,
              progress=False)
  asked = len(mirror.requests)
  again = fetch.fetch(["coco", "seqgan_oracle"], tmp_path, mirror=mirror.url,
                      progress=False)
  assert set(again.values()) == {"present"}
  assert len(mirror.requests) == asked
  # A damaged copy is replaced (its md5 is wrong), the others stay.
  (tmp_path / COCO).write_text("not the captions")
  third = fetch.fetch(["coco"], tmp_path, mirror=mirror.url, progress=False)
  assert third == {COCO: "downloaded",
                   "text/image_coco_test.txt": "present"}
  assert fetch.file_md5(tmp_path / COCO) == MD5SUMS[COCO]


@needs_shared
def test_a_corrupted_byte_is_a_one_line_error_and_leaves_nothing(tmp_path):
  faults = data_server.Faults(corrupt={COCO})
  with data_server.serve(SHARED, faults) as server:
    with pytest.raises(fetch.ChecksumError) as info:
      fetch.fetch(["coco"], tmp_path, mirror=server.url, progress=False)
  message = _one_line(info.value)
  assert COCO in message and MD5SUMS[COCO] in message
  assert "got " in message and "gentk data fetch coco" in message
  assert not (tmp_path / COCO).exists()
  assert _leftovers(tmp_path) == []


@needs_shared
@pytest.mark.parametrize("no_range", [False, True], ids=["resume", "restart"])
def test_a_dropped_connection_is_retried(tmp_path, no_range):
  faults = data_server.Faults(drop={MEDIUM: 2}, no_range=no_range)
  with data_server.serve(SHARED, faults) as server:
    done = fetch.fetch(["mnist"], tmp_path, mirror=server.url, progress=False)
  assert done[MEDIUM] == "downloaded"
  assert fetch.file_md5(tmp_path / MEDIUM) == MD5SUMS[MEDIUM]
  asked = server.asked(MEDIUM)
  assert len(asked) == 3
  size = FILES[MEDIUM].size
  if no_range:  # Every try starts over.
    assert [r.status for r in asked] == [200, 200, 200]
  else:  # Each try asks for the rest: half, then half of the rest.
    assert [r.status for r in asked] == [200, 206, 206]
    assert asked[1].range == f"bytes={size // 2}-"
    assert asked[2].range == f"bytes={size // 2 + (size - size // 2) // 2}-"
  assert _leftovers(tmp_path) == []


@needs_shared
def test_a_broken_transfer_resumes_in_the_next_run(tmp_path):
  faults = data_server.Faults(drop={MEDIUM: 3})
  with data_server.serve(SHARED, faults) as server:
    with pytest.raises(fetch.FetchError) as info:
      fetch.fetch(["mnist"], tmp_path, mirror=server.url, progress=False,
                  retries=2)
    message = _one_line(info.value)
    assert f"{server.url}/{MEDIUM}" in message and "3 tries" in message
    assert not (tmp_path / MEDIUM).exists()
    part = tmp_path / "mnist" / f".{pathlib.Path(MEDIUM).name}.part"
    kept = part.stat().st_size
    assert 0 < kept < FILES[MEDIUM].size
    done = fetch.fetch(["mnist"], tmp_path, mirror=server.url, progress=False)
    assert done[MEDIUM] == "downloaded"
    assert server.asked(MEDIUM)[-1].range == f"bytes={kept}-"
  assert fetch.file_md5(tmp_path / MEDIUM) == MD5SUMS[MEDIUM]
  assert _leftovers(tmp_path) == []


@needs_shared
def test_404_is_a_one_line_error_naming_the_url(tmp_path):
  faults = data_server.Faults(missing={"text/shi.txt"})
  with data_server.serve(SHARED, faults) as server:
    with pytest.raises(fetch.FetchError) as info:
      fetch.fetch(["poems"], tmp_path, mirror=server.url, progress=False)
    assert len(server.asked("text/shi.txt")) == 1  # Not retried.
  message = _one_line(info.value)
  assert f"{server.url}/text/shi.txt" in message and "HTTP 404" in message
  assert not (tmp_path / "text" / "shi.txt").exists()


@needs_shared
def test_a_local_folder_is_a_mirror(tmp_path):
  done = fetch.fetch(["ptb"], tmp_path, mirror=str(SHARED), progress=False)
  assert set(done.values()) == {"downloaded"}
  for path in done:
    assert fetch.file_md5(tmp_path / path) == MD5SUMS[path]
  with pytest.raises(fetch.FetchError) as info:
    fetch.fetch(["ptb"], tmp_path / "d", mirror=str(tmp_path / "empty"),
                progress=False)
  assert "ptb.valid.txt" in _one_line(info.value)


@needs_shared
def test_a_complete_part_is_renamed_and_a_bad_one_replaced(tmp_path, mirror):
  (tmp_path / "mnist").mkdir()
  part = tmp_path / "mnist" / f".{pathlib.Path(SMALL).name}.part"
  part.write_bytes((SHARED / SMALL).read_bytes())
  assert fetch.fetch_file(FILES[SMALL], tmp_path, dataset="mnist",
                          mirror=mirror.url, progress=False) == "downloaded"
  assert not mirror.requests and not part.exists()
  # Longer than the file: not a prefix of it, so it is downloaded afresh.
  (tmp_path / SMALL).unlink()
  part.write_bytes(b"x" * (FILES[SMALL].size + 1))
  fetch.fetch_file(FILES[SMALL], tmp_path, dataset="mnist", mirror=mirror.url,
                   progress=False)
  assert [r.range for r in mirror.asked(SMALL)] == [None]
  assert fetch.file_md5(tmp_path / SMALL) == MD5SUMS[SMALL]


def test_an_unreachable_server_fails_after_its_retries(tmp_path):
  with data_server.serve(tmp_path) as server:
    url = server.url  # Closed when the block ends: connections are refused.
  with pytest.raises(fetch.FetchError) as info:
    fetch.fetch(["ptb"], tmp_path / "d", mirror=url, progress=False,
                retries=1)
  message = _one_line(info.value)
  assert url in message and "2 tries" in message


# --- The command line.


def test_unknown_name_exits_2_with_one_line(capsys, tmp_path):
  assert fetch.main(["fetch", "mnist", "cifar",
                     f"--data_dir={tmp_path}"]) == 2
  err = capsys.readouterr().err
  assert err.startswith("error: ") and err.count("\n") == 1
  assert "'cifar'" in err and "seqgan_oracle" in err
  assert "gentk data fetch mnist" in err  # An example.
  assert not list(tmp_path.iterdir())
  for argv in (["fetch"], [], ["fetch", "--bogus", "mnist"], ["get"]):
    assert fetch.main(argv) == 2, argv
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, (argv, err)


def test_list_names_every_data_set_and_file(capsys):
  for argv in (["list"], ["fetch", "--list"]):
    assert fetch.main(argv) == 0
    out = capsys.readouterr().out
    assert all(f"{name}:" in out for name in fetch.DATASETS)
    assert all(path in out for path in FILES)
    assert oracle.PARAMS_FILE in out


@needs_shared
def test_main_exit_statuses(tmp_path, capsys, monkeypatch):
  faults = data_server.Faults(corrupt={"text/ptb.test.txt"},
                              missing={"text/shi.txt"})
  with data_server.serve(SHARED, faults) as server:
    flags = [f"--data_dir={tmp_path}", f"--mirror={server.url}", "--quiet"]
    assert fetch.main(["fetch", "coco", "emnlp_news"] + flags) == 0
    out = capsys.readouterr().out
    assert "3 files" in out and str(tmp_path) in out
    assert fetch.main(["fetch", "ptb"] + flags) == 1  # md5 mismatch.
    err = capsys.readouterr().err
    assert err.startswith("error: md5 mismatch for text/ptb.test.txt")
    assert err.count("\n") == 1
    assert fetch.main(["fetch", "poems"] + flags) == 1  # 404.
    err = capsys.readouterr().err
    assert "HTTP 404" in err and err.count("\n") == 1
    # The mirror from the environment, the folder from $GENTK_DATA_DIR.
    monkeypatch.setenv(fetch.MIRROR_ENV_VAR, server.url)
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "env"))
    assert fetch.main(["fetch", "coco", "--quiet"]) == 0
  assert fetch.file_md5(tmp_path / "env" / COCO) == MD5SUMS[COCO]
  assert fetch.file_md5(tmp_path / COCO) == MD5SUMS[COCO]


@needs_shared
def test_default_folder_is_the_user_cache(tmp_path, monkeypatch, mirror):
  monkeypatch.delenv(paths.ENV_VAR, raising=False)
  monkeypatch.setenv(paths.CACHE_ENV_VAR, str(tmp_path))
  assert paths.data_dir() == tmp_path / "data"
  assert fetch.main(["fetch", "poems", f"--mirror={mirror.url}",
                     "--quiet"]) == 0
  assert (tmp_path / "data" / "text" / "shi.txt").is_file()
  # The loaders find it there, and name the fetch command for what is not.
  assert len(text.corpus_sentences("poems")[0]) > 10_000
  with pytest.raises(FileNotFoundError) as info:
    text.load_corpus("coco", length=10)
  message = _one_line(info.value)
  assert "gentk data fetch coco" in message
  assert str(tmp_path / "data") in message and COCO in message


def test_python_dash_m_runs_the_command(tmp_path):
  import subprocess  # pylint: disable=g-import-not-at-top
  import sys  # pylint: disable=g-import-not-at-top
  result = subprocess.run(
      [sys.executable, "-m", "gentk.data.fetch", "fetch", "nothing"],
      capture_output=True, text=True, check=False, timeout=120)
  assert result.returncode == 2
  assert result.stderr.startswith("error: unknown data set 'nothing'")
  assert "RuntimeWarning" not in result.stderr


# --- The SeqGAN oracle's pickle.


class _Payload:
  """Unpickling this would write `path`."""

  def __init__(self, path):
    self.path = path

  def __reduce__(self):
    return (pathlib.Path.write_text, (pathlib.Path(self.path), "ran"))


class _Plain:
  """An ordinary class: its pickle names it."""


def _hostile(kind: str, marker: pathlib.Path) -> tuple[bytes, str]:
  """(a pickle, the class it asks for): calling os.system, calling a method
  that writes `marker`, or making an instance of a custom class."""
  if kind == "os.system":  # Protocol 0: loading it runs `touch marker`.
    return f"cos\nsystem\n(V touch {marker}\ntR.".encode(), "os.system"
  if kind == "reduce":
    return (pickle.dumps([np.zeros(3, np.float32), _Payload(marker)],
                         protocol=4), "pathlib.Path.write_text")
  return pickle.dumps([_Plain()], protocol=3), f"{__name__}._Plain"


@pytest.mark.parametrize("kind", ["os.system", "reduce", "custom_class"])
def test_a_hostile_pickle_is_refused_and_nothing_runs(tmp_path, kind):
  marker = tmp_path / "marker"
  blob, refused = _hostile(kind, marker)
  seqgan = tmp_path / "seqgan"
  seqgan.mkdir()
  (seqgan / "target_params_py3.pkl").write_bytes(blob)
  with pytest.raises(fetch.UnsafePickleError) as info:
    fetch.NumpyUnpickler(io.BytesIO(blob)).load()
  message = _one_line(info.value)
  assert f"refuses to load class {refused} " in message
  with pytest.raises(fetch.FetchError) as info:
    fetch.convert_seqgan_oracle(tmp_path)
  assert "refuses to load class" in _one_line(info.value)
  assert not marker.exists()
  assert sorted(p.name for p in seqgan.iterdir()) == ["target_params_py3.pkl"]


def test_the_unpickler_reads_numpy_arrays_and_checks_the_oracle():
  arrays = [np.random.default_rng(0).normal(size=s).astype(np.float32)
            for s in fetch.ORACLE_SHAPES.values()]
  loaded = fetch.NumpyUnpickler(io.BytesIO(pickle.dumps(arrays,
                                                        protocol=3))).load()
  named = fetch.oracle_arrays(loaded)
  assert list(named) == list(fetch.ORACLE_SHAPES)
  for got, want in zip(named.values(), arrays):
    np.testing.assert_array_equal(got, want)
  with pytest.raises(fetch.FetchError, match="array Wi is"):
    fetch.oracle_arrays(arrays[:1] + [np.zeros((3, 3))] + arrays[2:])
  with pytest.raises(fetch.FetchError, match="not a list of 15"):
    fetch.oracle_arrays(arrays[:3])


@needs_shared
def test_the_published_pickle_converts_to_the_shipped_arrays(tmp_path):
  (tmp_path / "seqgan").mkdir()
  (tmp_path / fetch.ORACLE_PICKLE).write_bytes(
      (SHARED / fetch.ORACLE_PICKLE).read_bytes())
  assert fetch.convert_seqgan_oracle(tmp_path)
  assert not fetch.convert_seqgan_oracle(tmp_path)  # Present: kept.
  with np.load(tmp_path / oracle.PARAMS_FILE) as got, \
      np.load(SHARED / oracle.PARAMS_FILE) as want:
    assert list(got) == list(want)
    for name in want:
      np.testing.assert_array_equal(got[name], want[name])
  assert sorted(os.listdir(tmp_path / "seqgan")) == [
      "oracle_lstm_params.npz", "target_params_py3.pkl"]
