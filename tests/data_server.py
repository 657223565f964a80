"""A loopback HTTP server of a data folder, to test `gentk data fetch`.

`serve(root)` serves the files under `root` read-only on 127.0.0.1 (an
ephemeral port, a daemon thread), with HTTP Range requests (206 and
`Content-Range`; `http.server.SimpleHTTPRequestHandler` has none), so
`fetch(..., mirror=server.url)` downloads the data layout from it. `Faults`
breaks it on purpose: drop the connection halfway through a file, flip a byte,
answer 404, ignore Range. `server.requests` records what was asked.

`shared_data_dir()` is the folder the suite serves: `$GENTK_DATA_DIR` (CI
points it at the shared data folder), or None when unset.
"""
import contextlib
import dataclasses
import http.server
import os
import pathlib
import threading
import urllib.parse
from typing import Iterator, NamedTuple


class Request(NamedTuple):
  """One request: the path in the data layout, its Range header (or None)
  and the status answered."""
  path: str
  range: str | None
  status: int


@dataclasses.dataclass
class Faults:
  """What the server does wrong, per path in the data layout.

  Attributes:
    drop: path -> how many of its first GETs send half of the bytes they
      announce, then close the connection.
    corrupt: paths served with their middle byte flipped.
    missing: paths answered with 404.
    no_range: ignore Range headers (answer 200 with the whole file).
  """
  drop: dict[str, int] = dataclasses.field(default_factory=dict)
  corrupt: set[str] = dataclasses.field(default_factory=set)
  missing: set[str] = dataclasses.field(default_factory=set)
  no_range: bool = False


@dataclasses.dataclass
class DataServer:
  """A running server: `url` is the mirror's base URL."""
  url: str
  root: pathlib.Path
  faults: Faults
  requests: list[Request] = dataclasses.field(default_factory=list)
  lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

  def asked(self, path: str) -> list[Request]:
    """The requests for `path`, in order."""
    with self.lock:
      return [r for r in self.requests if r.path == path]


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
  """(first, last) of a `bytes=a-[b]` header, or None for a whole file."""
  if not header or not header.startswith("bytes="):
    return None
  first, _, last = header[len("bytes="):].partition("-")
  if not first.isdigit():
    return None
  return int(first), min(int(last), size - 1) if last.isdigit() else size - 1


class _Handler(http.server.BaseHTTPRequestHandler):
  """GET and HEAD of files under the server's root, with Range and faults."""
  server_version = "gentk-test-data/1"

  def log_message(self, format, *args):  # pylint: disable=redefined-builtin
    pass

  def _answer(self, body: bool) -> None:
    state: DataServer = self.server.state
    relative = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
    relative = relative.lstrip("/")
    range_header = self.headers.get("Range")
    file = (state.root / relative).resolve()
    inside = state.root in file.parents
    if relative in state.faults.missing or not inside or not file.is_file():
      self._status(relative, range_header, 404)
      self.send_error(404)
      return
    data = bytearray(file.read_bytes())
    if relative in state.faults.corrupt:
      data[len(data) // 2] ^= 0xFF
    span = None if state.faults.no_range else _byte_range(range_header,
                                                          len(data))
    if span is not None and span[0] >= len(data):
      self._status(relative, range_header, 416)
      self.send_response(416)
      self.send_header("Content-Range", f"bytes */{len(data)}")
      self.send_header("Content-Length", "0")
      self.end_headers()
      return
    first, last = span or (0, len(data) - 1)
    payload = bytes(data[first:last + 1])
    status = 206 if span is not None else 200
    with state.lock:
      drop = state.faults.drop.get(relative, 0) > 0 and body
      if drop:
        state.faults.drop[relative] -= 1
      state.requests.append(Request(relative, range_header, status))
    self.send_response(status)
    self.send_header("Content-Type", "application/octet-stream")
    self.send_header("Content-Length", str(len(payload)))
    self.send_header("Accept-Ranges", "none" if state.faults.no_range
                     else "bytes")
    if status == 206:
      self.send_header("Content-Range", f"bytes {first}-{last}/{len(data)}")
    self.end_headers()
    if not body:
      return
    if drop:
      self.wfile.write(payload[:len(payload) // 2])
      self.wfile.flush()
      self.close_connection = True
      return
    self.wfile.write(payload)

  def _status(self, relative: str, range_header: str | None,
              status: int) -> None:
    state: DataServer = self.server.state
    with state.lock:
      state.requests.append(Request(relative, range_header, status))

  def do_GET(self):  # pylint: disable=invalid-name
    self._answer(body=True)

  def do_HEAD(self):  # pylint: disable=invalid-name
    self._answer(body=False)


@contextlib.contextmanager
def serve(root: str | os.PathLike,
          faults: Faults | None = None) -> Iterator[DataServer]:
  """Serves `root` read-only on 127.0.0.1 until the block ends.

  Args:
    root: the folder served (laid out like the data folder).
    faults: what to get wrong (default: nothing); the server mutates its
      `drop` counts.
  Yields:
    The `DataServer` (`url`, `requests`).
  """
  server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
  server.daemon_threads = True
  host, port = server.server_address[:2]
  state = DataServer(f"http://{host}:{port}", pathlib.Path(root).resolve(),
                     faults or Faults())
  server.state = state
  thread = threading.Thread(target=server.serve_forever, args=(0.05,),
                            daemon=True)
  thread.start()
  try:
    yield state
  finally:
    server.shutdown()
    server.server_close()
    thread.join()


def shared_data_dir() -> pathlib.Path | None:
  """`$GENTK_DATA_DIR` as a folder, or None when unset or not a folder."""
  value = os.environ.get("GENTK_DATA_DIR")
  if not value or not pathlib.Path(value).is_dir():
    return None
  return pathlib.Path(value).resolve()


def md5sums(root: pathlib.Path) -> dict[str, str]:
  """Path -> md5 from `root/MD5SUMS` (`md5sum` output), {} without it."""
  listing = root / "MD5SUMS"
  if not listing.is_file():
    return {}
  sums = {}
  for line in listing.read_text().splitlines():
    digest, _, name = line.strip().partition("  ")
    if name:
      sums[name.removeprefix("./")] = digest
  return sums
