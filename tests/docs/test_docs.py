"""The README and docs/ hold together: links resolve, configs named exist,
the quick start is what CI runs, and no private paths or tracker numbers leak
into the shipped text."""
import functools
import pathlib
import re
import subprocess

import pytest

from gentk import configs

ROOT = pathlib.Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"

# [text](target) and ![alt](target), an optional "title" after the target;
# reference definitions `[label]: target`; HTML src= / href=.
INLINE_LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?"
                         r"(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
HTML_LINK = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""")
FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", re.M | re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)  # http:, mailto:
ISSUE = re.compile(r"\bissues? \d+", re.I)
CONFIG_FLAG = re.compile(r"--config=([A-Za-z0-9_./-]+)(?::([A-Za-z0-9_,]+))?")


def markdown_files() -> list[pathlib.Path]:
  return [README, *sorted(DOCS.glob("*.md"))]


def _prose(text: str) -> str:
  """`text` without fenced code blocks and code spans (links there are
  code, not links)."""
  return CODE_SPAN.sub("", FENCE.sub("", text))


def links(path: pathlib.Path) -> list[str]:
  text = _prose(path.read_text())
  return (INLINE_LINK.findall(text) + REFERENCE_LINK.findall(text)
          + HTML_LINK.findall(text))


@functools.cache
def tracked_files() -> tuple[pathlib.Path, ...]:
  """The repository's tracked files (skips the test outside a checkout)."""
  try:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                         capture_output=True).stdout
  except (OSError, subprocess.CalledProcessError):
    pytest.skip("not a git checkout")
  return tuple(ROOT / p for p in out.decode().split("\0") if p)


def _text(path: pathlib.Path) -> str | None:
  """A tracked file's text; None for links, folders and binary files."""
  if path.is_symlink() or not path.is_file():
    return None
  try:
    return path.read_text()
  except UnicodeDecodeError:
    return None


def test_there_are_docs():
  assert README.is_file()
  assert DOCS.is_dir() and any(DOCS.glob("*.md"))


