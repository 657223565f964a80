r"""The adversarial schedule shared by every GAN variant, on the core.

An adversarial method is a `Game`: two objectives in the core's form,
`(discriminator variables, ctx) -> (loss, metrics)` (see
`gentk.algorithms.core`), plus optional hooks (latent codes, a projection of
the critic's weights, extra state such as BEGAN's k_t). `make_adversarial`
turns a game into an `Algorithm` whose step is one schedule of core updates:
k discriminator updates (fused with `lax.scan`), then one generator update, as
in Goodfellow et al. (2014), Algorithm 1. With `pretrain_steps > 0` the run
starts with a phase of discriminator updates alone against the initial
generator. The updates are module-level functions of a `Settings` and the
state (`discriminator_update`, `generator_update`, `adversarial_step`, ...),
so other schedules are built from them (AdaGAN's rounds,
`gentk.algorithms.adagan`).

What the objectives see in `ctx`:
* discriminator: `ctx.batch` the data of this discriminator step (`x`, and
  `label` when the data has labels), `ctx.samples` G(z) (gradient-stopped),
  `ctx.codes` the latent codes (InfoGAN's c, else None), `ctx.key`,
  `ctx.extras`;
* generator: `ctx.samples` G(z) (differentiable in the generator's params),
  `ctx.codes`, `ctx.batch` the data of the last discriminator step (feature
  matching compares statistics of real and generated batches), `ctx.key`,
  `ctx.extras`.

Batches carry the example axis first: `batch["x"]` has shape `[B, k, ...]`, one
slice per discriminator step (the runtime draws k from `Phase.num_batches`),
so the data split across devices is the same for every device count.

Players with mutable Flax collections (batch normalisation's `batch_stats`).
A player whose `init` returns collections besides `params` keeps them in
`TrainState.collections[name]`; such a module must take a keyword
`train: bool` (batch statistics when True, running averages when False) and
need no `rngs`. Only `params` are differentiated, updated by the optimizer,
projected and checked for non-finite values.

* Generator: applied in train mode in every step; its running averages are
  updated once per generator step (from the generator step's batch, not from
  the k batches drawn for the discriminator steps); `sample` applies it in
  eval mode, with the running averages.
* Discriminator: the losses receive its full variables (`params` and the
  collections). The `make_*` functions wrap it in `TrainMode`, so a game's
  `discriminator.apply(variables, x)` uses batch statistics. Real and fake
  batches go through the discriminator in *separate* passes, each normalised
  by its own batch statistics (as in the DCGAN reference implementation), in
  the discriminator and the generator steps alike, so the discriminator
  computes the same function of a fake batch in both. Its running averages
  are updated once per discriminator step from the *real* batch (a train-mode
  pass with the parameters the loss saw): they only serve evaluation on real
  images (InfoGAN's Q(c|x) accuracy, the semi-supervised classifier), so they
  track the statistics of real data.

Under `pmap`, give batch normalisation the same `axis_name` so its statistics
are those of the global batch, as under `jit`; the updated collections are
also averaged across replicas.
"""
import functools
from typing import Any, Callable, NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from gentk import parallel
from gentk.algorithms import core
from gentk.algorithms.core import player_variables  # Re-exported.
from gentk.algorithms.core import split_variables  # Re-exported.
from gentk.types import Algorithm, Array, Phase, PRNGKey, TrainState

GENERATOR = "generator"
DISCRIMINATOR = "discriminator"
PARAMS = core.PARAMS
__all__ = ["DISCRIMINATOR", "GENERATOR", "Game", "Settings", "TrainMode",
           "adversarial_step", "context", "discriminator_step",
           "discriminator_steps", "discriminator_update", "gaussian_latent",
           "generator_update", "init_state", "make_adversarial",
           "player_variables", "pretrain_step", "sample", "split_variables"]


