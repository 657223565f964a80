r"""The two-player training loop shared by every GAN variant.

An adversarial method is a `Game`: how the discriminator (critic) and the
generator score one batch, plus optional hooks (latent codes, a projection of
the critic's weights, extra state such as BEGAN's k_t). `make_adversarial` turns
a game into an `Algorithm` whose step takes k discriminator steps (fused with
`lax.scan`) and one generator step, as in Goodfellow et al. (2014), Algorithm 1.

Batches carry the example axis first: `batch["x"]` has shape `[B, k, ...]`, one
slice per discriminator step, so the data split across devices is the same for
every device count.
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
  """
  discriminator_loss: Callable
  generator_loss: Callable
  latent_fn: Callable
  project: Callable = lambda params: params
  init_extras: Callable[[], Any] = lambda: {}
  update_extras: Callable = lambda extras, d_metrics, g_metrics: extras


@flax.struct.dataclass
class AdversarialState:
  """Everything an adversarial run needs to resume exactly.

  Attributes:
    step: generator steps taken so far (int32 scalar).
    params: `{"generator": ..., "discriminator": ...}`.
    opt_state: optax states, same keys.
    extras: the game's extra state (e.g. BEGAN's k_t); `{}` when unused.
  """
  step: Array
  params: dict[str, Any]
  opt_state: dict[str, Any]
  extras: Any


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
    params = {GENERATOR: generator.init(key_g, g_input),
              DISCRIMINATOR: discriminator.init(key_d, batch["x"][:1, 0])}
    opt_state = {name: optimizers[name].init(p) for name, p in params.items()}
    return AdversarialState(step=jnp.zeros([], jnp.int32), params=params,
                            opt_state=opt_state, extras=game.init_extras())

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

  def discriminator_step(g_params, extras, carry, inputs):
    d_params, d_opt = carry
    real, key = inputs
    key_z, key_loss = jax.random.split(key)
    g_input, codes = draw_latent(key_z, real.shape[0])
    fake = jax.lax.stop_gradient(generator.apply(g_params, g_input))
    (loss, metrics), grads = jax.value_and_grad(
        game.discriminator_loss, has_aux=True)(d_params, real, fake, codes,
                                               key_loss, extras)
    d_params, d_opt, grads = update(DISCRIMINATOR, d_params, d_opt, grads)
    metrics = dict(metrics, loss=loss, grad_norm=parallel.global_norm(grads))
    return (game.project(d_params), d_opt), metrics

  def train_step(state: AdversarialState, batch: dict[str, Array],
                 key: PRNGKey):
    key = jax.random.fold_in(key, state.step)
    key_d, key_z, key_loss = jax.random.split(key, 3)
    reals = jnp.swapaxes(batch["x"], 0, 1)  # [k, B, ...]: one per D step.
    g_params = state.params[GENERATOR]
    (d_params, d_opt), d_metrics = jax.lax.scan(
        lambda c, i: discriminator_step(g_params, state.extras, c, i),
        (state.params[DISCRIMINATOR], state.opt_state[DISCRIMINATOR]),
        (reals, jax.random.split(key_d, reals.shape[0])))
    d_metrics = jax.tree.map(lambda m: m[-1], d_metrics)  # The last D step.

    g_input, codes = draw_latent(key_z, reals.shape[1])

    def g_loss_fn(p):
      return game.generator_loss(d_params, generator.apply(p, g_input), codes,
                                 key_loss, state.extras)

    (g_loss, g_metrics), g_grads = jax.value_and_grad(
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
        opt_state={GENERATOR: g_opt, DISCRIMINATOR: d_opt}, extras=extras)
    return new_state, {**_prefixed(DISCRIMINATOR, d_metrics),
                       **_prefixed(GENERATOR, g_metrics)}

  def sample(state: AdversarialState, key: PRNGKey, num: int) -> Array:
    g_input, _ = game.latent_fn(key, num)
    return generator.apply(state.params[GENERATOR], g_input)

  return Algorithm(init=init, train_step=train_step, sample=sample)
