r"""The building blocks every algorithm's train step is made of.

An algorithm names its players (`"generator"`, `"discriminator"`, `"critic"`,
`"encoder"`, `"rbm"`, ...), builds their state with `init_state`, and writes
its train step as a *schedule* of `update`s: each `update` changes a named set
of players, either by one optimizer step on the gradient of an objective

  objective(params, ctx) -> (loss, metrics)

or by a rule that returns the update direction itself (contrastive divergence:
the negative phase's sufficient statistics minus the positive phase's), which
the players' optax optimizer applies like a gradient (momentum, weight decay).

`ctx` (`Context`) carries what an objective sees besides the parameters it
differentiates: the batch, its PRNG key, every player's apply function and
current variables, the extras, and what the schedule made for it (a GAN's
generated samples and their latent codes). A GAN is one such schedule
(`gentk.algorithms.adversarial`: k discriminator updates, then one generator
update); a VAE is one joint update of two players; MaskGAN's is three players.

Under `pmap` (`axis_name` set) gradients, rule directions and updated
collections are averaged across replicas, so every mode computes the same
update as `jit` on the global batch.
"""
from typing import Any, Callable, Mapping, NamedTuple, Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from gentk import parallel
from gentk.types import Array, Batch, PRNGKey, PyTree, TrainState

PARAMS = "params"


class Context(NamedTuple):
  """What an objective receives besides the parameters it differentiates.

  Attributes:
    batch: the update's data (e.g. `{"x": [B, ...]}`).
    key: the objective's PRNG key (split it for named uses).
    extras: `state.extras` before the update.
    variables: every player's current variables (`params` and collections),
      by name; the players being updated appear with the values before the
      update.
    samples: what the schedule generated for this update (a GAN's G(z),
      gradient-stopped for the discriminator), or None.
    codes: the latent codes `samples` were made from (InfoGAN's c), or None.
  """
  batch: Batch
  key: PRNGKey
  extras: PyTree = None
  variables: Mapping[str, PyTree] = {}
  samples: PyTree = None
  codes: PyTree = None


def split_variables(variables: Mapping[str, Any]) -> tuple[dict, dict]:
  """`(params, collections)`: `{"params": ...}` and every other collection."""
  params = {k: v for k, v in variables.items() if k == PARAMS}
  return params, {k: v for k, v in variables.items() if k != PARAMS}


def player_variables(state: TrainState, name: str) -> dict:
  """Player `name`'s full Flax variables: `params` and its collections."""
  return {**state.params[name], **(state.collections or {}).get(name, {})}


def train_apply(module: nn.Module) -> Callable:
  """`apply(variables, *args, **kwargs)` of `module` in train mode.

  A module with mutable collections (batch normalisation) must take a keyword
  `train`; it is applied with `train=True` (batch statistics) and the updated
  collections are dropped: the schedule decides when running averages move.
  A module without collections is applied as it is.
  """
  def apply(variables, *args, **kwargs):
    return train_apply_updating(module, variables, *args, **kwargs)[0]
  return apply


def train_apply_updating(module: nn.Module, variables: Mapping[str, Any],
                         *args, **kwargs) -> tuple[Any, dict]:
  """`(output, updated collections)` of `module` in train mode (batch
  statistics; the running averages the pass computed, for an objective to
  return); `(output, {})` for a module without collections."""
  mutable = [name for name in variables if name != PARAMS]
  if not mutable:
    return module.apply(variables, *args, **kwargs), {}
  return module.apply(variables, *args, train=True, mutable=mutable,
                      **kwargs)


def tracked_collections(module: nn.Module, variables: Mapping[str, Any],
                        *args, axis_name: str | None = None) -> dict:
  """`module`'s collections after a train-mode pass on `args` (running
  averages moved by that batch; a discriminator's follow the real batches),
  gradient-stopped and averaged across replicas; `{}` without collections."""
  if all(name == PARAMS for name in variables):
    return {}
  _, updated = train_apply_updating(module, variables, *args)
  return parallel.replica_mean(jax.lax.stop_gradient(updated), axis_name)


