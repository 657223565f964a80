"""The canonical training loop: resume, fused steps, guards, checkpoints, logs.

`train(config, workdir, experiment)` runs `config.train.num_steps` steps of
`experiment.algorithm` and leaves in `workdir`:

* `config.json`   the resolved config (a rerun must match it),
* `checkpoints/`  Orbax checkpoints (keep-N, resumed from the newest that
  restores, so rerunning the same command continues an interrupted run and
  ends bit-identical to an uninterrupted one),
* `metrics.jsonl` and `tensorboard/`,
* `summary.json`  the final evaluation and the SHA-256 of the final state,
* whatever `experiment.evaluate` writes (plots).

SIGTERM saves a checkpoint and returns `status='preempted'`. A non-finite loss,
gradient or parameter stops training within the step where it happens with a
`NonFiniteError` naming the step and the player; nothing non-finite is saved.
"""
import contextlib
import json
import pathlib
import signal
import time
from typing import Callable, NamedTuple

import jax
import ml_collections
import numpy as np
import tqdm

from gentk.training import checkpoint as checkpoint_lib
from gentk.training import compile as compile_lib
from gentk.training import config as config_lib
from gentk.training import writers
from gentk.types import Algorithm

# Fields a rerun may change without starting a new run.
RESUMABLE_CHANGES = ("train.num_steps", "train.log_every", "train.progress_bar",
                     "eval.")


class Experiment(NamedTuple):
  """What `train` needs besides the config.

  Attributes:
    algorithm: the `Algorithm` (built with `axis_name` under pmap).
    data_fn: `(key, step) -> batch`, drawing the global batch.
    evaluate: `(state, key, workdir, tag) -> dict of floats`, for one seed's
      state; may write artifacts named with `tag`.
  """
  algorithm: Algorithm
  data_fn: Callable
  evaluate: Callable | None = None


class NonFiniteError(FloatingPointError):
  """Training produced NaN or Inf."""


def _flatten(config: ml_collections.ConfigDict) -> dict:
  out = {}
  for key, value in config.items():
    if isinstance(value, ml_collections.ConfigDict):
      out.update({f"{key}.{k}": v for k, v in _flatten(value).items()})
    else:
      out[key] = value
  return out


def _check_or_write_config(config, workdir: pathlib.Path) -> None:
  path = workdir / "config.json"
  current = json.loads(config.to_json_best_effort(sort_keys=True))
  if path.exists():
    saved = _flatten(ml_collections.ConfigDict(json.loads(path.read_text())))
    now = _flatten(ml_collections.ConfigDict(current))
    for field in sorted(set(saved) | set(now)):
      if field.startswith(RESUMABLE_CHANGES):
        continue
      if saved.get(field) != now.get(field):
        raise config_lib.ConfigError(
            f"config.{field}={now.get(field)!r} differs from "
            f"{saved.get(field)!r} saved in {path}: resume with the same "
            "config or pass a new --workdir.")
  path.write_text(json.dumps(current, indent=2, sort_keys=True))


@contextlib.contextmanager
def _sigterm_flag():
  """Yields a dict whose 'set' turns True when SIGTERM arrives."""
  flag = {"set": False}
  try:
    previous = signal.signal(signal.SIGTERM,
                             lambda *_: flag.__setitem__("set", True))
  except ValueError:  # Not the main thread: no handler.
    yield flag
    return
  try:
    yield flag
  finally:
    signal.signal(signal.SIGTERM, previous)


def _abstract(tree):
  return jax.tree.map(lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype), tree)


def _seed_slice(tree, i: int | None):
  return tree if i is None else jax.tree.map(lambda x: x[i], tree)


def _failure_message(failure, players, seeded: bool, last_saved) -> str:
  steps = np.atleast_1d(failure.step)
  flags = np.asarray(failure.players).reshape(len(steps), len(players))
  seed = int(np.argmax(steps >= 0))
  bad = [p for p, f in zip(players, flags[seed]) if f]
  where = f" (seed {seed})" if seeded else ""
  kept = (f"the last good checkpoint (step {last_saved}) is kept"
          if last_saved is not None else "no checkpoint was written")
  return (f"non-finite loss, gradient or parameter at step {steps[seed]}"
          f"{where} in player {'/'.join(bad)}; training stopped and {kept}. "
          "Lower the learning rate or check the data.")


