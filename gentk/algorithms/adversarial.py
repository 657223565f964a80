r"""The two-player training loop shared by every GAN variant.

An adversarial method is a `Game`: how the discriminator (critic) and the
generator score one batch, plus optional hooks (latent codes, a projection of
the critic's weights, extra state such as BEGAN's k_t). `make_adversarial` turns
a game into an `Algorithm` whose step takes k discriminator steps (fused with
`lax.scan`) and one generator step, as in Goodfellow et al. (2014), Algorithm 1.

Batches carry the example axis first: `batch["x"]` has shape `[B, k, ...]`, one
slice per discriminator step, so the data split across devices is the same for
every device count.

Players with mutable Flax collections (batch normalisation's `batch_stats`).
A player whose `init` returns collections besides `params` keeps them in
`AdversarialState.collections[name]`; such a module must take a keyword
`train: bool` (batch statistics when True, running averages when False) and
need no `rngs`. Only `params` are differentiated, updated by the optimizer,
projected and checked for non-finite values.

* Generator: applied in train mode in every step; its running averages are
  updated once per generator step (from the generator step's batch, not from
  the k batches drawn for the discriminator steps); `sample` applies it in
  eval mode, with the running averages.
* Discriminator: the losses receive its full variables (`params` and the
  collections). A game written for a plain module calls
  `discriminator.apply(variables, x)`; build it with `TrainMode(module)` to
  have that apply use batch statistics. Real and fake batches go through the
  discriminator in *separate* passes, each normalised by its own batch
  statistics (as in the DCGAN reference implementation), in the
  discriminator and the generator steps alike, so the discriminator computes
  the same function of a fake batch in both. Its running averages are updated
  once per discriminator step from the *real* batch (a train-mode pass with
  the parameters the loss saw): they only serve evaluation on real images
  (InfoGAN's Q(c|x) accuracy, the semi-supervised classifier), so they track
  the statistics of real data.

Under `pmap`, give batch normalisation the same `axis_name` so its statistics
are those of the global batch, as under `jit`; the updated collections are
also averaged across replicas.
"""
from typing import Any, Callable, NamedTuple

import flax
import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from gentk import parallel
from gentk.types import Algorithm, Array, PRNGKey

GENERATOR = "generator"
DISCRIMINATOR = "discriminator"
PARAMS = "params"


def gaussian_latent(latent_dim: int) -> Callable:
  """`latent_fn(key, B) -> (z, None)` with z ~ N(0, I) of shape `[B, dim]`."""
  def latent_fn(key: PRNGKey, batch_size: int):
    return jax.random.normal(key, (batch_size, latent_dim)), None
  return latent_fn


class Game(NamedTuple):
  """The objectives of one adversarial method (all pure, all means over B).

  Attributes:
    discriminator_loss: `(d_params, real, fake, codes, key, extras) ->
      (loss, metrics)`; `fake` is already `stop_gradient`-ed.
    generator_loss: `(d_params, fake, codes, key, extras) -> (loss, metrics)`.
    latent_fn: `(key, B) -> (generator_input, codes)`; `codes` (or None) is
      passed to both losses (InfoGAN's c).
    project: applied to the discriminator's parameters after every update
      (WGAN's weight clipping); identity by default.
    init_extras: `() -> extras`, extra state kept in the algorithm state.
    update_extras: `(extras, d_metrics, g_metrics) -> extras` after each
      generator step (BEGAN's k_t control).
    generator_uses_real: when True, `generator_loss` also receives the real
      batch of the last discriminator step as keyword `real` (feature
      matching compares statistics of real and generated batches).
  """
  discriminator_loss: Callable
  generator_loss: Callable
  latent_fn: Callable
  project: Callable = lambda params: params
  init_extras: Callable[[], Any] = lambda: {}
  update_extras: Callable = lambda extras, d_metrics, g_metrics: extras
  generator_uses_real: bool = False


class TrainMode(NamedTuple):
  """`module`, applied in train mode with its collections read-only.

  `TrainMode(m).apply(variables, *args)` is `m.apply(variables, *args,
  train=True)` with the updated collections dropped: batch normalisation uses
  the batch's statistics and the running averages stay as they are (the core
  updates them, see the module docstring). Pass it to a game written for a
  plain module (e.g. `gan_game(TrainMode(dcgan_discriminator), ...)`).
  """
  module: nn.Module

  def apply(self, variables, *args, **kwargs):
    mutable = [name for name in variables if name != PARAMS]
    if not mutable:
      return self.module.apply(variables, *args, train=True, **kwargs)
    out, _ = self.module.apply(variables, *args, train=True, mutable=mutable,
                               **kwargs)
    return out


