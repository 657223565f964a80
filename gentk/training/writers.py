"""Metric writers: `metrics.jsonl` plus TensorBoard event files (tensorboardX).

With a seed axis, a metric `name` of shape `[S]` is written to TensorBoard as
`name/seed{i}` and to JSON as a list.
"""
import json
import pathlib

import numpy as np
from tensorboardX import SummaryWriter

METRICS_FILE = "metrics.jsonl"


def _to_json(value):
  a = np.asarray(value)
  return a.item() if a.ndim == 0 else a.tolist()


class MetricWriter:
  """Appends scalars to `workdir/metrics.jsonl` and `workdir/tensorboard/`."""

  def __init__(self, workdir: str | pathlib.Path, *, resume_step: int = 0):
    self.workdir = pathlib.Path(workdir)
    self._path = self.workdir / METRICS_FILE
    self._truncate_after(resume_step)
    self._jsonl = open(self._path, "a", encoding="utf-8")
    self._tb = SummaryWriter(str(self.workdir / "tensorboard"))

  def _truncate_after(self, step: int) -> None:
    """Drops lines logged after `step` by a run that was cut off, so a resumed
    run's log has each step once."""
    if not self._path.exists():
      return
    kept = []
    for line in self._path.read_text(encoding="utf-8").splitlines():
      try:
        if json.loads(line)["step"] <= step:
          kept.append(line)
      except (ValueError, KeyError):
        continue  # A line half-written when the process was killed.
    self._path.write_text("".join(l + "\n" for l in kept), encoding="utf-8")

  def write(self, step: int, metrics: dict, tags: dict | None = None) -> None:
    """Scalars (or per-seed vectors) `metrics`, and string `tags` (JSON only,
    e.g. the phase's name) at `step`."""
    record = {"step": int(step), **(tags or {})}
    for name, value in sorted(metrics.items()):
      a = np.asarray(value)
      record[name] = _to_json(a)
      if a.ndim == 0:
        self._tb.add_scalar(name, float(a), step)
      else:
        for i, v in enumerate(a.reshape(-1)):
          self._tb.add_scalar(f"{name}/seed{i}", float(v), step)
    self._jsonl.write(json.dumps(record) + "\n")
    self._jsonl.flush()

  def close(self) -> None:
    self._jsonl.close()
    self._tb.close()


def read_metrics(workdir: str | pathlib.Path) -> list[dict]:
  """The records of `workdir/metrics.jsonl`, in order."""
  path = pathlib.Path(workdir) / METRICS_FILE
  return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines()
          if l.strip()]
