"""The one place that compiles: jit / sharded jit / pmap, K fused steps, S seeds.

`compile_step` turns one phase of an algorithm (a `gentk.types.Phase`, or a
bare `train_step(state, batch, key)`) into
`step_fn(state, key, failure=None) -> (state, metrics, failure)` that

* draws each step's batch inside the program from
  `data_fn(key, state.step, num_batches)`, `num_batches` being the phase's,
* owns the state's counters (see `gentk.types.TrainState`): it advances
  `step` and `phase_step` after each train step and sets `phase`; a train
  step that returns changed counters is refused when it is traced
  (`CounterError`),
* fuses `steps_per_call = K` steps with `lax.scan` (metrics stacked `[K]`),
* trains `num_seeds = S` independent runs at once with `vmap` (a leading seed
  axis on the state, the key and every metric); with `runs_per_pass = R`
  (0 < R < S) only R runs train side by side through a call's K steps, and
  the next R follow in the same program (`lax.map` over groups of runs), which
  keeps a group's state in the CPU's caches,
* guards against non-finite values: a step whose metrics or new state are
  not finite is not applied, every later step is skipped, and `failure` says
  at which step and for which player (read off the state) it happened; with
  a seed axis this holds per seed (a diverged seed stays frozen at its last finite state while the
  others train on); pass the returned `failure` to the next call to keep it,
* runs under `jit`, `sharded` (a `jit` whose batch is split over a 1-D device
  mesh) or `pmap` (the train step is built with `axis_name`).

The same train step gives the same result in every mode and on any device
count, because per-example randomness is drawn for the global batch (see
`gentk.parallel`).
"""
import functools
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

from gentk import parallel
from gentk.training import sweep
from gentk.types import Array, Phase, PRNGKey, PyTree

MODES = ("jit", "sharded", "pmap")
DATA_AXIS = "data"


class Failure(NamedTuple):
  """Where a call stopped: `step` is -1 when every step was finite.

  Attributes:
    step: the state's step at the first non-finite update, or -1.
    players: bool per name in `CompiledStep.players`, True where non-finite.
  """
  step: Array
  players: Array


class CompiledStep(NamedTuple):
  """A compiled training step and how to move states to and from it.

  Attributes:
    step_fn: `(state, key, failure=None) -> (state, metrics, failure)`; with a
      seed axis all carry a leading `[S]` axis (and `key` is `[S]` keys).
    put: places a host/device state where `step_fn` expects it.
    get: the inverse of `put` (an ordinary, unreplicated state).
  """
  step_fn: Callable[..., tuple[PyTree, dict[str, Array], Failure]]
  put: Callable[[PyTree], PyTree]
  get: Callable[[PyTree], PyTree]


def no_failure(num_players: int, num_seeds: int | None = None) -> Failure:
  """A `Failure` recording nothing (per seed with a seed axis)."""
  shape = () if num_seeds is None else (num_seeds,)
  return Failure(np.full(shape, -1, np.int32),
                 np.zeros(shape + (num_players,), bool))


def tree_all_finite(tree: PyTree) -> Array:
  """True when every floating leaf of `tree` is finite."""
  leaves = [jnp.all(jnp.isfinite(x)) for x in jax.tree.leaves(tree)
            if jnp.issubdtype(jnp.asarray(x).dtype, jnp.inexact)]
  return jnp.all(jnp.stack(leaves)) if leaves else jnp.array(True)


def _finite_by_player(state: PyTree, metrics: dict[str, Array],
                      players: tuple[str, ...]) -> Array:
  """`[len(players)]` bools (`players_of(state)`), read off the state: each
  player's parameters, optimizer state and collections finite; then the
  extras; then the metrics, which are blamed (False) only when the whole
  state is finite, so a non-finite loss that reached the parameters names
  the players it reached."""
  opt_state = getattr(state, "opt_state", {})
  opt_state = opt_state if isinstance(opt_state, dict) else {}
  collections = getattr(state, "collections", None) or {}
  finite = [tree_all_finite(state.params.get(player, {}))
            & tree_all_finite(opt_state.get(player, {}))
            & tree_all_finite(collections.get(player, {}))
            for player in players[:-2]]
  finite.append(tree_all_finite(getattr(state, "extras", {})))
  state_finite = jnp.all(jnp.stack(finite))
  finite.append(tree_all_finite(metrics) | ~state_finite)
  return jnp.stack(finite)