def player_variables(state: "AdversarialState", name: str) -> dict:
  """Player `name`'s full Flax variables: `params` and its collections
  (batch normalisation's running averages), for applying it outside a step."""
  return {**state.params[name], **(state.collections or {}).get(name, {})}


def split_variables(variables) -> tuple[dict, dict]:
  """`(params, collections)`: `{"params": ...}` and every other collection."""
  params = {k: v for k, v in variables.items() if k == PARAMS}
  return params, {k: v for k, v in variables.items() if k != PARAMS}


@flax.struct.dataclass
class AdversarialState:
  """Everything an adversarial run needs to resume exactly.

  Attributes:
    step: generator steps taken so far (int32 scalar).
    params: `{"generator": ..., "discriminator": ...}`.
    opt_state: optax states, same keys.
    extras: the game's extra state (e.g. BEGAN's k_t); `{}` when unused.
    collections: each player's mutable Flax collections (e.g.
      `{"batch_stats": ...}`), same keys as `params`; `{}` for a player
      without any.
  """
  step: Array
  params: dict[str, Any]
  opt_state: dict[str, Any]
  extras: Any
  collections: dict[str, Any] = flax.struct.field(default_factory=dict)


def _prefixed(prefix: str, metrics: dict) -> dict:
  return {f"{prefix}/{k}": v for k, v in metrics.items()}


