"""The canonical training loop: resume, fused steps, guards, checkpoints, logs.

`train(config, workdir, experiment)` runs `config.train.num_steps` steps of
`experiment.algorithm`, phase after phase (`Algorithm.phases`: the phase and
the step within it are in the state, so a run killed in any phase resumes
bit-identical), and leaves in `workdir`:

* `config.json`   the resolved config (a rerun must match it),
* `checkpoints/`  Orbax checkpoints (keep-N, resumed from the newest that
  restores, so rerunning the same command continues an interrupted run and
  ends bit-identical to an uninterrupted one),
* `metrics.jsonl` and `tensorboard/`,
* `summary.json`  the final evaluation and the SHA-256 of the final state,
* whatever `experiment.evaluate` writes (plots).

Curves during training: `experiment.monitor(state, key) -> dict` runs every
`experiment.monitor_every[phase name]` steps of that phase (phase steps 0,
every, 2 every, ..., and the phase's last step), on the host between compiled
calls (a call never crosses a monitoring step); its values go to
`metrics.jsonl` and TensorBoard as `monitor/<name>`. It reads the state and
draws from its own key (`fold_in(eval key, step)`), so it changes nothing a
resumed run depends on.

SIGTERM saves a checkpoint and returns `status='preempted'`. A non-finite loss,
gradient or parameter stops training within the step where it happens with a
`NonFiniteError` naming the step and the player; nothing non-finite is saved.
With S seeds on the seed axis (`config.num_seeds`; seed i uses
`config.seed + i`, so it is the single-seed run of that seed), a seed that
turns non-finite is frozen at its last finite state and reported (seed, step,
player) in the log and in `summary.json["diverged"]`; the other seeds train to
the end and are evaluated. Only when every seed has diverged does the run stop
with `NonFiniteError`.
"""
import contextlib
import dataclasses
import json
import pathlib
import signal
import time
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import tqdm

from gentk.training import checkpoint as checkpoint_lib
from gentk.training import compile as compile_lib
from gentk.training import config as config_lib
from gentk.training import distributed
from gentk.training import sweep
from gentk.training import sweep_outputs
from gentk.training import writers
from gentk.types import Algorithm, Phase, TrainState

# Fields a rerun may change without starting a new run.
RESUMABLE_CHANGES = ("train.num_steps", "train.log_every", "train.progress_bar",
                     "eval.")


class Experiment(NamedTuple):
  """What `train` needs besides the config.

  Attributes:
    algorithm: the `Algorithm` (built with `axis_name` under pmap).
    data_fn: `(key, step, num_batches) -> batch`, drawing the global batch
      (`num_batches` comes from the phase, see `gentk.types.Phase`).
    evaluate: `(state, key, workdir, tag) -> dict of floats`, for one seed's
      state; may write artifacts named with `tag`.
    monitor: `(state, key) -> dict of floats` for one seed's state, logged
      during training (a learning curve such as SeqGAN's NLL-oracle).
    monitor_every: `{phase name: steps}`; phases not named are not
      monitored.
    decode: `tokens [N, T] -> list of N strings`, for a model of text
      (what `gentk sample` writes beside the token ids).
  """
  algorithm: Algorithm
  data_fn: Callable
  evaluate: Callable | None = None
  monitor: Callable | None = None
  monitor_every: dict[str, int] | None = None
  decode: Callable | None = None


def init_state(experiment: Experiment, key) -> TrainState:
  """`experiment.algorithm.init(key, batch)` on an example batch of the first
  phase (the batch only gives shapes)."""
  return experiment.algorithm.init(key, example_batch(experiment))


def seeded_init(algorithm: Algorithm, num_seeds: int | None) -> Callable:
  """`(key, batch) -> state`: `algorithm.init`, mapped over a leading seed
  axis of `key` when `num_seeds` is not None."""
  if num_seeds is None:
    return algorithm.init
  return jax.vmap(algorithm.init, in_axes=(0, None))