def players_of(state: PyTree) -> tuple[str, ...]:
  """What a failure may name, derived from the state: the players (keys of
  `state.params`), then 'extras' (the algorithm's other state), then
  'metrics' (a non-finite metric while the whole state stayed finite)."""
  return tuple(sorted(state.params)) + ("extras", "metrics")


class CounterError(ValueError):
  """A train step changed a counter the runtime owns."""


def check_counters_untouched(state: PyTree, new_state: PyTree) -> None:
  """Raises `CounterError` (while tracing) when a train step returned a state
  whose `step`, `phase` or `phase_step` is not the one it was given.

  The runtime owns the counters: it advances `step` and `phase_step` after
  each train step and sets `phase` when a phase begins. A train step reads
  them and returns them as they came, which
  `state.replace(...)` of other fields does: the check is that the returned
  counters are the very values passed in.
  """
  changed = [name for name in ("step", "phase", "phase_step")
             if getattr(new_state, name) is not getattr(state, name)]
  if changed:
    raise CounterError(
        f"the train step returned a new state.{', state.'.join(changed)}: "
        "the runtime advances the counters; return them as given (replace "
        "only the fields the step changes)")


def step_key(key: PRNGKey, state: PyTree) -> PRNGKey:
  """The key a train step is given: the run's step key folded with
  `state.step`, so every step draws fresh randomness and a resumed run draws
  the same."""
  return jax.random.fold_in(key, state.step)


def counted(train_step: Callable) -> Callable:
  """`train_step` as the runtime takes it: given `step_key(key, state)`, then
  `step` and `phase_step` advance by one (the counters it returned are
  checked to be the ones it was given). For driving a train step by hand,
  e.g. in a `lax.scan` with one key, exactly as the runtime does."""
  def step(state, batch, key):
    new_state, metrics = train_step(state, batch, step_key(key, state))
    check_counters_untouched(state, new_state)
    return new_state.replace(step=state.step + 1,
                             phase_step=state.phase_step + 1), metrics
  return step


def enter_phase(state: PyTree, phase_index: int) -> PyTree:
  """What the runtime does before a call of phase `phase_index`: sets
  `phase`, and restarts `phase_step` at 0 when the state comes from another
  phase."""
  same = state.phase == phase_index
  return state.replace(
      phase=jnp.asarray(phase_index, jnp.int32),
      phase_step=jnp.where(same, state.phase_step, 0).astype(jnp.int32))


ENTER_TAG = 0x656E74  # Folded into the run key for `on_enter`'s keys.


def entered(on_enter: Callable, state: PyTree, key) -> PyTree:
  """`on_enter(state, key')` when `state` is at its phase's first step
  (`phase_step == 0`), else `state`; `key'` is `key` folded with a tag and
  `state.step`, distinct from every train step's key."""
  def run(s):
    new = on_enter(s, jax.random.fold_in(jax.random.fold_in(key, ENTER_TAG),
                                         s.step))
    check_counters_untouched(s, new)
    return new
  return jax.lax.cond(state.phase_step == 0, run, lambda s: s, state)


def by_hand(phase: Phase, phase_index: int) -> Callable:
  """`(state, batch, key) -> (state, metrics)`: one step of `phase` (index
  `phase_index`) as the runtime takes it, for driving it by hand: enter the
  phase (`enter_phase`; its `on_enter` at the first step, `entered`), the
  train step, the counters advanced (`counted`)."""
  def step(state, batch, key):
    state = enter_phase(state, phase_index)
    if phase.on_enter is not None:
      state = entered(phase.on_enter, state, key)
    return counted(phase.train_step)(state, batch, key)
  return step


def _select(pred: Array, on_true: PyTree, on_false: PyTree) -> PyTree:
  return jax.tree.map(lambda a, b: jnp.where(pred, a, b), on_true, on_false)