def train(config: ml_collections.ConfigDict, workdir: str | pathlib.Path,
          experiment: Experiment) -> dict:
  """Trains, checkpoints and evaluates; returns the final summary dict."""
  config_lib.validate(config)
  workdir = pathlib.Path(workdir)
  workdir.mkdir(parents=True, exist_ok=True)
  _check_or_write_config(config, workdir)
  tc = config.train
  num_seeds = config.get("num_seeds", 1)
  seeded = num_seeds > 1
  algorithm, data_fn = experiment.algorithm, experiment.data_fn

  init_key, run_key, eval_key = jax.random.split(
      jax.random.PRNGKey(config.seed), 3)
  init = algorithm.init
  if seeded:
    init_key = jax.random.split(init_key, num_seeds)
    run_key = jax.random.split(run_key, num_seeds)
    init = jax.vmap(init, in_axes=(0, None))
  example = data_fn(jax.random.PRNGKey(0), 0)
  state = jax.jit(init)(init_key, example)

  ckpt = checkpoint_lib.Checkpointer(workdir / "checkpoints",
                                     keep=tc.keep_checkpoints)
  restored = ckpt.restore_latest(_abstract(state))
  step, last_saved = 0, None
  if restored is not None:
    step, state, _ = restored
    last_saved = step
    print(f"resuming from step {step} in {ckpt.directory}", flush=True)

  players = compile_lib.players_of(_seed_slice(state, 0 if seeded else None))
  compiled = {}

  def step_fn(k: int):
    if k not in compiled:
      compiled[k] = compile_lib.compile_step(
          algorithm.train_step, data_fn=data_fn, players=players,
          mode=tc.mode, steps_per_call=k,
          num_seeds=num_seeds if seeded else None)
    return compiled[k]

  meta = {"config": json.loads(config.to_json_best_effort())}

  def save(state_on_device) -> None:
    nonlocal last_saved
    ckpt.save(step, step_fn(tc.steps_per_call).get(state_on_device), meta)
    last_saved = step

  writer = writers.MetricWriter(workdir, resume_step=step)
  bar = tqdm.tqdm(total=tc.num_steps, initial=step, unit="step",
                  disable=not config.train.get("progress_bar", True),
                  dynamic_ncols=True)
  status = "completed"
  device_state = step_fn(tc.steps_per_call).put(state)
  del state
  start_time, start_step = time.perf_counter(), step
  with _sigterm_flag() as sigterm:
    while step < tc.num_steps:
      k = min(tc.steps_per_call, tc.num_steps - step)
      device_state, metrics, failure = step_fn(k).step_fn(device_state, run_key)
      failure = jax.device_get(failure)
      if np.any(np.asarray(failure.step) >= 0):
        bar.close()
        writer.close()
        ckpt.close()
        raise NonFiniteError(_failure_message(failure, players, seeded,
                                              last_saved))
      before, step = step, step + k
      bar.update(k)
      if step // tc.log_every > before // tc.log_every or step == tc.num_steps:
        last = jax.device_get(jax.tree.map(lambda m: m[..., -1], metrics))
        writer.write(step, last)
        bar.set_postfix({n: f"{np.mean(v):.3g}" for n, v in last.items()
                         if n.endswith("loss")}, refresh=False)
      if (step // tc.checkpoint_every > before // tc.checkpoint_every
          or step == tc.num_steps or sigterm["set"]):
        save(device_state)
      if sigterm["set"]:
        status = "preempted"
        break
  bar.close()
  steps_per_s = (step - start_step) / max(time.perf_counter() - start_time,
                                          1e-9)
  final_state = step_fn(tc.steps_per_call).get(device_state)
  summary = {"status": status, "step": step,
             "state_sha256": checkpoint_lib.state_digest(final_state),
             "steps_per_s": steps_per_s}
  if status == "preempted":
    print(f"SIGTERM: saved step {step} in {ckpt.directory}; rerun the same "
          "command to resume.", flush=True)
  elif experiment.evaluate is not None:
    results = []
    for i in range(num_seeds):
      tag = f"seed{i}" if seeded else ""
      results.append(experiment.evaluate(
          _seed_slice(final_state, i if seeded else None),
          jax.random.fold_in(eval_key, i), workdir, tag))
    summary["eval"] = _aggregate(results)
    writer.write(step, {f"eval/{k}": np.asarray([r[k] for r in results])
                        if seeded else results[0][k] for k in results[0]})
  writer.close()
  ckpt.close()
  (workdir / "summary.json").write_text(json.dumps(summary, indent=2))
  return summary


def _aggregate(results: list[dict]) -> dict:
  """Per metric: the value for one seed, or median / min / max / per-seed."""
  if len(results) == 1:
    return {k: float(v) for k, v in results[0].items()}
  out = {}
  for k in results[0]:
    values = np.asarray([float(r[k]) for r in results])
    out[k] = {"median": float(np.median(values)), "min": float(values.min()),
              "max": float(values.max()), "per_seed": values.tolist()}
  return out
