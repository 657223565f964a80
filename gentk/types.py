"""Shared type aliases and the training contract every algorithm follows.

The contract, in a few lines (the runtime, `gentk.training`, relies on nothing
else):

* **State** (`TrainState`): `step` (steps taken over the whole run), per named
  player its `params`, optax `opt_state` and Flax `collections` (e.g.
  `batch_stats`), `extras` (anything else an algorithm carries: BEGAN's k_t,
  persistent Gibbs chains, a delayed copy of the generator, baselines) and the
  current `phase` with `phase_step`, the steps taken within it. A checkpoint of
  the state resumes a run exactly, in any phase.
* **Objective**: `objective(params, ctx) -> (loss, metrics)`, pure; `params`
  are the variables being differentiated and `ctx` a `gentk.algorithms.core.
  Context` (the batch, a key, the players' apply functions and variables, the
  extras). An update may instead be a *rule* `rule(params, ctx) -> (direction,
  metrics)` (contrastive divergence from sufficient statistics), which the
  player's optimizer applies like a gradient.
* **Phases**: an algorithm is an ordered tuple of `Phase`s (name, train step,
  length, batches per step). The runtime runs them one after another in one
  checkpointed run (MLE pre-training, then adversarial training; greedy
  layer-wise pre-training, then joint training; AdaGAN rounds).
"""
from typing import Any, Callable, Mapping, NamedTuple

import flax
import jax
import jax.numpy as jnp

Array = jax.Array
ArrayLike = jax.typing.ArrayLike
PRNGKey = jax.Array
PyTree = Any
Batch = PyTree
Metrics = Mapping[str, Array]


@flax.struct.dataclass
class TrainState:
  """Everything a run needs to resume exactly (a pytree; Orbax saves it whole).

  Attributes:
    step: int32 scalar, train steps taken over the whole run (every phase).
      The runtime hands each train step its own key (the step key folded
      with `step`) and advances `step` after it; a train step returns it
      unchanged.
    params: `{player name: {"params": ...}}`, the differentiated variables.
    opt_state: `{player name: optax state}`, same keys as `params`.
    collections: `{player name: {collection: ...}}`, each player's mutable Flax
      collections (`{}` for a player without any).
    extras: the algorithm's other state (`{}` when unused).
    phase: int32 scalar, the index of the current phase in
      `Algorithm.phases` (maintained by the runtime).
    phase_step: int32 scalar, steps taken within the current phase
      (maintained by the runtime).
  """
  step: Array
  params: dict[str, Any]
  opt_state: dict[str, Any]
  collections: dict[str, Any] = flax.struct.field(default_factory=dict)
  extras: Any = flax.struct.field(default_factory=dict)
  phase: Array = flax.struct.field(
      default_factory=lambda: jnp.zeros([], jnp.int32))
  phase_step: Array = flax.struct.field(
      default_factory=lambda: jnp.zeros([], jnp.int32))

  @property
  def players(self) -> tuple[str, ...]:
    """The player names, sorted."""
    return tuple(sorted(self.params))



class Phase(NamedTuple):
  """One stretch of a run with its own train step.

  Attributes:
    name: shown in logs, metrics (`phase`) and TensorBoard.
    train_step: `(state, batch, key) -> (state, metrics)`, pure; `metrics` is
      a flat dict of scalars named `<player>/<metric>`.
    num_steps: the phase's length, or `None` for the last phase: the rest of
      `config.train.num_steps`.
    num_batches: batches the step consumes: `None` for one batch `[B, ...]`,
      an int k for k batches stacked as `[B, k, ...]` (one per inner update,
      e.g. per discriminator step). The runtime draws exactly this, so a step
      cannot silently train on fewer batches than it was built for.
    on_enter: `(state, key) -> state`, run by the runtime once when the
      phase begins, before its first train step (AdaGAN's fresh
      discriminator, SeqGAN's fresh generator optimizer, the DBM composed
      from its RBMs); `key` is the entry's own. It runs in the same compiled
      call as the first step, so a checkpoint holds a state either before it
      or after it and the step that follows: a resumed run runs it exactly
      once. It returns the counters as given.
  """
  name: str
  train_step: Callable[[TrainState, Batch, PRNGKey],
                       tuple[TrainState, Metrics]]
  num_steps: int | None = None
  num_batches: int | None = None
  on_enter: Callable[[TrainState, PRNGKey], TrainState] | None = None


class Algorithm(NamedTuple):
  """A training algorithm: pure functions the runtime compiles.

  Attributes:
    init: `(key, batch) -> TrainState`; `batch` is an example batch of the
      first phase (shapes only).
    phases: the ordered phases (see `Phase`); most algorithms have one.
    sample: `(state, key, num) -> samples`, or None for an algorithm that
      draws none (a classifier).
  """
  init: Callable[[PRNGKey, Batch], TrainState]
  phases: tuple[Phase, ...]
  sample: Callable[[TrainState, PRNGKey, int], Array] | None = None

  @classmethod
  def single(cls, init: Callable, train_step: Callable, sample: Callable, *,
             num_batches: int | None = None, name: str = "train"
             ) -> "Algorithm":
    """An algorithm of one phase that lasts the whole run."""
    return cls(init, (Phase(name, train_step, None, num_batches),), sample)

  @property
  def train_step(self) -> Callable:
    """The last phase's train step (the only one of a one-phase algorithm)."""
    return self.phases[-1].train_step

  def with_train_step(self, train_step: Callable,
                      phase: int = -1) -> "Algorithm":
    """A copy whose phase `phase` (default: the last) uses `train_step`."""
    phases = list(self.phases)
    phases[phase] = phases[phase]._replace(train_step=train_step)
    return self._replace(phases=tuple(phases))