def guarded(step: Callable, players: tuple[str, ...]) -> Callable:
  """Wraps `step(state) -> (state, metrics)` into a `lax.scan` body.

  The carry is `(state, failure)`. A step whose new parameters or metrics are
  not finite is not applied and records `failure`; once `failure.step >= 0`
  every later step is skipped, so the state stays at the last finite one.
  """
  def body(carry, _):
    state, failure = carry
    new_state, metrics = step(state)
    finite = _finite_by_player(new_state, metrics, players)
    apply = jnp.all(finite) & (failure.step < 0)
    failure = _select(failure.step < 0,
                      Failure(jnp.where(apply, -1, state.step), ~finite),
                      failure)
    return (_select(apply, new_state, state), failure), metrics

  return body


def compile_step(step: Phase | Callable, *, data_fn: Callable,
                 num_batches: int | None = None, phase_index: int = 0,
                 mode: str = "jit", steps_per_call: int = 1,
                 num_seeds: int | None = None, axis_name: str = DATA_AXIS,
                 devices=None, donate: bool = True,
                 hyper: dict | None = None,
                 runs_per_pass: int = 0) -> CompiledStep:
  """Compiles one phase's train step for the runtime.

  Args:
    step: a `Phase` (its `train_step` and `num_batches` are used) or a bare
      `train_step(state, batch, key) -> (state, metrics)`, pure; under
      `mode="pmap"` it must have been built with `axis_name`.
    data_fn: `(key, step, num_batches) -> batch`, pure, drawing the *global*
      batch with the example axis first.
    num_batches: batches per step for a bare train step (a `Phase` carries
      its own).
    phase_index: the phase's index; the state's `phase` is set to it and its
      `phase_step` restarts at 0 when the state comes from another phase.
    mode: 'jit', 'sharded' or 'pmap'.
    steps_per_call: K steps fused into one call with `lax.scan`.
    num_seeds: S independent runs (leading seed axis), or None for one run.
    axis_name: the mesh / pmap axis name.
    devices: devices for 'sharded' / 'pmap' (default: all).
    donate: donate the input state's buffers ('jit' and 'sharded').
    hyper: a sweep's `{field: [S] values}`, one per run of the seed axis,
      bound (`gentk.training.sweep.bound`) while each run's step is traced;
      None without a sweep.
    runs_per_pass: with a seed axis, how many runs take a call's K steps side
      by side (`vmap`) before the next group of runs takes them; 0 (or >= S):
      all S at once. Each run's result is the same either way.
  Returns:
    a `CompiledStep`; failures name the players of `players_of(state)`.
  """
  if mode not in MODES:
    raise ValueError(f"unknown mode {mode!r}: choose one of {MODES}")
  if steps_per_call < 1:
    raise ValueError(f"steps_per_call must be >= 1, got {steps_per_call}")
  if not isinstance(step, Phase):
    step = Phase("", step, num_batches=num_batches)
  devices = list(devices if devices is not None else jax.devices())
  fn = phase_call(step, data_fn=data_fn, phase_index=phase_index,
                  steps_per_call=steps_per_call,
                  constrain=_batch_constraint(mode, devices, axis_name))
  if num_seeds is not None:
    fn = over_runs(fn, runs_per_pass)
  if hyper and num_seeds is None:  # One run: its values are scalars.
    hyper = {name: jnp.reshape(v, ()) for name, v in hyper.items()}
  if hyper:
    per_run = fn
    fn = lambda state, key, failure: per_run(state, key, failure, hyper)  # pylint: disable=unnecessary-lambda-assignment
  return _COMPILERS[mode](fn, devices=devices, axis_name=axis_name,
                          num_seeds=num_seeds, donate=donate)


def over_runs(fn: Callable, runs_per_pass: int = 0) -> Callable:
  """`fn` over a leading run axis of every argument and output: `vmap`, or
  with `runs_per_pass = R > 0` a `lax.map` over groups of R runs, each group
  `vmap`ped (the last group may be smaller)."""
  if runs_per_pass <= 0:
    return jax.vmap(fn)
  def mapped(*args):
    return jax.lax.map(lambda a: fn(*a), args, batch_size=runs_per_pass)
  return mapped