def gaussian_latent(latent_dim: int) -> Callable:
  """`latent_fn(key, B) -> (z, None)` with z ~ N(0, I) of shape `[B, dim]`."""
  def latent_fn(key: PRNGKey, batch_size: int):
    return jax.random.normal(key, (batch_size, latent_dim)), None
  return latent_fn


class Game(NamedTuple):
  """The objectives of one adversarial method (all pure, all means over B).

  Attributes:
    discriminator_loss: `(d_variables, ctx) -> (loss, metrics)`; see the
      module docstring for what `ctx` holds.
    generator_loss: `(d_variables, ctx) -> (loss, metrics)`, differentiated
      through `ctx.samples`.
    latent_fn: `(key, B) -> (generator_input, codes)`; `codes` (or None)
      reaches both objectives as `ctx.codes` (InfoGAN's c).
    project: applied to the discriminator's parameters after every update
      (WGAN's weight clipping); identity by default.
    init_extras: `() -> extras`, extra state kept in `TrainState.extras`.
    update_extras: `(extras, d_metrics, g_metrics) -> extras` after each
      generator step (BEGAN's k_t control).
  """
  discriminator_loss: Callable
  generator_loss: Callable
  latent_fn: Callable
  project: Callable = lambda params: params
  init_extras: Callable[[], Any] = lambda: {}
  update_extras: Callable = lambda extras, d_metrics, g_metrics: extras


class TrainMode(NamedTuple):
  """`module`, applied in train mode with its collections read-only.

  `TrainMode(m).apply(variables, *args)` is `m.apply(variables, *args,
  train=True)` with the updated collections dropped when `variables` holds
  collections (batch normalisation uses the batch's statistics and the
  running averages stay as they are; the schedule updates them), and plain
  `m.apply(variables, *args)` otherwise (see `core.train_apply`).
  """
  module: nn.Module

  def apply(self, variables, *args, **kwargs):
    return core.train_apply(self.module)(variables, *args, **kwargs)


def context(real: Array, samples: Array, *, codes=None, key=None,
            extras=None) -> core.Context:
  """The `Context` a game's objectives see, for calling them directly (tests,
  notebooks): data batch `{"x": real}`, generated `samples`."""
  return core.Context(batch={"x": real}, key=key, extras=extras,
                      samples=samples, codes=codes)


class Settings(NamedTuple):
  """What the schedule's updates read besides the state (fixed for a run).

  Attributes:
    generator: maps the latent input to samples `[B, ...]`.
    discriminator: the module whose variables the game's losses take.
    game: the objectives (see `Game`).
    optimizers: `{player: optax transformation}` for the generator and the
      discriminator.
    axis_name: the `pmap` axis when run under `pmap`, else `None`.
    generator_name: the generator's player name in the state (AdaGAN trains
      `generator_t` in round t).
  """
  generator: nn.Module
  discriminator: nn.Module
  game: Game
  optimizers: dict[str, optax.GradientTransformation]
  axis_name: str | None = None
  generator_name: str = GENERATOR


def init_state(s: Settings, key: PRNGKey, batch: dict[str, Array]
               ) -> TrainState:
  """Both players' variables and optimizer states; `batch["x"]` `[B, k, ...]`
  gives the discriminator's input shape."""
  key_g, key_d, key_z = jax.random.split(key, 3)
  g_input, _ = s.game.latent_fn(key_z, 1)
  variables = {s.generator_name: s.generator.init(key_g, g_input),
               DISCRIMINATOR: s.discriminator.init(key_d, batch["x"][:1, 0])}
  split = {name: split_variables(v) for name, v in variables.items()}
  params = {name: p for name, (p, _) in split.items()}
  opt_state = {name: s.optimizers[name].init(p) for name, p in params.items()}
  return TrainState(step=jnp.zeros([], jnp.int32), params=params,
                    opt_state=opt_state, extras=s.game.init_extras(),
                    collections={n: c for n, (_, c) in split.items()})


