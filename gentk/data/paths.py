"""Where gentk finds its data sets.

One setting: the environment variable `GENTK_DATA_DIR` (CI points it at
`../shared/data`). Layout under it: `tfds/` (a TFDS data_dir), `text/`,
`seqgan/`, `mnist/` (raw idx files).
"""
import os
import pathlib

ENV_VAR = "GENTK_DATA_DIR"


def data_dir() -> pathlib.Path | None:
  """Returns the data root from `$GENTK_DATA_DIR`, or `None` when unset.

  Raises:
    FileNotFoundError: when the variable is set to a folder that does not exist.
  """
  value = os.environ.get(ENV_VAR)
  if not value:
    return None
  path = pathlib.Path(value).expanduser().resolve()
  if not path.is_dir():
    raise FileNotFoundError(
        f"{ENV_VAR}={value!r} is not a directory: point {ENV_VAR} at the folder "
        "holding tfds/, text/ and seqgan/ (e.g. ../shared/data), or unset it.")
  return path


def require(relative: str) -> pathlib.Path:
  """Returns `data_dir() / relative`, with a one-line error naming the fix."""
  root = data_dir()
  if root is None:
    raise FileNotFoundError(
        f"{relative!r} needs the data folder: set {ENV_VAR} to the folder that "
        f"holds it (e.g. export {ENV_VAR}=../shared/data).")
  path = root / relative
  if not path.exists():
    raise FileNotFoundError(
        f"{path} does not exist: check {ENV_VAR}={root} (it must hold "
        f"{relative}).")
  return path
