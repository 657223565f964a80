"""Where gentk finds its data sets, and the one-line errors when it does not.

The data folder is `$GENTK_DATA_DIR` when set, else a per-user cache folder,
`default_data_dir()`: `$GENTK_CACHE_DIR/data`, else
`$XDG_CACHE_HOME/gentk/data`, else `~/.cache/gentk/data`. `gentk data fetch
<name>` (`gentk.data.fetch`) fills it. Layout: `mnist/` (the idx files),
`tfds/` (a TFDS data_dir, optional), `text/`, `seqgan/`.

Every missing-data error is one line naming the missing path, the data folder
in use and the command that fills it (`missing`).
"""
import os
import pathlib

ENV_VAR = "GENTK_DATA_DIR"
CACHE_ENV_VAR = "GENTK_CACHE_DIR"


class DataError(OSError):
  """A data file is present but unusable (damaged, truncated, wrong format)."""


def default_cache_dir() -> pathlib.Path:
  """`$GENTK_CACHE_DIR`, else `$XDG_CACHE_HOME/gentk`, else `~/.cache/gentk`."""
  if os.environ.get(CACHE_ENV_VAR):
    return pathlib.Path(os.environ[CACHE_ENV_VAR]).expanduser()
  base = os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache"
  return pathlib.Path(base).expanduser() / "gentk"


def default_data_dir() -> pathlib.Path:
  """The data folder used when `$GENTK_DATA_DIR` is unset:
  `default_cache_dir() / "data"` (it need not exist)."""
  return default_cache_dir() / "data"


def data_dir() -> pathlib.Path:
  """The data folder: `$GENTK_DATA_DIR` when set, else `default_data_dir()`.

  The default folder need not exist (loaders then raise `missing`'s error).

  Raises:
    FileNotFoundError: when `$GENTK_DATA_DIR` is set to a path that is not a
      folder.
  """
  value = os.environ.get(ENV_VAR)
  if not value:
    return default_data_dir()
  path = pathlib.Path(value).expanduser().resolve()
  if not path.is_dir():
    raise FileNotFoundError(
        f"{ENV_VAR}={value!r} is not a directory: point {ENV_VAR} at a data "
        f"folder (gentk data fetch <name> --data_dir=<folder> fills one), or "
        f"unset it to use {default_data_dir()}")
  return path


def dataset_of(relative: str) -> str | None:
  """The `gentk data fetch` name of the data set that provides `relative`
  (a path in the data layout, e.g. 'text/shi.txt' -> 'poems'), or None."""
  from gentk.data import fetch  # pylint: disable=g-import-not-at-top
  relative = pathlib.PurePosixPath(relative).as_posix()
  if relative.startswith("tfds/mnist"):
    return "mnist"
  for name, dataset in fetch.DATASETS.items():
    if relative in dataset.provides:
      return name
  return None


def fetch_command(dataset: str, root: str | os.PathLike | None = None) -> str:
  """`gentk data fetch <dataset>`, with `--data_dir=<root>` when `root` is
  not the folder the command fills by default."""
  command = f"gentk data fetch {dataset}"
  if root is not None:
    try:
      default = data_dir()
    except FileNotFoundError:
      default = None
    if default is None or pathlib.Path(root).resolve() != default.resolve():
      command += f" --data_dir={root}"
  return command


def damaged(path: str | os.PathLike, problem: str) -> DataError:
  """The one-line error for a data file that is present but unusable:
  the file, what is wrong, and the fetch command that gets a good copy
  (a file whose md5 is wrong is downloaded again)."""
  path = pathlib.Path(path)
  root = data_dir()
  try:
    relative = path.resolve().relative_to(root.resolve()).as_posix()
  except ValueError:
    relative = path.name
  dataset = dataset_of(relative)
  fix = (f"run {fetch_command(dataset, root)} for a good copy" if dataset
         else "replace it with a good copy")
  return DataError(f"{path} is damaged ({problem}): {fix}")


def missing(dataset: str | None, what: str | os.PathLike, *,
            root: str | os.PathLike | None = None,
            detail: str | None = None) -> FileNotFoundError:
  """The one-line error for data that is not in the data folder.

  Args:
    dataset: the `gentk data fetch` name that provides it (None: unknown).
    what: what is missing: a path relative to `root` (e.g. 'text/shi.txt')
      or a name (e.g. 'MNIST').
    root: the data folder in use (default: `data_dir()`).
    detail: what was looked for, e.g. 'no mnist/ idx files or tfds/mnist/'.
  Returns:
    A `FileNotFoundError` (raise it) such as "MNIST not found in
    /home/u/.cache/gentk/data (no mnist/ idx files or tfds/mnist/): run
    gentk data fetch mnist (or set GENTK_DATA_DIR to a folder that holds it)".
  """
  root = pathlib.Path(root) if root is not None else data_dir()
  where = f"in {root}" + (f" ({detail})" if detail else "")
  if dataset is None:
    fix = f"set {ENV_VAR} to a folder that holds it"
  else:
    fix = (f"run {fetch_command(dataset, root)} (or set {ENV_VAR} to a folder "
           "that holds it)")
  return FileNotFoundError(f"{what} not found {where}: {fix}")


def require(relative: str) -> pathlib.Path:
  """Returns `data_dir() / relative`.

  Raises:
    FileNotFoundError: one line naming the missing path, the data folder and
      the `gentk data fetch` command that fills it.
  """
  root = data_dir()
  path = root / relative
  if not path.exists():
    raise missing(dataset_of(relative), relative, root=root)
  return path
