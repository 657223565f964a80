"""The one place that compiles: jit / sharded jit / pmap, K fused steps, S seeds.

`compile_step` turns an algorithm's pure `train_step(state, batch, key)` into
`step_fn(state, key) -> (state, metrics, failure)` that

* draws each step's batch inside the program from `data_fn(key, state.step)`,
* fuses `steps_per_call = K` steps with `lax.scan` (metrics stacked `[K]`),
* trains `num_seeds = S` independent runs at once with `vmap` (a leading seed
  axis on the state, the key and every metric),
* guards against non-finite values: a step whose metrics or new parameters are
  not finite is not applied, every later step of the call is skipped, and
  `failure` says at which step and for which player it happened,
* runs under `jit`, `sharded` (a `jit` whose batch is split over a 1-D device
  mesh) or `pmap` (the train step is built with `axis_name`).

The same train step gives the same result in every mode and on any device
count, because per-example randomness is drawn for the global batch (see
`gentk.training.parallel`).
"""
import functools
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

from gentk import parallel
from gentk.types import Array, PRNGKey, PyTree

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
    step_fn: `(state, key) -> (state, metrics, failure)`; with a seed axis all
      three carry a leading `[S]` axis (and `key` is `[S]` keys).
    put: places a host/device state where `step_fn` expects it.
    get: the inverse of `put` (an ordinary, unreplicated state).
    players: names reported by `failure.players`.
  """
  step_fn: Callable[..., tuple[PyTree, dict[str, Array], Failure]]
  put: Callable[[PyTree], PyTree]
  get: Callable[[PyTree], PyTree]
  players: tuple[str, ...]


def tree_all_finite(tree: PyTree) -> Array:
  """True when every floating leaf of `tree` is finite."""
  leaves = [jnp.all(jnp.isfinite(x)) for x in jax.tree.leaves(tree)
            if jnp.issubdtype(jnp.asarray(x).dtype, jnp.inexact)]
  return jnp.all(jnp.stack(leaves)) if leaves else jnp.array(True)


def _player_of(metric_name: str, players: tuple[str, ...]) -> str:
  head = metric_name.split("/", 1)[0]
  return head if head in players else "metrics"


def _finite_by_player(state: PyTree, metrics: dict[str, Array],
                      players: tuple[str, ...]) -> Array:
  """`[len(players)]` bools: each player's parameters, optimizer state and
  metrics finite (metrics named `<player>/...`; the rest count as 'metrics')."""
  opt_state = getattr(state, "opt_state", {})
  opt_state = opt_state if isinstance(opt_state, dict) else {}
  finite = []
  for player in players:
    player_metrics = [v for k, v in metrics.items()
                      if _player_of(k, players) == player]
    finite.append(tree_all_finite(state.params.get(player, {}))
                  & tree_all_finite(opt_state.get(player, {}))
                  & tree_all_finite(player_metrics))
  return jnp.stack(finite)


def players_of(state: PyTree) -> tuple[str, ...]:
  """Player names: the keys of `state.params`, plus 'metrics' for the rest."""
  return tuple(sorted(state.params)) + ("metrics",)


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


def compile_step(train_step: Callable, *, data_fn: Callable,
                 players: tuple[str, ...], mode: str = "jit",
                 steps_per_call: int = 1, num_seeds: int | None = None,
                 axis_name: str = DATA_AXIS, devices=None,
                 donate: bool = True) -> CompiledStep:
  """Compiles `train_step` for the runtime.

  Args:
    train_step: `(state, batch, key) -> (state, metrics)`, pure; under
      `mode="pmap"` it must have been built with `axis_name`.
    data_fn: `(key, step) -> batch`, pure, drawing the *global* batch with the
      example axis first.
    players: names reported on failure (see `players_of`).
    mode: 'jit', 'sharded' or 'pmap'.
    steps_per_call: K steps fused into one call with `lax.scan`.
    num_seeds: S independent runs (leading seed axis), or None for one run.
    axis_name: the mesh / pmap axis name.
    devices: devices for 'sharded' / 'pmap' (default: all).
    donate: donate the input state's buffers ('jit' and 'sharded').
  Returns:
    a `CompiledStep`.
  """
  if mode not in MODES:
    raise ValueError(f"unknown mode {mode!r}: choose one of {MODES}")
  if steps_per_call < 1:
    raise ValueError(f"steps_per_call must be >= 1, got {steps_per_call}")
  devices = list(devices if devices is not None else jax.devices())

  def constrain(batch):
    if mode == "pmap":
      return jax.tree.map(lambda x: parallel.replica_slice(x, axis_name), batch)
    if mode == "sharded":
      mesh = Mesh(np.array(devices), (axis_name,))
      return jax.lax.with_sharding_constraint(
          batch, NamedSharding(mesh, P(axis_name)))
    return batch

  def one_step(state, key):
    data_key, step_key = jax.random.split(key)
    batch = constrain(data_fn(data_key, state.step))
    return train_step(state, batch, step_key)

  def call(state, key):
    failure = Failure(jnp.array(-1, jnp.int32),
                      jnp.zeros(len(players), bool))
    # Every step sees the same run key; data_fn and train_step fold in
    # state.step, so a resumed run draws the same randomness.
    (state, failure), metrics = jax.lax.scan(
        guarded(lambda s: one_step(s, key), players), (state, failure),
        None, length=steps_per_call)
    return state, metrics, failure

  fn = call
  if num_seeds is not None:
    fn = jax.vmap(fn)

  if mode == "jit":
    step_fn = jax.jit(fn, donate_argnums=(0,) if donate else ())
    return CompiledStep(step_fn, jax.device_put, lambda s: s, players)
  if mode == "sharded":
    mesh = Mesh(np.array(devices), (axis_name,))
    replicated = NamedSharding(mesh, P())
    step_fn = jax.jit(fn, in_shardings=(replicated, replicated),
                      out_shardings=replicated,
                      donate_argnums=(0,) if donate else ())
    return CompiledStep(step_fn,
                        functools.partial(jax.device_put, device=replicated),
                        lambda s: s, players)
  # pmap: every replica holds the state; outputs are identical across replicas.
  pmapped = jax.pmap(fn, axis_name=axis_name, devices=devices,
                     donate_argnums=(0,) if donate else ())

  def replicate(tree):
    return jax.tree.map(
        lambda x: jnp.broadcast_to(x, (len(devices),) + jnp.shape(x)), tree)

  def step_fn(state, key):
    state, metrics, failure = pmapped(state, replicate(key))
    return state, jax.tree.map(lambda x: x[0], metrics), jax.tree.map(
        lambda x: x[0], failure)

  def get(state):
    return jax.tree.map(lambda x: x[0], state)

  return CompiledStep(step_fn, replicate, get, players)