def _batch_constraint(mode: str, devices, axis_name: str) -> Callable:
  """How the drawn global batch is laid out: each replica's slice under
  'pmap', sharded along the mesh under 'sharded', as drawn under 'jit'."""
  if mode == "pmap":
    return lambda batch: jax.tree.map(
        lambda x: parallel.replica_slice(x, axis_name), batch)
  if mode == "sharded":
    mesh = Mesh(np.array(devices), (axis_name,))
    return lambda batch: jax.lax.with_sharding_constraint(
        batch, NamedSharding(mesh, P(axis_name)))
  return lambda batch: batch


def phase_call(phase: Phase, *, data_fn: Callable, phase_index: int,
               steps_per_call: int,
               constrain: Callable = lambda batch: batch) -> Callable:
  """`call(state, key, failure) -> (state, metrics, failure)`, uncompiled:
  the phase entered (its `on_enter` at its first step), then
  `steps_per_call` guarded steps in a `lax.scan`, each drawing its batch
  from `data_fn` and taking the train step as `counted` does; a sweep's
  `hyper` values are bound while they are traced."""
  def one_step(state, key):
    data_key, train_key = jax.random.split(key)
    batch = constrain(data_fn(data_key, state.step, phase.num_batches))
    return counted(phase.train_step)(state, batch, train_key)

  def call(state, key, failure, hyper=None):
    players = players_of(state)
    # Every call sees the same run key; data_fn and `counted` fold in
    # state.step, so a resumed run draws the same randomness.
    with sweep.bound(hyper):
      state = enter_phase(state, phase_index)
      if phase.on_enter is not None:
        state = entered(phase.on_enter, state, key)
      (state, failure), metrics = jax.lax.scan(
          guarded(lambda s: one_step(s, key), players), (state, failure),
          None, length=steps_per_call)
    return state, metrics, failure
  return call


def _with_failure(compiled: Callable, num_seeds: int | None,
                  put_failure: Callable = lambda f: f) -> Callable:
  """`compiled` with its `failure` argument optional (default: none)."""
  def step_fn(state, key, failure=None):
    if failure is None:
      failure = no_failure(len(players_of(state)), num_seeds)
    return compiled(state, key, put_failure(failure))
  return step_fn


def _compile_jit(fn, *, devices, axis_name, num_seeds, donate
                 ) -> CompiledStep:
  del devices, axis_name
  jitted = jax.jit(fn, donate_argnums=(0,) if donate else ())
  return CompiledStep(_with_failure(jitted, num_seeds), jax.device_put,
                      lambda s: s)


def _compile_sharded(fn, *, devices, axis_name, num_seeds, donate
                     ) -> CompiledStep:
  mesh = Mesh(np.array(devices), (axis_name,))
  replicated = NamedSharding(mesh, P())
  jitted = jax.jit(fn, in_shardings=(replicated, replicated, replicated),
                   out_shardings=replicated,
                   donate_argnums=(0,) if donate else ())
  return CompiledStep(_with_failure(jitted, num_seeds),
                      functools.partial(jax.device_put, device=replicated),
                      lambda s: s)


def _compile_pmap(fn, *, devices, axis_name, num_seeds, donate
                  ) -> CompiledStep:
  """Every replica holds the state; outputs are identical across replicas."""
  pmapped = jax.pmap(fn, axis_name=axis_name, devices=devices,
                     donate_argnums=(0,) if donate else ())

  def replicate(tree):
    return jax.tree.map(
        lambda x: jnp.broadcast_to(x, (len(devices),) + jnp.shape(x)), tree)

  def first(tree):
    return jax.tree.map(lambda x: x[0], tree)

  def run(state, key, failure):
    state, metrics, failure = pmapped(state, replicate(key), failure)
    return state, first(metrics), first(failure)

  return CompiledStep(_with_failure(run, num_seeds, replicate), replicate,
                      first)


_COMPILERS = {"jit": _compile_jit, "sharded": _compile_sharded,
              "pmap": _compile_pmap}
