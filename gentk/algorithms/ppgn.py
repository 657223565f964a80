r"""Plug & Play Generative Networks: the generator G(h), its discriminator and
the prior p(h), trained for the sampler of `gentk.sampling.ppgn`.

A fixed encoder E (a trained classifier's hidden layer) maps images to codes
h = E(x). Three players are trained, one update each per step:

* the generator G inverts E (DGN-AM, Dosovitskiy & Brox 2016) by

    L_G = w_img ||G(h~) - x||^2 + w_h ||E(G(h~)) - h||^2
          + w_adv (-log D(G(h~))),

  with h~ = h + N(0, sigma_G^2 I): with sigma_G > 0, h -> x -> h is a
  denoising autoencoder on h, the prior of *joint* PPGN-h (E(G(h)) - h
  estimates d log p(h)/dh, `joint_prior_grad`);
* the discriminator D: real x against G(h~), the GAN's cross-entropy;
* the denoising autoencoder R of PPGN-h: ||R(h + N(0, sigma^2 I)) - h||^2
  (`gentk.sampling.ppgn.dae_prior_grad`).

References:
  Nguyen et al. 2017, "Plug & Play Generative Networks: Conditional iterative
    generation of images in latent space", Sections 3.3-3.5 and S.9,
    https://arxiv.org/abs/1612.00005
  Dosovitskiy & Brox 2016, "Generating images with perceptual similarity
    metrics based on deep networks", https://arxiv.org/abs/1602.02644
"""
from typing import Callable, NamedTuple

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from gentk.algorithms import core
from gentk.losses import adversarial
from gentk.types import Algorithm, Array, PRNGKey, TrainState

GENERATOR = "generator"
DISCRIMINATOR = "discriminator"
DAE = "dae"


class LossWeights(NamedTuple):
  """w_img, w_h and w_adv of the generator's loss."""
  image: float = 1.0
  feature: float = 1.0
  adversarial: float = 0.01


def joint_prior_grad(generate: Callable[[Array], Array],
                     encode: Callable[[Array], Array]) -> Callable:
  """`h -> E(G(h)) - h` for one code `h [D]`: joint PPGN-h's estimate of
  d log p(h)/dh (h -> x -> h as a denoising autoencoder)."""
  return lambda h: encode(generate(h[None]))[0] - h


def log_condition_fn(generate: Callable[[Array], Array],
                     classify: Callable[[Array], Array]) -> Callable:
  """`(h, c) -> log C_c(G(h))` for one code `h [D]`: the sampler's
  condition (log-softmax of the classifier's logits)."""
  def log_condition(h, label):
    logits = classify(generate(h[None]))[0]
    return jax.nn.log_softmax(logits)[label]
  return log_condition


def d_objective(discriminator: nn.Module) -> Callable:
  """D's GAN cross-entropy: real `ctx.batch["x"]` against `ctx.samples`."""
  def objective(params, ctx: core.Context):
    real = discriminator.apply(params[DISCRIMINATOR], ctx.batch["x"])
    fake = discriminator.apply(params[DISCRIMINATOR], ctx.samples)
    return jnp.mean(adversarial.discriminator_loss(real, fake)), {}
  return objective


def g_objective(generator: nn.Module, discriminator: nn.Module,
                encode: Callable[[Array], Array],
                weights: LossWeights) -> Callable:
  r"""G's loss $\lambda_{img} \|G(h) - x\|^2 + \lambda_{feat} \|E(G(h)) -
  h\|^2 + \lambda_{adv} (-\log D(G(h)))$ on codes `ctx.codes`."""
  def objective(params, ctx: core.Context):
    x, h = ctx.batch["x"], ctx.batch["h"]
    fake = generator.apply(params[GENERATOR], ctx.codes)
    image = jnp.sum((fake - x) ** 2, axis=tuple(range(1, x.ndim)))
    feature = jnp.sum((encode(fake) - h) ** 2, axis=-1)
    adv = adversarial.nonsaturating_generator_loss(
        discriminator.apply(ctx.variables[DISCRIMINATOR], fake))
    terms = {"image": jnp.mean(image), "feature": jnp.mean(feature),
             "adversarial": jnp.mean(adv)}
    loss = (weights.image * terms["image"] + weights.feature * terms["feature"]
            + weights.adversarial * terms["adversarial"])
    return loss, terms
  return objective