def make_adversarial(generator: nn.Module, discriminator: nn.Module,
                     game: Game, *, disc_steps: int = 1,
                     generator_optimizer: optax.GradientTransformation,
                     discriminator_optimizer: optax.GradientTransformation,
                     axis_name: str | None = None) -> Algorithm:
  """Builds the alternating k-step training algorithm for `game`.

  Args:
    generator: maps the latent input to samples `[B, ...]`.
    discriminator: the module whose parameters `game`'s losses take.
    game: the objectives (see `Game`).
    disc_steps: k, discriminator updates per generator update.
    generator_optimizer, discriminator_optimizer: optax transformations.
    axis_name: the `pmap` axis when run under `pmap`, else `None`.
  Returns:
    an `Algorithm`; `train_step` expects `batch["x"]` of shape `[B, k, ...]`.
  """
  if disc_steps < 1:
    raise ValueError(f"disc_steps must be >= 1, got {disc_steps}")
  optimizers = {GENERATOR: generator_optimizer,
                DISCRIMINATOR: discriminator_optimizer}

  def init(key: PRNGKey, batch: dict[str, Array]) -> AdversarialState:
    key_g, key_d, key_z = jax.random.split(key, 3)
    g_input, _ = game.latent_fn(key_z, 1)
    variables = {GENERATOR: generator.init(key_g, g_input),
                 DISCRIMINATOR: discriminator.init(key_d, batch["x"][:1, 0])}
    split = {name: split_variables(v) for name, v in variables.items()}
    params = {name: p for name, (p, _) in split.items()}
    opt_state = {name: optimizers[name].init(p) for name, p in params.items()}
    return AdversarialState(step=jnp.zeros([], jnp.int32), params=params,
                            opt_state=opt_state, extras=game.init_extras(),
                            collections={n: c for n, (_, c) in split.items()})

  def draw_latent(key: PRNGKey, batch_size: int):
    """Per-example latents; under pmap drawn for the global batch and sliced,
    so every device count sees the same noise."""
    if axis_name is None:
      return game.latent_fn(key, batch_size)
    full = game.latent_fn(key, jax.lax.axis_size(axis_name) * batch_size)
    return jax.tree.map(lambda x: parallel.replica_slice(x, axis_name), full)

  def update(name: str, params, opt_state, grads):
    grads = parallel.replica_mean(grads, axis_name)
    updates, opt_state = optimizers[name].update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, grads

  def generate(g_params, g_collections, g_input):
    """`(fake, updated collections)`, in train mode for a stateful generator."""
    if not g_collections:
      return generator.apply(g_params, g_input), g_collections
    fake, updated = generator.apply({**g_params, **g_collections}, g_input,
                                    train=True, mutable=list(g_collections))
    return fake, parallel.replica_mean(updated, axis_name)

  def track_real_statistics(d_params, d_collections, real):
    """The discriminator's running averages after a train-mode pass on `real`."""
    if not d_collections:
      return d_collections
    _, updated = discriminator.apply({**d_params, **d_collections}, real,
                                     train=True, mutable=list(d_collections))
    return parallel.replica_mean(jax.lax.stop_gradient(updated), axis_name)

  def discriminator_step(g_variables, extras, carry, inputs):
    d_params, d_opt, d_collections = carry
    real, key = inputs
    key_z, key_loss = jax.random.split(key)
    g_input, codes = draw_latent(key_z, real.shape[0])
    fake = jax.lax.stop_gradient(generate(*g_variables, g_input)[0])
    (loss, metrics), grads = jax.value_and_grad(
        lambda p: game.discriminator_loss({**p, **d_collections}, real, fake,
                                          codes, key_loss, extras),
        has_aux=True)(d_params)
    d_collections = track_real_statistics(d_params, d_collections, real)
    d_params, d_opt, grads = update(DISCRIMINATOR, d_params, d_opt, grads)
    metrics = dict(metrics, loss=loss, grad_norm=parallel.global_norm(grads))
    return (game.project(d_params), d_opt, d_collections), metrics

  def train_step(state: AdversarialState, batch: dict[str, Array],
                 key: PRNGKey):
    key = jax.random.fold_in(key, state.step)
    key_d, key_z, key_loss = jax.random.split(key, 3)
    reals = jnp.swapaxes(batch["x"], 0, 1)  # [k, B, ...]: one per D step.
    g_params = state.params[GENERATOR]
    collections = state.collections or {GENERATOR: {}, DISCRIMINATOR: {}}
    g_variables = (g_params, collections[GENERATOR])
    (d_params, d_opt, d_collections), d_metrics = jax.lax.scan(
        lambda c, i: discriminator_step(g_variables, state.extras, c, i),
        (state.params[DISCRIMINATOR], state.opt_state[DISCRIMINATOR],
         collections[DISCRIMINATOR]),
        (reals, jax.random.split(key_d, reals.shape[0])))
    d_metrics = jax.tree.map(lambda m: m[-1], d_metrics)  # The last D step.

    g_input, codes = draw_latent(key_z, reals.shape[1])
    d_variables = {**d_params, **d_collections}
    real_kwargs = {"real": reals[-1]} if game.generator_uses_real else {}

    def g_loss_fn(p):
      fake, g_collections = generate(p, collections[GENERATOR], g_input)
      loss, metrics = game.generator_loss(d_variables, fake, codes, key_loss,
                                          state.extras, **real_kwargs)
      return loss, (metrics, g_collections)

    (g_loss, (g_metrics, g_collections)), g_grads = jax.value_and_grad(
        g_loss_fn, has_aux=True)(g_params)
    g_params, g_opt, g_grads = update(GENERATOR, g_params,
                                      state.opt_state[GENERATOR], g_grads)
    g_metrics = dict(g_metrics, loss=g_loss,
                     grad_norm=parallel.global_norm(g_grads))
    d_metrics, g_metrics = parallel.replica_mean((d_metrics, g_metrics),
                                                 axis_name)
    extras = game.update_extras(state.extras, d_metrics, g_metrics)
    new_state = AdversarialState(
        step=state.step + 1,
        params={GENERATOR: g_params, DISCRIMINATOR: d_params},
        opt_state={GENERATOR: g_opt, DISCRIMINATOR: d_opt}, extras=extras,
        collections=({GENERATOR: g_collections, DISCRIMINATOR: d_collections}
                     if state.collections else state.collections))
    return new_state, {**_prefixed(DISCRIMINATOR, d_metrics),
                       **_prefixed(GENERATOR, g_metrics)}

  def sample(state: AdversarialState, key: PRNGKey, num: int) -> Array:
    g_input, _ = game.latent_fn(key, num)
    if not (state.collections or {}).get(GENERATOR):
      return generator.apply(state.params[GENERATOR], g_input)
    return generator.apply(player_variables(state, GENERATOR), g_input,
                           train=False)

  return Algorithm(init=init, train_step=train_step, sample=sample)
