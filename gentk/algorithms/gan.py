r"""The GAN of Goodfellow et al. (2014) with a choice of generator cost.

Discriminator: minimise E_x[-log D(x)] + E_z[-log(1 - D(G(z)))].
Generator: minimise one of the costs in `gentk.losses.adversarial`
(minimax log(1 - D(G(z))), non-saturating -log D(G(z)), maximum-likelihood
-exp(sigma^{-1}(D(G(z)))), boundary-seeking 1/2 sigma^{-1}(D(G(z)))^2).

Optionally the discriminator's loss carries the WGAN-GP penalty on its logit,
\lambda E[(||\nabla_{\hat{x}} \sigma^{-1}(D(\hat{x}))|| - K)^2] at random
interpolates \hat{x} of real and generated points: K = 1 is "GAN-GP" (Fedus
et al. 2018), K = 0 the zero-centred penalty (Thanh-Tung et al. 2019). It
keeps the logit sloped between modes, where an unconstrained discriminator
saturates.

References:
  Goodfellow et al. 2014, "Generative Adversarial Nets", Algorithm 1,
    https://arxiv.org/abs/1406.2661
  Fedus et al. 2018, "Many Paths to Equilibrium: GANs Do Not Need to Decrease
    a Divergence At Every Step", Sec. 3, https://arxiv.org/abs/1710.08446
  Thanh-Tung et al. 2019, "Improving Generalization and Stability of
    Generative Adversarial Networks", Sec. 5, https://arxiv.org/abs/1902.03984
"""
import functools

import flax.linen as nn
import jax
import jax.numpy as jnp
from gentk.algorithms import adversarial as adversarial_lib
from gentk.losses import adversarial
from gentk.losses import wasserstein
from gentk.types import Algorithm


def gan_game(discriminator: nn.Module, latent_fn, *,
             generator_cost: str = "nonsaturating",
             penalty_weight: float = 0.0,
             penalty_target: float = 1.0) -> adversarial_lib.Game:
  r"""The cross-entropy game; `discriminator` returns logits `[B]`.

  `penalty_weight`: \lambda of the gradient penalty on the logit (0: none);
  with it the discriminator must treat examples independently (no batch
  normalisation). Its metrics then carry `penalty`. `penalty_target`: K, the
  target gradient norm (1: GAN-GP; 0: zero-centred).
  """
  adversarial.generator_loss(jnp.zeros([1]), cost=generator_cost)  # Validate.
  if penalty_weight < 0:
    raise ValueError(f"penalty_weight must be >= 0, got {penalty_weight}")

  def discriminator_loss(d_variables, ctx):
    logit_fn = functools.partial(discriminator.apply, d_variables)
    real, fake = ctx.batch["x"], ctx.samples
    real_logits, fake_logits = logit_fn(real), logit_fn(fake)
    loss = jnp.mean(adversarial.discriminator_loss(real_logits, fake_logits))
    metrics = {"real_prob": jax.nn.sigmoid(real_logits).mean(),
               "fake_prob": jax.nn.sigmoid(fake_logits).mean()}
    if penalty_weight:
      penalty = jnp.mean(wasserstein.gradient_penalty(
          ctx.key, logit_fn, real, fake, weight=penalty_weight,
          target_norm=penalty_target))
      loss, metrics = loss + penalty, {**metrics, "penalty": penalty}
    return loss, metrics

  def generator_loss(d_variables, ctx):
    fake_logits = discriminator.apply(d_variables, ctx.samples)
    return jnp.mean(adversarial.generator_loss(fake_logits,
                                               cost=generator_cost)), {}

  return adversarial_lib.Game(discriminator_loss, generator_loss, latent_fn)


def make_gan(generator: nn.Module, discriminator: nn.Module, *,
             latent_dim: int, generator_cost: str = "nonsaturating",
             penalty_weight: float = 0.0, penalty_target: float = 1.0,
             **schedule) -> Algorithm:
  """The GAN algorithm with z ~ N(0, I_latent_dim).

  `schedule`: `generator_optimizer`, `discriminator_optimizer` and optionally
  `disc_steps`, `pretrain_steps`, `axis_name` (see `make_adversarial`). A
  batch-normalised discriminator is applied in train mode (`TrainMode`).
  `penalty_weight`, `penalty_target`: see `gan_game`.
  """
  game = gan_game(adversarial_lib.TrainMode(discriminator),
                  adversarial_lib.gaussian_latent(latent_dim),
                  generator_cost=generator_cost,
                  penalty_weight=penalty_weight,
                  penalty_target=penalty_target)
  return adversarial_lib.make_adversarial(generator, discriminator, game,
                                          **schedule)