def draw_latent(s: Settings, key: PRNGKey, batch_size: int):
  """Per-example latents; under pmap drawn for the global batch and sliced,
  so every device count sees the same noise."""
  if s.axis_name is None:
    return s.game.latent_fn(key, batch_size)
  full = s.game.latent_fn(key, jax.lax.axis_size(s.axis_name) * batch_size)
  return jax.tree.map(lambda x: parallel.replica_slice(x, s.axis_name), full)


def _collections(state: TrainState, name: str) -> dict:
  return (state.collections or {}).get(name, {})


def generate(s: Settings, g_params, g_collections, g_input):
  """`(fake, updated collections)`, in train mode for a stateful generator."""
  return core.train_apply_updating(s.generator, {**g_params, **g_collections},
                                   g_input)


def _context(state: TrainState, batch, key, samples, codes) -> core.Context:
  return core.Context(
      batch=batch, key=key, extras=state.extras,
      variables={n: player_variables(state, n) for n in state.params},
      samples=samples, codes=codes)


def discriminator_update(s: Settings, state: TrainState, batch, fake: Array,
                         codes, key: PRNGKey) -> tuple[TrainState, dict]:
  """One update of the discriminator on a real `batch` (`x` `[B, ...]`) and
  generated `fake` (gradient-stopped); its running averages then follow the
  real batch."""
  d_collections = _collections(state, DISCRIMINATOR)
  d_variables = player_variables(state, DISCRIMINATOR)

  def objective(params, ctx):
    return s.game.discriminator_loss({**params[DISCRIMINATOR],
                                      **d_collections}, ctx)

  state, metrics = core.update(
      state, (DISCRIMINATOR,), _context(state, batch, key, fake, codes),
      optimizers=s.optimizers, objective=objective,
      project=lambda name, p: s.game.project(p), axis_name=s.axis_name)
  if d_collections:
    tracked = core.tracked_collections(s.discriminator, d_variables,
                                       batch["x"], axis_name=s.axis_name)
    state = state.replace(collections={**state.collections,
                                       DISCRIMINATOR: tracked})
  return state, metrics


def discriminator_step(s: Settings, state: TrainState, inputs
                       ) -> tuple[TrainState, dict]:
  """`discriminator_update` against G(z), z drawn from the step's key;
  `inputs` is `(batch, key)` (the body of `discriminator_steps`' scan)."""
  batch, key = inputs
  key_z, key_loss = jax.random.split(key)
  g_input, codes = draw_latent(s, key_z, batch["x"].shape[0])
  g = s.generator_name
  fake = jax.lax.stop_gradient(generate(
      s, state.params[g], _collections(state, g), g_input)[0])
  return discriminator_update(s, state, batch, fake, codes, key_loss)


def discriminator_steps(s: Settings, state: TrainState, batch, key: PRNGKey):
  """k discriminator updates, one per slice of the batch's second axis;
  returns the state, the last update's metrics and its data."""
  per_step = jax.tree.map(lambda x: jnp.swapaxes(x, 0, 1), batch)
  k = jax.tree.leaves(per_step)[0].shape[0]
  state, metrics = jax.lax.scan(functools.partial(discriminator_step, s),
                                state, (per_step, jax.random.split(key, k)))
  last = jax.tree.map(lambda m: m[-1], (metrics, per_step))
  return state, last[0], last[1]


def generator_update(s: Settings, state: TrainState, last_batch,
                     key_z: PRNGKey, key_loss: PRNGKey
                     ) -> tuple[TrainState, dict]:
  """One update of the generator against the current discriminator; its
  running averages move with this update's batch."""
  g = s.generator_name
  g_input, codes = draw_latent(s, key_z, last_batch["x"].shape[0])
  g_collections = _collections(state, g)
  d_variables = player_variables(state, DISCRIMINATOR)

  def objective(params, ctx):
    fake, updated = generate(s, params[g], g_collections, g_input)
    loss, metrics = s.game.generator_loss(d_variables,
                                          ctx._replace(samples=fake))
    return loss, metrics, ({g: updated} if updated else None)

  return core.update(state, (g,),
                     _context(state, last_batch, key_loss, None, codes),
                     optimizers=s.optimizers, objective=objective,
                     axis_name=s.axis_name)