def example_batch(experiment: Experiment):
  """A batch of the first phase (it gives `init` its shapes)."""
  return experiment.data_fn(jax.random.PRNGKey(0), 0,
                            experiment.algorithm.phases[0].num_batches)


def restore(experiment: Experiment, workdir: str | pathlib.Path, *,
            num_seeds: int | None = None) -> tuple[int, TrainState, dict]:
  """`(step, state, meta)` of the newest checkpoint in `workdir` that
  restores; the state has a leading seed axis `[num_seeds]` when given.

  Raises:
    FileNotFoundError: naming the folder when no checkpoint restores.
  """
  abstract = jax.eval_shape(seeded_init(experiment.algorithm, num_seeds),
                            seed_keys(0, num_seeds)[0],
                            example_batch(experiment))
  directory = pathlib.Path(workdir) / "checkpoints"
  ckpt = checkpoint_lib.Checkpointer(directory)
  try:
    restored = ckpt.restore_latest(abstract)
  finally:
    ckpt.close()
  if restored is None:
    raise FileNotFoundError(f"no checkpoint restores from {directory}: train "
                            "there first, e.g. gentk train --config=... "
                            f"--workdir={workdir}")
  return restored


def restore_state(experiment: Experiment, workdir: str | pathlib.Path
                  ) -> TrainState:
  """The newest checkpointed state of a one-seed run in `workdir` (e.g.
  after `train`, to analyse it in a notebook; `gentk.load_run` does this
  for any run).

  Raises:
    FileNotFoundError: naming the folder when it holds no checkpoint.
  """
  return restore(experiment, workdir)[1]


def evaluate(experiment: Experiment, state: TrainState, eval_key,
             workdir: pathlib.Path, num_seeds: int,
             frozen: frozenset[int] = frozenset(), *,
             tags: list[str] | None = None,
             hyper: dict | None = None) -> tuple[dict, dict]:
  """`experiment.evaluate` of each seed not in `frozen`, as `train` ends.

  Args:
    state: the final state (leading seed axis when `num_seeds > 1`).
    eval_key: the run's eval key (`seed_keys(...)[2]`), `[S]` keys with S
      seeds.
    tags: each seed's artifact tag (default `seed{i}`).
    hyper: a sweep's `{field: [S] values}`, bound while seed i is evaluated.
  Returns:
    `(per-seed results {seed: {name: value}}, summary["eval"])`.
  """
  seeded = num_seeds > 1
  results = {}
  for i in range(num_seeds):
    if i in frozen:
      continue
    tag = (tags[i] if tags else f"seed{i}") if seeded else ""
    with sweep.bound({k: float(v[i]) for k, v in (hyper or {}).items()}):
      results[i] = experiment.evaluate(
          _seed_slice(state, i if seeded else None),
          jax.random.fold_in(eval_key[i] if seeded else eval_key, 0),
          pathlib.Path(workdir), tag)
  return results, _aggregate(results, num_seeds)


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


def read_config_json(path: pathlib.Path) -> dict:
  """The config saved in `path`; one-line `ConfigError` when unreadable."""
  try:
    return json.loads(path.read_text())
  except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
    raise config_lib.ConfigError(
        f"{path} is unreadable ({type(e).__name__}: "
        f"{(str(e).splitlines() or [''])[0]}): the run in {path.parent} "
        "cannot be checked against it; restore it from a copy, or pass a new "
        "--workdir (the file is left as it is)") from e


def write_atomically(path: pathlib.Path, text: str) -> None:
  """Writes `text` to a temporary file beside `path`, then renames it."""
  tmp = path.with_name(f".{path.name}.tmp")
  tmp.write_text(text)
  tmp.replace(path)


