"""`python -m experiments.report` prints the rows of real runs' tables from
their summary.json, and rejects what is not a finished run in one line."""
import json
import pathlib
import subprocess
import sys

import pytest

import gentk
from experiments import report

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _train(spec: str, workdir: pathlib.Path, **fields) -> dict:
  config = gentk.configs.get(spec)
  for name, value in fields.items():
    node = config
    *parents, leaf = name.split(".")
    for parent in parents:
      node = node[parent]
    node[leaf] = value
  gentk.train(config, workdir)
  return json.loads((workdir / "summary.json").read_text())


@pytest.fixture(scope="module")
def vae_run(tmp_path_factory):
  """A vae_mnist quick run (seven-segment digits without MNIST), smaller."""
  workdir = tmp_path_factory.mktemp("runs") / "vae_quick"
  summary = _train("vae_mnist:quick", workdir, **{
      "train.num_steps": 10, "eval.num_samples": 50,
      "data.test_split": "test[:100]"})
  return workdir, summary


@pytest.fixture(scope="module")
def gan_run(tmp_path_factory):
  """A gan_mixture quick run with 2 seeds on the seed axis."""
  workdir = tmp_path_factory.mktemp("runs") / "gan_two_seeds"
  summary = _train("gan_mixture:quick", workdir, num_seeds=2, **{
      "train.num_steps": 100})
  return workdir, summary


def _report(*args) -> subprocess.CompletedProcess:
  return subprocess.run([sys.executable, "-m", "experiments.report", *args],
                        cwd=ROOT, capture_output=True, text=True, timeout=300)


def _cells(line: str) -> list[str]:
  return [c.strip() for c in line.strip().strip("|").split("|")]


def _table(stdout: str) -> list[dict]:
  lines = stdout.strip().splitlines()
  header = _cells(lines[0])
  assert set(lines[1].replace("|", "").split()) == {"---"}
  return [dict(zip(header, _cells(l), strict=True)) for l in lines[2:]]


def test_likelihood_row_holds_the_summary(vae_run):
  workdir, summary = vae_run
  r = _report("--table=likelihood", str(workdir))
  assert r.returncode == 0, r.stderr
  [row] = _table(r.stdout)
  e = summary["eval"]
  assert row["run"] == "vae_quick"
  assert row["experiment"] == "vae_mnist"
  assert row["method"] == "sgvb_b"  # The config's objective.
  assert row["test log-likelihood"] == (
      f"{e['test_log_likelihood']:.2f} +- "
      f"{e['test_log_likelihood_stderr']:.2f}")
  assert row["test ELBO"] == f"{e['test_elbo']:.2f}"
  for k in (5, 50):
    assert row[f"IWAE-{k}"] == f"{e[f'test_iwae_{k}']:.2f}"
  assert row["steps"] == f"{summary['step']:,}" == "10"
  assert row["seeds"] == "1"


def test_mode_coverage_row_holds_median_and_range_over_seeds(gan_run):
  workdir, summary = gan_run
  r = _report("--table=mode_coverage", str(workdir))
  assert r.returncode == 0, r.stderr
  [row] = _table(r.stdout)
  e = summary["eval"]
  assert len(e["modes"]["per_seed"]) == 2
  assert row["run"] == "gan_two_seeds"
  assert row["experiment"] == "gan_mixture"
  assert row["method"] == "gan (nonsaturating)"
  assert row["data"] == "grid"
  assert row["modes"] == (f"{e['modes']['median']:.0f} "
                          f"({e['modes']['min']:.0f}-{e['modes']['max']:.0f})")
  hq = e["high_quality_pct"]
  assert row["high quality"] == (
      f"{hq['median']:.1f}% ({hq['min']:.1f}-{hq['max']:.1f})")
  kl = e["reverse_kl"]
  assert row["reverse KL"] == report.figure(kl, report._kl_digits)
  assert row["reverse KL"].startswith(
      f"{kl['median']:.{report._kl_digits(kl['median'])}f} (")
  assert row["steps"] == "100" and row["seeds"] == "2"


def test_rows_follow_the_order_given(vae_run, gan_run):
  tables = report.TABLES
  runs = [report.load(gan_run[0]), report.load(gan_run[0])]
  lines = report.markdown(tables["mode_coverage"], runs)
  assert len(lines) == 4 and lines[2] == lines[3]
  assert "vae_quick" in report.markdown(tables["likelihood"],
                                        [report.load(vae_run[0])])[2]


def test_folder_without_summary_is_one_line_exit_2(tmp_path, vae_run):
  (tmp_path / "unfinished").mkdir()
  (tmp_path / "unfinished" / "config.json").write_text("{}")
  r = _report("--table=likelihood", str(vae_run[0]),
              str(tmp_path / "unfinished"))
  assert r.returncode == 2
  assert r.stdout == ""  # No partial table.
  assert len(r.stderr.strip().splitlines()) == 1
  assert r.stderr.startswith("error: ") and "summary.json" in r.stderr
  assert "unfinished" in r.stderr


@pytest.mark.parametrize("args, says", [
    (["--table=nope", "."], "invalid choice"),
    (["--table=likelihood"], "required"),
    (["--table=likelihood", "no/such/folder"], "not a folder"),
])
def test_bad_arguments_are_one_line_exit_2(args, says):
  r = _report(*args)
  assert r.returncode == 2
  assert len(r.stderr.strip().splitlines()) == 1 and says in r.stderr


def test_run_of_another_family_is_one_line_exit_2(gan_run):
  r = _report("--table=likelihood", str(gan_run[0]))
  assert r.returncode == 2 and r.stdout == ""
  assert len(r.stderr.strip().splitlines()) == 1
  assert "test_log_likelihood" in r.stderr
  assert "--table=mode_coverage" in r.stderr


def test_damaged_summary_is_one_line_exit_2(tmp_path):
  (tmp_path / "summary.json").write_text("{not json")
  (tmp_path / "config.json").write_text("{}")
  r = _report("--table=likelihood", str(tmp_path))
  assert r.returncode == 2
  assert len(r.stderr.strip().splitlines()) == 1 and "unreadable" in r.stderr


def test_figure_formats_negative_ranges_unambiguously():
  assert report.figure({"median": -88.4, "min": -89.0, "max": -88.0}, 1) == (
      "-88.4 (-89.0 to -88.0)")
  assert report.figure({"median": 9, "min": 8, "max": 10}, 0) == "9 (8-10)"
  assert report.figure(0.25, 1, scale=100.0, unit="%") == "25.0%"