def eval_apply(module: nn.Module, variables: Mapping[str, Any], *args,
               **kwargs):
  """`module` in inference mode: a module with collections (batch
  normalisation) is applied with `train=False` (its running averages)."""
  if any(name != PARAMS for name in variables):
    return module.apply(variables, *args, train=False, **kwargs)
  return module.apply(variables, *args, **kwargs)


def init_state(key: PRNGKey, players: Mapping[str, tuple[nn.Module, tuple]],
               optimizers: Mapping[str, optax.GradientTransformation], *,
               extras: PyTree = None) -> TrainState:
  """The initial `TrainState` of named players.

  Args:
    key: PRNG key; player i is initialised with `fold_in(key, i)` in sorted
      name order.
    players: `{name: (module, example_args)}`; `module.init(key, *args)`.
    optimizers: `{name: optax transformation}`, same names.
    extras: the algorithm's extra state (`{}` when None).
  Returns:
    the state at step 0, phase 0.
  """
  params, opt_state, collections = {}, {}, {}
  for i, name in enumerate(sorted(players)):
    module, args = players[name]
    p, c = split_variables(module.init(jax.random.fold_in(key, i), *args))
    params[name], collections[name] = p, c
    opt_state[name] = optimizers[name].init(p)
  return TrainState(step=jnp.zeros([], jnp.int32), params=params,
                    opt_state=opt_state, collections=collections,
                    extras={} if extras is None else extras)


def _split_output(out) -> tuple[Array, dict, dict | None]:
  """`(loss, metrics, collections or None)` of an objective's output."""
  if len(out) == 3:
    return out
  loss, metrics = out
  return loss, metrics, None


def update(state: TrainState, players: Sequence[str], ctx: Context, *,
           optimizers: Mapping[str, optax.GradientTransformation],
           objective: Callable | None = None, rule: Callable | None = None,
           project: Callable = lambda name, params: params,
           axis_name: str | None = None) -> tuple[TrainState, dict]:
  """One update of `players` (jointly), by an objective's gradient or a rule.

  Args:
    state: the current state.
    players: the names updated together (one optimizer step each).
    ctx: the objective's context.
    optimizers: `{name: optax transformation}`.
    objective: `(params, ctx) -> (loss, metrics)` or `(loss, metrics,
      collections)`, where `params` is `{name: {"params": ...}}` for the
      updated players and `collections` (optional) their updated Flax
      collections. Minimised.
    rule: `(params, ctx) -> (direction, metrics)`, a direction shaped like
      `params` that the optimizer applies in place of a gradient (descent
      direction: the optimizer subtracts it, scaled by its learning rate).
      Exactly one of `objective` and `rule`.
    project: `(name, params) -> params` after the update (weight clipping).
    axis_name: the `pmap` axis, or None.
  Returns:
    `(state, metrics)`: metrics of the objective plus `loss` (objectives
    only) and `grad_norm`, unprefixed.
  """
  if (objective is None) == (rule is None):
    raise ValueError("pass exactly one of objective= and rule=")
  players = tuple(players)
  params = {name: state.params[name] for name in players}
  collections = None
  if objective is not None:
    (loss, (metrics, collections)), grads = jax.value_and_grad(
        lambda p: _loss_and_aux(objective(p, ctx)), has_aux=True)(params)
    metrics = dict(metrics, loss=loss)
  else:
    grads, metrics = rule(params, ctx)
    metrics = dict(metrics)
  grads = parallel.replica_mean(grads, axis_name)
  new_params, new_opt = dict(state.params), dict(state.opt_state)
  for name in players:
    updates, new_opt[name] = optimizers[name].update(
        grads[name], state.opt_state[name], params[name])
    new_params[name] = project(name, optax.apply_updates(params[name],
                                                         updates))
  new_collections = dict(state.collections or {})
  if collections:
    new_collections.update(parallel.replica_mean(collections, axis_name))
  metrics["grad_norm"] = parallel.global_norm(grads)
  return state.replace(params=new_params, opt_state=new_opt,
                       collections=new_collections), metrics


def _loss_and_aux(out):
  loss, metrics, collections = _split_output(out)
  return loss, (metrics, collections)


def prefixed(prefix: str, metrics: Mapping[str, Array]) -> dict[str, Array]:
  """`{f"{prefix}/{name}": value}`: metrics named by player."""
  return {f"{prefix}/{k}": v for k, v in metrics.items()}