def _check_or_write_config(config, workdir: pathlib.Path, *,
                           has_checkpoint: bool) -> None:
  """Writes `config.json` atomically; with a checkpoint to resume, first
  checks that `config` matches the saved one (fields a rerun may change
  aside). Without one (a first launch, or one that failed before its first
  save) the new config replaces the saved one."""
  path = workdir / "config.json"
  current = json.loads(config.to_json_best_effort(sort_keys=True))
  if path.exists() and has_checkpoint:
    saved = _flatten(ml_collections.ConfigDict(read_config_json(path)))
    now = _flatten(ml_collections.ConfigDict(current))
    for field in sorted(set(saved) | set(now)):
      if field.startswith(RESUMABLE_CHANGES):
        continue
      if saved.get(field) != now.get(field):
        raise config_lib.ConfigError(
            f"config.{field}={now.get(field)!r} differs from "
            f"{saved.get(field)!r} saved in {path}: resume with the same "
            "config or pass a new --workdir.")
  write_atomically(path, json.dumps(current, indent=2, sort_keys=True))


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


def _abstract(tree, sharding=None):
  return jax.tree.map(
      lambda x: jax.ShapeDtypeStruct(x.shape, x.dtype, sharding=sharding), tree)


class _NoWriter:
  """What processes other than 0 write: nothing."""

  def write(self, *args, **kwargs) -> None:
    del args, kwargs

  def close(self) -> None:
    pass


def _seed_slice(tree, i: int | None):
  return tree if i is None else jax.tree.map(lambda x: x[i], tree)


class PhaseSpan(NamedTuple):
  """Where phase `index` runs: steps `[start, end)` of the run."""
  index: int
  name: str
  start: int
  end: int


def phase_spans(phases: tuple[Phase, ...], num_steps: int) -> list[PhaseSpan]:
  """The phases' step ranges in a run of `num_steps` steps (phases past the
  end are cut; a last phase of length None runs to the end)."""
  spans, start = [], 0
  for i, phase in enumerate(phases):
    if phase.num_steps is None and i != len(phases) - 1:
      raise ValueError(f"phase {phase.name!r}: only the last phase may have "
                       "num_steps=None")
    end = num_steps if phase.num_steps is None else start + phase.num_steps
    spans.append(PhaseSpan(i, phase.name, start, min(end, num_steps)))
    start = end
  if start < num_steps:
    raise config_lib.ConfigError(
        f"config.train.num_steps={num_steps} is longer than the algorithm's "
        f"phases ({start} steps): pass --config.train.num_steps={start}.")
  return [s for s in spans if s.start < s.end or s.index == 0]


def _monitor_logged(workdir: pathlib.Path, step: int, phase_name: str
                    ) -> bool:
  """Whether `metrics.jsonl` holds the monitored point of phase
  `phase_name` at `step`: a run resumed at a phase's first step may have
  died after the previous phase's last checkpoint and before logging it."""
  return any(r.get("step") == step and r.get("phase_name") == phase_name
             and any(k.startswith("monitor/") for k in r)
             for r in writers.read_metrics(workdir))


def _monitor_period(experiment: Experiment, span: PhaseSpan) -> int | None:
  """Steps between monitored points in `span`'s phase, or None: not
  monitored."""
  if experiment.monitor is None:
    return None
  every = (experiment.monitor_every or {}).get(span.name)
  if every is not None and every < 1:
    raise ValueError(f"monitor_every[{span.name!r}] must be >= 1, got {every}")
  return every


