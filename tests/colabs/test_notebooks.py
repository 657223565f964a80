"""Every notebook in colabs/ opens in Colab and executes top to bottom.

The notebooks are committed with the outputs of a run at their own settings;
the suite executes them at small settings: the parameter cell (the code cell
that assigns `WORKDIR`, headed `# Parameters`) gets the `SMALL` values.
"""
import json
import os
import pathlib
import re

import nbclient
import nbformat
import pytest

from gentk.data import paths
from tests import conftest

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "colabs").glob("*.ipynb"))
# The pinned release the notebooks' badges open and their install cell gets.
REPOSITORY = "gentk-dev/gentk"
REF = "v0.1.0"
BADGE = ("[![Open In Colab](https://colab.research.google.com/assets/"
         "colab-badge.svg)](https://colab.research.google.com/github/"
         f"{REPOSITORY}/blob/{REF}/colabs/{{name}}.ipynb)")
INSTALL = f"gentk-jax @ git+https://github.com/{REPOSITORY}@{REF}"
MAX_BYTES = 1_000_000  # A committed notebook, outputs included.
# Small settings: the parameter cell assigns these upper-case parameters.
SMALL = {"NUM_STEPS": "100", "NUM_SEEDS": "2", "NUM_SAMPLES": "200",
         "NUM_CHAINS": "8", "NUM_TEST": "500", "NUM_ADVERSARIAL": "3",
         "NUM_TEMPERATURES": "200", "NUM_CHAIN_STEPS": "20",
         "NUM_INVERSE_STEPS": "20", "NUM_ROLLOUTS": "2"}
# Notebooks that spend their time running programs rather than compiling them:
# XLA's optimising build (the others take the suite's fast-compiling one,
# tests/conftest.py). Measured in the full suite on 2 cores: ppgn 109 s
# optimised vs 213 s fast-compiling, discrete_gans 143 vs 197 (boltzmann 78 vs
# 79, seqgan 119 vs 75: left fast-compiling).
RUN_BOUND = ("discrete_gans", "ppgn")


def parameter_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
  """The code cell that assigns WORKDIR (the notebook's `# Parameters`)."""
  cells = [c for c in nb.cells if c.cell_type == "code"
           and re.search(r"^WORKDIR = ", c.source, flags=re.M)]
  assert len(cells) == 1, "one code cell assigns WORKDIR (# Parameters)"
  return cells[0]


def _shrink(source: str, workdir: pathlib.Path) -> str:
  for name, value in SMALL.items():
    source = re.sub(rf"^{name} = .*$", f"{name} = {value}", source,
                    flags=re.M)
  return re.sub(r'^WORKDIR = .*$', f'WORKDIR = "{workdir}"', source,
                flags=re.M)


def _code(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
  return [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_in_colab(path):
  """Badge, install cell, parameter cell and stored outputs, as committed."""
  nb = nbformat.read(path, as_version=4)
  first = nb.cells[0]
  assert first.cell_type == "markdown"
  assert BADGE.format(name=path.stem) in first.source
  assert re.search(r"\b(CPU|GPU|TPU) runtime\b", first.source)
  assert re.search(r"\bminutes?\b.*\(measured", first.source)
  # The first code cell installs the pinned release when gentk is not
  # importable, and fetches the data sets the notebook needs.
  install, *rest = _code(nb)
  assert "importlib.util.find_spec(\"gentk\") is None" in install.source
  assert INSTALL in install.source
  fetched = re.findall(r'fetch\.main\(\["fetch", ([^\]]*)\]\)',
                       install.source)
  needed = nb.metadata.get("gentk", {}).get("requires_data", [])
  datasets = {paths.dataset_of(p) for p in needed}
  assert None not in datasets, needed
  named = {n.strip().strip('"') for f in fetched for n in f.split(",")}
  named.discard("--quiet")
  assert named == datasets, (named, datasets)
  assert parameter_cell(nb) is rest[0], "parameters follow the install cell"
  # Committed with the outputs of a run at its own settings: every code cell
  # ran, none failed, and nothing of this machine leaked into them.
  assert all(c.execution_count for c in _code(nb)), "execute before committing"
  outputs = [o for c in _code(nb) for o in c.get("outputs", [])]
  assert not [o for o in outputs if o.output_type == "error"]
  assert any("image/png" in o.get("data", {}) for o in outputs)
  assert "/work/" not in json.dumps(outputs)
  assert path.stat().st_size < MAX_BYTES


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path):
  nb = nbformat.read(path, as_version=4)
  # A notebook lists the data files it needs (metadata "gentk".
  # "requires_data", relative to $GENTK_DATA_DIR; CI sets it). Its install
  # cell fetches them, a no-op when they are there.
  for needed in nb.metadata.get("gentk", {}).get("requires_data", []):
    root = paths.data_dir()
    if root is None or not (root / needed).exists():
      pytest.skip(f"needs $GENTK_DATA_DIR/{needed}")
  cell = parameter_cell(nb)
  cell.source = _shrink(cell.source, tmp_path / "run")
  env = dict(os.environ)
  if path.stem in RUN_BOUND:
    env["XLA_FLAGS"] = conftest.OPTIMISED
  nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                          resources={"metadata": {"path": str(ROOT)}}
                          ).execute(env=env)
  errors = [o for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.output_type == "error"]
  assert not errors