def pretrain_step(s: Settings, state: TrainState, batch, key: PRNGKey):
  """k discriminator updates against the current generator."""
  key_d = jax.random.split(key, 3)[0]
  state, d_metrics, _ = discriminator_steps(s, state, batch, key_d)
  d_metrics = parallel.replica_mean(d_metrics, s.axis_name)
  return state, core.prefixed(DISCRIMINATOR, d_metrics)


def adversarial_step(s: Settings, state: TrainState, batch, key: PRNGKey):
  """Algorithm 1 of Goodfellow et al. (2014): k discriminator updates, then
  one generator update; then the game's `update_extras`."""
  key_d, key_z, key_loss = jax.random.split(key, 3)
  state, d_metrics, last_batch = discriminator_steps(s, state, batch, key_d)
  state, g_metrics = generator_update(s, state, last_batch, key_z, key_loss)
  d_metrics, g_metrics = parallel.replica_mean((d_metrics, g_metrics),
                                               s.axis_name)
  extras = s.game.update_extras(state.extras, d_metrics, g_metrics)
  return (state.replace(extras=extras),
          {**core.prefixed(DISCRIMINATOR, d_metrics),
           **core.prefixed(GENERATOR, g_metrics)})


def sample(s: Settings, state: TrainState, key: PRNGKey, num: int) -> Array:
  """`num` samples G(z) (a stateful generator in eval mode)."""
  g_input, _ = s.game.latent_fn(key, num)
  g = s.generator_name
  if not _collections(state, g):
    return s.generator.apply(state.params[g], g_input)
  return s.generator.apply(player_variables(state, g), g_input, train=False)


def make_adversarial(generator: nn.Module, discriminator: nn.Module,
                     game: Game, *, disc_steps: int = 1,
                     generator_optimizer: optax.GradientTransformation,
                     discriminator_optimizer: optax.GradientTransformation,
                     pretrain_steps: int = 0,
                     axis_name: str | None = None) -> Algorithm:
  """Builds the alternating k-step training algorithm for `game`.

  Args:
    generator: maps the latent input to samples `[B, ...]`.
    discriminator: the module whose variables `game`'s losses take.
    game: the objectives (see `Game`).
    disc_steps: k, discriminator updates per generator update.
    generator_optimizer, discriminator_optimizer: optax transformations.
    pretrain_steps: length of a first phase, 'discriminator_pretraining', of
      k discriminator updates per step against the initial generator (0: no
      such phase).
    axis_name: the `pmap` axis when run under `pmap`, else `None`.
  Returns:
    an `Algorithm` of phases 'discriminator_pretraining' (when
    `pretrain_steps > 0`) and 'adversarial'; both draw k batches per step.
  """
  if disc_steps < 1:
    raise ValueError(f"disc_steps must be >= 1, got {disc_steps}")
  if pretrain_steps < 0:
    raise ValueError(f"pretrain_steps must be >= 0, got {pretrain_steps}")
  s = Settings(generator, discriminator, game,
               {GENERATOR: generator_optimizer,
                DISCRIMINATOR: discriminator_optimizer}, axis_name)
  phases = (Phase("adversarial", functools.partial(adversarial_step, s), None,
                  disc_steps),)
  if pretrain_steps:
    phases = (Phase("discriminator_pretraining",
                    functools.partial(pretrain_step, s), pretrain_steps,
                    disc_steps),) + phases
  return Algorithm(init=functools.partial(init_state, s), phases=phases,
                   sample=functools.partial(sample, s))