def r_objective(dae: nn.Module, dae_noise: float) -> Callable:
  r"""R's denoising loss $\|R(h + \sigma \epsilon) - h\|^2$."""
  def objective(params, ctx: core.Context):
    h = ctx.batch["h"]
    corrupted = h + dae_noise * jax.random.normal(ctx.key, h.shape)
    return jnp.mean(jnp.sum((dae.apply(params[DAE], corrupted) - h) ** 2,
                            axis=-1)), {}
  return objective


def make_ppgn(generator: nn.Module, discriminator: nn.Module, dae: nn.Module,
              encode: Callable[[Array], Array], *,
              optimizer: optax.GradientTransformation,
              weights: LossWeights = LossWeights(),
              generator_noise: float = 0.0, dae_noise: float = 1.0,
              axis_name: str | None = None) -> Algorithm:
  """The training of G, D and R (module docstring) on batches `{"x": [B, ...]}`.

  Args:
    generator: G, codes `[B, D]` -> images.
    discriminator: D, images -> logits `[B]`.
    dae: R, codes `[B, D]` -> codes `[B, D]`.
    encode: E, images `[B, ...]` -> codes `[B, D]` (fixed: its parameters
      are constants of the step).
    optimizer: every player's optimizer.
    weights: the generator loss's `LossWeights`.
    generator_noise: sigma_G, the noise on G's input codes.
    dae_noise: sigma, R's corruption.
    axis_name: the `pmap` axis, or None.
  Returns:
    the `Algorithm`; metrics `generator/{image,feature,adversarial}`,
    `discriminator/loss`, `dae/loss`. It has no `sample`: images come from
    the chains of `gentk.sampling.ppgn` (see `log_condition_fn`).
  """
  optimizers = {GENERATOR: optimizer, DISCRIMINATOR: optimizer,
                DAE: optimizer}

  def init(key: PRNGKey, batch) -> TrainState:
    x = batch["x"][:1]
    h = encode(x)
    return core.init_state(key, {GENERATOR: (generator, (h,)),
                                 DISCRIMINATOR: (discriminator, (x,)),
                                 DAE: (dae, (h,))}, optimizers)

  discriminator_objective = d_objective(discriminator)
  generator_objective = g_objective(generator, discriminator, encode, weights)
  dae_objective = r_objective(dae, dae_noise)

  def train_step(state: TrainState, batch, key: PRNGKey):
    key_g, key_r = jax.random.split(key)
    x = batch["x"]
    h = jax.lax.stop_gradient(encode(x))
    h_noisy = h + generator_noise * jax.random.normal(key_g, h.shape)
    batch = {"x": x, "h": h}
    fake = generator.apply(state.params[GENERATOR], h_noisy)
    state, d_metrics = core.update(
        state, (DISCRIMINATOR,),
        core.Context(batch, key, samples=jax.lax.stop_gradient(fake)),
        optimizers=optimizers, objective=discriminator_objective,
        axis_name=axis_name)
    state, g_metrics = core.update(
        state, (GENERATOR,),
        core.Context(batch, key, codes=h_noisy,
                     variables={DISCRIMINATOR: state.params[DISCRIMINATOR]}),
        optimizers=optimizers, objective=generator_objective,
        axis_name=axis_name)
    state, r_metrics = core.update(
        state, (DAE,), core.Context(batch, key_r), optimizers=optimizers,
        objective=dae_objective, axis_name=axis_name)
    return state, {
        **core.prefixed(DISCRIMINATOR, d_metrics),
        **core.prefixed(GENERATOR, g_metrics), **core.prefixed(DAE, r_metrics)}

  return Algorithm.single(init, train_step, None)
