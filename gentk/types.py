"""Shared type aliases and the algorithm contract.

Every algorithm in `gentk.algorithms` is an `Algorithm`: a NamedTuple of pure
functions that the training runtime compiles (see `gentk.training.compile_step`).
"""
from typing import Any, Callable, Mapping, NamedTuple

import jax

Array = jax.Array
ArrayLike = jax.typing.ArrayLike
PRNGKey = jax.Array
PyTree = Any
State = PyTree
Batch = PyTree
Metrics = Mapping[str, Array]


class Algorithm(NamedTuple):
  """A training algorithm as three pure functions.

  Attributes:
    init: `(key, batch) -> state`; the state is a pytree holding every player's
      parameters, optimizer states and extras (a `step` counter, BEGAN's k_t,
      persistent chains, ...), so a checkpoint of it resumes exactly.
    train_step: `(state, batch, key) -> (state, metrics)`; `metrics` is a flat
      dict of scalars. Per-step randomness comes from `fold_in(key, state.step)`.
    sample: `(state, key, num) -> samples`.
    data_fn: optional `(key, step) -> batch` that draws a batch inside the
      compiled step (toy mixtures, on-device MNIST); `None` when batches are fed.
  """
  init: Callable[[PRNGKey, Batch], State]
  train_step: Callable[[State, Batch, PRNGKey], tuple[State, Metrics]]
  sample: Callable[[State, PRNGKey, int], Array]