@pytest.mark.parametrize("page", markdown_files(),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve_inside_the_repository(page):
  bad = []
  for target in links(page):
    if EXTERNAL.match(target) or target.startswith("#"):
      continue  # A web address, or an anchor of the page itself.
    path = target.split("#", 1)[0].split("?", 1)[0]
    resolved = (page.parent / path).resolve()
    if not resolved.is_relative_to(ROOT):
      bad.append(f"{target} (outside the repository)")
    elif not resolved.exists():
      bad.append(f"{target} (missing)")
  assert not bad, f"{page.relative_to(ROOT)}: {bad}"


# The data folder beside this project's checkout, spelled so that this file
# does not match itself.
PRIVATE_DATA_DIR = "/".join(["..", "shared"])


def test_no_private_shared_paths_in_tracked_files():
  """The data folder beside the checkout is CI's business (.ci/); users have
  $GENTK_DATA_DIR."""
  hits = []
  for path in tracked_files():
    relative = path.relative_to(ROOT).as_posix()
    if relative.startswith(".ci/"):
      continue
    text = _text(path)
    if text is None:
      continue
    hits += [f"{relative}:{i}" for i, line in enumerate(text.splitlines(), 1)
             if PRIVATE_DATA_DIR in line]
  assert not hits, hits


def test_no_issue_numbers_in_shipped_text():
  """"issue 13" means nothing to a reader without the tracker; upstream
  references (`jax-ml/jax#12868`, .../issues/12868) are fine."""
  hits = []
  for path in tracked_files():
    relative = path.relative_to(ROOT).as_posix()
    if not (relative == "README.md" or relative.startswith(
        ("docs/", "gentk/", "experiments/"))):
      continue
    text = _text(path)
    if text is None:
      continue
    for i, line in enumerate(text.splitlines(), 1):
      hits += [f"{relative}:{i}: {m.group()}" for m in ISSUE.finditer(line)]
  assert not hits, hits


def method_index() -> str:
  """The README's method index: its "## Methods" section."""
  text = README.read_text()
  match = re.search(r"^## Methods\b.*?(?=^## |\Z)", text, re.M | re.S)
  assert match, "README.md has no '## Methods' section (the method index)"
  return match.group()


def _table_column(section: str, header: str) -> list[str]:
  """The cells of column `header` in the Markdown tables of `section`."""
  cells, index = [], None
  for line in section.splitlines():
    if not line.startswith("|"):
      index = None
      continue
    row = [c.strip() for c in line.strip().strip("|").split("|")]
    if index is None:
      index = row.index(header) if header in row else -1
      continue
    if index >= 0 and index < len(row) and not set(row[index]) <= set("-: "):
      cells.append(row[index])
  return cells


def index_configs() -> list[str]:
  """Every config the method index names: backticked `name` / `name:variant`
  in its config column, and every --config= of its commands."""
  section = method_index()
  named = []
  for cell in _table_column(section, "config"):
    named += re.findall(r"`([A-Za-z0-9_]+(?::[A-Za-z0-9_,]+)?)`", cell)
  for name, variants in CONFIG_FLAG.findall(section):
    named.append(f"{name}:{variants}" if variants else name)
  return list(dict.fromkeys(named))


def test_method_index_names_configs():
  assert len(index_configs()) >= 10, index_configs()


def test_configs_in_the_method_index_exist_and_their_variants_parse():
  shipped = set(configs.names())
  bad = []
  for spec in index_configs():
    name = spec.partition(":")[0]
    if name not in shipped:
      bad.append(f"{spec}: no shipped config {name!r}")
      continue
    try:
      configs.get(spec)
    except Exception as e:  # pylint: disable=broad-except
      bad.append(f"{spec}: {type(e).__name__}: {str(e).splitlines()[0]}")
  assert not bad, bad


def quick_start() -> str:
  text = README.read_text()
  match = re.search(r"^## Quick start\b.*?(?=^## |\Z)", text, re.M | re.S)
  assert match, "README.md has no '## Quick start' section"
  return match.group()


def test_quick_start_is_what_ci_runs():
  """The quick start trains a shipped config through `gentk train` and runs
  `pytest`; CI (.ci/run) runs pytest, whose tests/experiments/test_configs.py
  launches every shipped config through `gentk.cli train`, as the quick start
  does."""
  section = quick_start()
  assert "gentk train --config=gan_mixture --workdir=runs/quickstart" in section
  launched = CONFIG_FLAG.findall(section)
  assert launched
  for name, variants in launched:
    assert name in configs.names(), name
    configs.get(f"{name}:{variants}" if variants else name)
  assert re.search(r"^\S.*\bpytest\b", section, re.M)
  ci = (ROOT / ".ci" / "run").read_text()
  assert re.search(r"^\s*python -m pytest\b", ci, re.M)
  test_configs = (ROOT / "tests" / "experiments" / "test_configs.py").read_text()
  assert re.search(r'"-m",\s*"gentk\.cli",\s*"train"', test_configs)
  assert "configs.names()" in test_configs


@pytest.mark.parametrize("text, found", [
    ("[a](docs/x.md) ![b](docs/images/s.png \"t\")", ["docs/x.md",
                                                      "docs/images/s.png"]),
    ("`[a](not/a/link.md)` and\n```\n[b](nor/this.md)\n```\n", []),
    ("[ref]: ../README.md\n", ["../README.md"]),
])
def test_link_extraction(tmp_path, text, found):
  page = tmp_path / "p.md"
  page.write_text(text)
  assert links(page) == found


def test_issue_pattern_spares_upstream_references():
  assert not ISSUE.search("upstream jax-ml/jax#39103")
  assert not ISSUE.search("https://github.com/jax-ml/jax/issues/12868")
  assert ISSUE.search("toward issue 13's rows")
  assert ISSUE.search("(issues 4 and 16)")
