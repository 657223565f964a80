r"""The GAN of Goodfellow et al. (2014) with a choice of generator cost.

Discriminator: minimise E_x[-log D(x)] + E_z[-log(1 - D(G(z)))].
Generator: minimise one of the costs in `gentk.losses.adversarial`
(minimax log(1 - D(G(z))), non-saturating -log D(G(z)), maximum-likelihood
-exp(sigma^{-1}(D(G(z))))).

References:
  Goodfellow et al. 2014, "Generative Adversarial Nets", Algorithm 1,
    https://arxiv.org/abs/1406.2661
"""
import flax.linen as nn
import jax
import jax.numpy as jnp
from gentk.algorithms import adversarial as adversarial_lib
from gentk.losses import adversarial
from gentk.types import Algorithm


def gan_game(discriminator: nn.Module, latent_fn, *,
             generator_cost: str = "nonsaturating") -> adversarial_lib.Game:
  """The cross-entropy game; `discriminator` returns logits `[B]`."""
  adversarial.generator_loss(jnp.zeros([1]), cost=generator_cost)  # Validate.

  def discriminator_loss(d_variables, ctx):
    real_logits = discriminator.apply(d_variables, ctx.batch["x"])
    fake_logits = discriminator.apply(d_variables, ctx.samples)
    loss = jnp.mean(adversarial.discriminator_loss(real_logits, fake_logits))
    return loss, {"real_prob": jax.nn.sigmoid(real_logits).mean(),
                  "fake_prob": jax.nn.sigmoid(fake_logits).mean()}

  def generator_loss(d_variables, ctx):
    fake_logits = discriminator.apply(d_variables, ctx.samples)
    return jnp.mean(adversarial.generator_loss(fake_logits,
                                               cost=generator_cost)), {}

  return adversarial_lib.Game(discriminator_loss, generator_loss, latent_fn)


def make_gan(generator: nn.Module, discriminator: nn.Module, *,
             latent_dim: int, generator_cost: str = "nonsaturating",
             **schedule) -> Algorithm:
  """The GAN algorithm with z ~ N(0, I_latent_dim).

  `schedule`: `generator_optimizer`, `discriminator_optimizer` and optionally
  `disc_steps`, `pretrain_steps`, `axis_name` (see `make_adversarial`). A
  batch-normalised discriminator is applied in train mode (`TrainMode`).
  """
  game = gan_game(adversarial_lib.TrainMode(discriminator),
                  adversarial_lib.gaussian_latent(latent_dim),
                  generator_cost=generator_cost)
  return adversarial_lib.make_adversarial(generator, discriminator, game,
                                          **schedule)