def _next_monitor_step(span: PhaseSpan, every: int | None, step: int) -> int:
  """The first monitoring step after `step` in `span` (its end if none)."""
  if every is None:
    return span.end
  return min(span.start + ((step - span.start) // every + 1) * every,
             span.end)


def _span_at(spans: list[PhaseSpan], step: int) -> PhaseSpan:
  return next((s for s in spans if s.start <= step < s.end), spans[-1])


def seed_keys(seed: int, num_seeds: int | None) -> tuple:
  """`(init, run, eval)` keys; with a seed axis `[S]` keys, seed i's drawn
  from `config.seed + i` exactly as a single-seed run of that seed."""
  if num_seeds is None:
    return tuple(jax.random.split(jax.random.PRNGKey(seed), 3))
  keys = jnp.stack([jax.random.split(jax.random.PRNGKey(seed + i), 3)
                    for i in range(num_seeds)])
  return keys[:, 0], keys[:, 1], keys[:, 2]


def num_runs(config: ml_collections.ConfigDict) -> int:
  """Runs on the seed axis: the seeds, times a sweep's points."""
  return config.get("num_seeds", 1) * len(sweep.points(config))


def run_keys(config: ml_collections.ConfigDict) -> tuple:
  """`(init, run, eval)` keys of every run of the seed axis: `seed_keys` of
  the seeds, repeated for each point of a sweep (every point trains with the
  same seeds)."""
  num_seeds = config.get("num_seeds", 1)
  num_points = len(sweep.points(config))
  if num_points == 1:
    return seed_keys(config.seed, num_seeds if num_seeds > 1 else None)
  return tuple(jnp.tile(k, (num_points,) + (1,) * (k.ndim - 1))
               for k in seed_keys(config.seed, num_seeds))


def _divergence(failure, players, seeds) -> list[dict]:
  """`[{seed, step, players}]` for the seeds whose `failure` is set."""
  steps = np.atleast_1d(np.asarray(failure.step))
  flags = np.asarray(failure.players).reshape(len(steps), len(players))
  return [{"seed": int(i), "step": int(steps[i]),
           "players": [p for p, f in zip(players, flags[i]) if f]}
          for i in seeds if steps[i] >= 0]


def _failure_from(diverged: list[dict], players, num_seeds) -> tuple | None:
  """The `Failure` that keeps the seeds of `diverged` frozen on resume."""
  if not diverged:
    return None
  failure = compile_lib.no_failure(len(players), num_seeds)
  for d in diverged:
    failure.step[d["seed"]] = d["step"]
    failure.players[d["seed"]] = [p in d["players"] for p in players]
  return failure


def _failure_message(d: dict, seeded: bool, last_saved,
                     label: Callable[[int], str] = "seed {}".format) -> str:
  where = f" ({label(d['seed'])})" if seeded else ""
  kept = (f"the last good checkpoint (step {last_saved}) is kept"
          if last_saved is not None else "no checkpoint was written")
  return (f"non-finite loss, gradient or parameter at step {d['step']}"
          f"{where} in player {'/'.join(d['players'])}; training stopped and "
          f"{kept}. Lower the learning rate or check the data.")


@dataclasses.dataclass
class _Run:
  """What the stages of one `train` call share: the run's settings, its
  files and its progress (`step`, the state on device, the failures)."""
  config: ml_collections.ConfigDict
  experiment: Experiment
  workdir: pathlib.Path
  spans: list[PhaseSpan]
  primary: bool
  multi: bool
  num_seeds: int
  eval_key: Any
  run_key: Any
  ckpt: checkpoint_lib.Checkpointer
  writer: Any
  bar: Any
  players: tuple
  failure: Any
  device_state: Any
  step: int
  resumed: bool
  last_saved: int | None
  diverged: list[dict]
  compiled: dict = dataclasses.field(default_factory=dict)
  closed: bool = False
  hyper: dict = dataclasses.field(default_factory=dict)
  seeds_per_point: int = 1

  def label(self, i: int) -> str:
    """Run i of the seed axis in words (a sweep's point and seed)."""
    if not self.hyper:
      return f"seed {i}"
    return sweep.run_label(sweep.points(self.config), self.seeds_per_point, i)

  def tags(self) -> list[str]:
    """Each run's artifact tag: `seed{i}`, or `point{p}_seed{s}` in a
    sweep."""
    s = self.seeds_per_point
    return [f"point{i // s}_seed{i % s}" if self.hyper else f"seed{i}"
            for i in range(self.num_seeds)]

  @property
  def seed_axis(self) -> int | None:
    return self.num_seeds if self.num_seeds > 1 else None

  def step_fn(self, span: PhaseSpan, k: int) -> compile_lib.CompiledStep:
    """The compiled call of `k` steps of `span`'s phase (compiled once)."""
    if (span.index, k) not in self.compiled:
      tc = self.config.train
      self.compiled[span.index, k] = compile_lib.compile_step(
          self.experiment.algorithm.phases[span.index],
          data_fn=self.experiment.data_fn, phase_index=span.index,
          mode=tc.mode, steps_per_call=k, num_seeds=self.seed_axis,
          hyper=self.hyper or None,
          runs_per_pass=tc.get("runs_per_pass", 0))
    return self.compiled[span.index, k]

  def host_state(self) -> TrainState:
    any_step = self.step_fn(self.spans[0], self.config.train.steps_per_call)
    return distributed.to_host(any_step.get(self.device_state))

  def save(self) -> None:
    any_step = self.step_fn(self.spans[0], self.config.train.steps_per_call)
    self.ckpt.save(self.step, any_step.get(self.device_state),
                   {"config": json.loads(self.config.to_json_best_effort()),
                    "diverged": self.diverged,
                    "phase": _span_at(self.spans, max(self.step - 1, 0)).name})
    self.last_saved = self.step

  def close(self, checkpointer: bool = True) -> None:
    """Closes the bar, the writers and (unless the disk refused a save, when
    its writer threads are left to the process's exit) the checkpointer."""
    if self.closed:
      return
    self.closed = True
    self.bar.close()
    self.writer.close()
    if checkpointer:
      self.ckpt.close()


def _restore(config: ml_collections.ConfigDict, workdir: pathlib.Path,
             experiment: Experiment) -> _Run:
  """Checks the config against the workdir, initialises the state and
  replaces it with the newest checkpoint that restores."""
  config_lib.validate(config)
  tc = config.train
  workdir.mkdir(parents=True, exist_ok=True)
  primary, multi = distributed.is_primary(), distributed.is_multiprocess()
  if multi and tc.mode != "sharded":
    raise config_lib.ConfigError(
        f"config.train.mode={tc.mode!r} runs on one process: a run over "
        f"{jax.process_count()} processes needs --config.train.mode=sharded.")
  if primary:
    _check_or_write_config(
        config, workdir,
        has_checkpoint=checkpoint_lib.has_checkpoint(workdir / "checkpoints"))
  seeds_per_point = config.get("num_seeds", 1)
  num_seeds = num_runs(config)
  seed_axis = num_seeds if num_seeds > 1 else None
  init_key, run_key, eval_key = run_keys(config)
  state = jax.jit(seeded_init(experiment.algorithm, seed_axis))(
      init_key, example_batch(experiment))  # As init_state, per seed.
  ckpt = checkpoint_lib.Checkpointer(workdir / "checkpoints",
                                     keep=tc.keep_checkpoints)
  restored = ckpt.restore_latest(_abstract(
      state, distributed.replicated_sharding(compile_lib.DATA_AXIS)
      if multi else None), set_aside=primary)
  step, diverged = 0, []
  if restored is not None:
    step, state, saved_meta = restored
    diverged = list(saved_meta.get("diverged", []))
    print(f"resuming from step {step} in {ckpt.directory}", flush=True)
  players = compile_lib.players_of(_seed_slice(state, 0 if seed_axis else None))
  failure = _failure_from(diverged, players, seed_axis)
  run = _Run(
      config=config, experiment=experiment, workdir=workdir,
      spans=phase_spans(experiment.algorithm.phases, tc.num_steps),
      primary=primary, multi=multi, num_seeds=num_seeds, eval_key=eval_key,
      run_key=run_key, ckpt=ckpt,
      writer=(writers.MetricWriter(workdir, resume_step=step) if primary
              else _NoWriter()),
      bar=tqdm.tqdm(total=tc.num_steps, initial=step, unit="step",
                    disable=not (tc.get("progress_bar", True) and primary),
                    dynamic_ncols=True),
      players=players, failure=failure, device_state=None, step=step,
      resumed=restored is not None,
      last_saved=step if restored is not None else None, diverged=diverged,
      hyper=sweep.run_values(config, seeds_per_point),
      seeds_per_point=seeds_per_point)
  if multi:  # Several processes: global arrays, replicated on every device.
    place = lambda tree: distributed.replicate_global(tree,
                                                      compile_lib.DATA_AXIS)
    run.failure = place(failure if failure is not None else
                        compile_lib.no_failure(len(players), seed_axis))
    run.run_key = place(run_key)
    run.device_state = place(state)
  else:
    run.device_state = run.step_fn(run.spans[0], tc.steps_per_call).put(state)
  return run


def _monitor(run: _Run, span: PhaseSpan) -> None:
  """`experiment.monitor` of the current state (per seed), logged."""
  host_state = run.host_state()
  if not run.primary:  # Every process gathers the state; process 0 logs.
    return
  key = jax.random.fold_in(run.eval_key, run.step)
  monitor = run.experiment.monitor
  if run.seed_axis is None:
    values = monitor(host_state, key)
  else:
    per_seed = []
    for i in range(run.num_seeds):
      with sweep.bound({k: float(v[i]) for k, v in run.hyper.items()}):
        per_seed.append(monitor(_seed_slice(host_state, i), key[i]))
    values = {k: np.asarray([v[k] for v in per_seed]) for k in per_seed[0]}
  run.writer.write(run.step, {f"monitor/{k}": v for k, v in values.items()},
                   tags={"phase_name": span.name})
  run.bar.write(f"step {run.step} ({span.name}): " + ", ".join(
      f"{k} {np.mean(v):.4g}" for k, v in values.items()))


def _enter_phase(run: _Run, span: PhaseSpan, start_step: int) -> None:
  """Announces the phase and monitors its opening state, unless a resumed
  run already logged it."""
  if len(run.spans) > 1:
    run.bar.write(f"phase {span.index + 1}/{len(run.spans)} {span.name!r}: "
                  f"steps {span.start}..{span.end}")
  run.bar.set_description(span.name if len(run.spans) > 1 else None)
  every = _monitor_period(run.experiment, span)
  logged = run.resumed and run.step == start_step and (
      run.multi or _monitor_logged(run.workdir, run.step, span.name))
  if every is not None and run.step == span.start and not logged:
    _monitor(run, span)


def _check_divergence(run: _Run) -> None:
  """Records the seeds that turned non-finite in the last call; raises
  `NonFiniteError` when none is left to train."""
  seeded = run.seed_axis is not None
  new = _divergence(distributed.to_host(run.failure), run.players,
                    [i for i in range(run.num_seeds)
                     if i not in {d["seed"] for d in run.diverged}])
  if not new:
    return
  run.diverged.extend(new)
  if not seeded or len(run.diverged) == run.num_seeds:
    run.close()
    raise NonFiniteError(
        _failure_message(new[0], seeded, run.last_saved) if not seeded else
        "every seed diverged: " + "; ".join(
            _failure_message(d, True, run.last_saved, run.label)
            for d in run.diverged))
  for d in new:
    run.bar.write(f"{run.label(d['seed'])} diverged at step {d['step']} in "
                  f"player "
                  f"{'/'.join(d['players'])}: frozen at its last finite "
                  "state; the other seeds train on.")


def _log(run: _Run, span: PhaseSpan, metrics) -> None:
  """The last step's metrics of a call to the writers and the bar."""
  last = distributed.to_host(jax.tree.map(lambda m: m[..., -1], metrics))
  run.writer.write(run.step, {**last, "phase": span.index},
                   tags={"phase_name": span.name})
  run.bar.set_postfix({n: f"{np.mean(v):.3g}" for n, v in last.items()
                       if n.endswith("loss")}, refresh=False)


def _run_phases(run: _Run, sigterm: dict) -> str:
  """Trains from `run.step` to `num_steps` in compiled calls that never cross
  a phase, monitoring or checkpoint boundary; returns the status."""
  tc, start_step, span = run.config.train, run.step, None
  while run.step < tc.num_steps:
    if span != _span_at(run.spans, run.step):
      span = _span_at(run.spans, run.step)
      every = _monitor_period(run.experiment, span)
      _enter_phase(run, span, start_step)
    k = min(tc.steps_per_call, _next_monitor_step(span, every, run.step)
            - run.step)
    run.device_state, metrics, run.failure = run.step_fn(span, k).step_fn(
        run.device_state, run.run_key, run.failure)
    _check_divergence(run)
    before, run.step = run.step, run.step + k
    run.bar.update(k)
    crossed = lambda every: run.step // every > before // every
    if crossed(tc.log_every) or run.step == tc.num_steps:
      _log(run, span, metrics)
    if every is not None and ((run.step - span.start) % every == 0
                              or run.step == span.end):
      _monitor(run, span)
    if crossed(tc.checkpoint_every) or run.step == span.end or sigterm["set"]:
      run.save()
    if sigterm["set"]:
      return "preempted"
  return "completed"


def _finish(run: _Run, status: str, steps_per_s: float) -> dict:
  """Evaluates the final state and writes `summary.json` (process 0)."""
  run.bar.close()
  final_state = run.host_state()
  summary = {"status": status, "step": run.step,
             "state_sha256": checkpoint_lib.state_digest(final_state),
             "steps_per_s": steps_per_s,
             "phases": [s._asdict() for s in run.spans]}
  if run.seed_axis is not None:
    summary["diverged"] = run.diverged
  if not run.primary:  # Process 0 evaluates and writes.
    run.close()
    return summary
  if status == "preempted":
    print(f"SIGTERM: saved step {run.step} in {run.ckpt.directory}; rerun the "
          "same command to resume.", flush=True)
  elif run.experiment.evaluate is not None:
    results, summary["eval"] = evaluate(
        run.experiment, final_state, run.eval_key, run.workdir, run.num_seeds,
        frozenset(d["seed"] for d in run.diverged), tags=run.tags(),
        hyper=run.hyper)
    first = next(iter(results.values()))
    run.writer.write(run.step, {f"eval/{k}": np.asarray(
        [results[i][k] if i in results else np.nan
         for i in range(run.num_seeds)])
                                if run.seed_axis else first[k] for k in first})
  run.close()
  if run.hyper and status != "preempted":
    summary["sweep"] = sweep_outputs.write(run.workdir, run.config, summary,
                                           results if run.experiment.evaluate
                                           else {})
  write_atomically(run.workdir / "summary.json", json.dumps(summary, indent=2))
  return summary


def train(config: ml_collections.ConfigDict, workdir: str | pathlib.Path,
          experiment: Experiment) -> dict:
  """Trains, checkpoints and evaluates; returns the final summary dict.

  Three stages: `_restore` (check the config against the workdir, resume
  from the newest good checkpoint), `_run_phases` (compiled calls, logs,
  monitoring, checkpoints) and `_finish` (evaluate, write the summary).
  """
  run = _restore(config, pathlib.Path(workdir), experiment)
  start_time, start_step = time.perf_counter(), run.step
  try:
    with _sigterm_flag() as sigterm:
      status = _run_phases(run, sigterm)
  except BaseException as e:
    run.close(checkpointer=not isinstance(e, checkpoint_lib.CheckpointWriteError))
    raise
  steps_per_s = (run.step - start_step) / max(
      time.perf_counter() - start_time, 1e-9)
  return _finish(run, status, steps_per_s)


def _aggregate(results: dict[int, dict], num_seeds: int) -> dict:
  """Per metric: the value for one seed, or median / min / max over the
  seeds that trained to the end, and per seed (None for a diverged seed)."""
  if num_seeds == 1:
    return {k: float(v) for k, v in results[0].items()}
  out = {}
  for k in next(iter(results.values())):
    values = np.asarray([float(r[k]) for r in results.values()])
    out[k] = {"median": float(np.median(values)), "min": float(values.min()),
              "max": float(values.max()),
              "per_seed": [float(results[i][k]) if i in results else None
                           for i in range(num_seeds)]}
  return out
