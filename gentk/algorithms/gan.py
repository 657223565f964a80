r"""The GAN of Goodfellow et al. (2014): k discriminator steps per generator step.

Discriminator: minimise E_x[-log D(x)] + E_z[-log(1 - D(G(z)))].
Generator: minimise one of the costs in `gentk.losses.adversarial`
(minimax, non-saturating, maximum-likelihood).

Batches carry the example axis first: `batch["x"]` has shape `[B, k, ...]`,
one slice per discriminator step, so the data split across devices is the
same for every device count.

References:
  Goodfellow et al. 2014, "Generative Adversarial Nets", Algorithm 1,
    https://arxiv.org/abs/1406.2661
"""
from typing import Any

import flax
import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from gentk.losses import adversarial
from gentk import parallel
from gentk.types import Algorithm, Array, PRNGKey

GENERATOR = "generator"
DISCRIMINATOR = "discriminator"


@flax.struct.dataclass
class GANState:
  """Everything a GAN run needs to resume exactly.

  Attributes:
    step: generator steps taken so far (int32 scalar).
    params: `{"generator": ..., "discriminator": ...}`.
    opt_state: optax states, same keys.
  """
  step: Array
  params: dict[str, Any]
  opt_state: dict[str, Any]


def make_gan(generator: nn.Module, discriminator: nn.Module, *,
             latent_dim: int, generator_cost: str = "nonsaturating",
             disc_steps: int = 1,
             generator_optimizer: optax.GradientTransformation,
             discriminator_optimizer: optax.GradientTransformation,
             axis_name: str | None = None) -> Algorithm:
  """Builds the GAN algorithm.

  Args:
    generator: maps `z [B, latent_dim]` to samples `[B, ...]`.
    discriminator: maps samples to logits `[B]`.
    latent_dim: dimension of z ~ N(0, I).
    generator_cost: 'minimax', 'nonsaturating' or 'maximum_likelihood'.
    disc_steps: k, discriminator updates per generator update (fused with
      `lax.scan`).
    generator_optimizer, discriminator_optimizer: optax transformations.
    axis_name: the `pmap` axis when run under `pmap`, else `None`.
  Returns:
    an `Algorithm`; `train_step` expects `batch["x"]` of shape `[B, k, ...]`.
  """
  adversarial.generator_loss(jnp.zeros([1]), cost=generator_cost)  # Validate.
  optimizers = {GENERATOR: generator_optimizer,
                DISCRIMINATOR: discriminator_optimizer}

  def init(key: PRNGKey, batch: dict[str, Array]) -> GANState:
    key_g, key_d = jax.random.split(key)
    x = batch["x"][:, 0]
    params = {
        GENERATOR: generator.init(key_g, jnp.zeros((1, latent_dim))),
        DISCRIMINATOR: discriminator.init(key_d, x[:1]),
    }
    opt_state = {name: optimizers[name].init(p) for name, p in params.items()}
    return GANState(step=jnp.zeros([], jnp.int32), params=params,
                    opt_state=opt_state)

  def update(name: str, params, opt_state, grads):
    grads = parallel.replica_mean(grads, axis_name)
    updates, opt_state = optimizers[name].update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, grads

  def discriminator_step(g_params, carry, inputs):
    d_params, d_opt = carry
    x, key = inputs
    fake = generator.apply(g_params, parallel.normal(
        key, (x.shape[0], latent_dim), axis_name))

    def loss_fn(p):
      real_logits = discriminator.apply(p, x)
      fake_logits = discriminator.apply(p, fake)
      loss = jnp.mean(adversarial.discriminator_loss(real_logits, fake_logits))
      return loss, (jax.nn.sigmoid(real_logits).mean(),
                    jax.nn.sigmoid(fake_logits).mean())

    (loss, probs), grads = jax.value_and_grad(loss_fn, has_aux=True)(d_params)
    d_params, d_opt, grads = update(DISCRIMINATOR, d_params, d_opt, grads)
    return (d_params, d_opt), (loss, parallel.global_norm(grads)) + probs

  def train_step(state: GANState, batch: dict[str, Array], key: PRNGKey):
    key = jax.random.fold_in(key, state.step)
    key_d, key_g = jax.random.split(key)
    xs = jnp.swapaxes(batch["x"], 0, 1)  # [k, B, ...]: one batch per D step.
    g_params = state.params[GENERATOR]
    (d_params, d_opt), (d_loss, d_norm, real_p, fake_p) = jax.lax.scan(
        lambda c, i: discriminator_step(g_params, c, i),
        (state.params[DISCRIMINATOR], state.opt_state[DISCRIMINATOR]),
        (xs, jax.random.split(key_d, xs.shape[0])))

    z = parallel.normal(key_g, (xs.shape[1], latent_dim), axis_name)

    def g_loss_fn(p):
      fake_logits = discriminator.apply(d_params, generator.apply(p, z))
      return jnp.mean(adversarial.generator_loss(fake_logits,
                                                 cost=generator_cost))

    g_loss, g_grads = jax.value_and_grad(g_loss_fn)(g_params)
    g_params, g_opt, g_grads = update(GENERATOR, g_params,
                                      state.opt_state[GENERATOR], g_grads)
    metrics = {
        "discriminator/loss": d_loss[-1],
        "discriminator/grad_norm": d_norm[-1],
        "discriminator/real_prob": real_p[-1],
        "discriminator/fake_prob": fake_p[-1],
        "generator/loss": g_loss,
        "generator/grad_norm": parallel.global_norm(g_grads),
    }
    metrics = parallel.replica_mean(metrics, axis_name)
    new_state = GANState(
        step=state.step + 1,
        params={GENERATOR: g_params, DISCRIMINATOR: d_params},
        opt_state={GENERATOR: g_opt, DISCRIMINATOR: d_opt})
    return new_state, metrics

  def sample(state: GANState, key: PRNGKey, num: int) -> Array:
    z = jax.random.normal(key, (num, latent_dim))
    return generator.apply(state.params[GENERATOR], z)

  return Algorithm(init=init, train_step=train_step, sample=sample)
