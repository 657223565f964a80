r"""Feature matching: the generator matches the discriminator's mean features.

* discriminator: the GAN cross-entropy E_x[-log D(x)] + E_z[-log(1 - D(G(z)))];
* generator: || E_x f(x) - E_z f(G(z)) ||_2^2 with f an intermediate layer of
  the discriminator, the expectations replaced by the batch means of the last
  discriminator step's data batch (`ctx.batch` of the generator update) and
  of a fresh generated batch.

Minibatch discrimination (Sec. 3.2 of the same paper) needs no game of its
own: it is the GAN game (`gentk.algorithms.gan.gan_game`) with a
discriminator that has a minibatch layer (`gentk.models.mlp`).

References:
  Salimans et al. 2016, "Improved Techniques for Training GANs", Sec. 3.1,
    https://arxiv.org/abs/1606.03498
"""
from typing import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp

from gentk.algorithms import adversarial as adversarial_lib
from gentk.losses import adversarial
from gentk.losses import semi_supervised
from gentk.types import Algorithm


def feature_matching_game(discriminator: nn.Module,
                          latent_fn: Callable) -> adversarial_lib.Game:
  """The feature matching game.

  Args:
    discriminator: returns `(logits [B], features [B, ...])`, e.g.
      `gentk.models.mlp.FeatureMLP`.
    latent_fn: `(key, B) -> (z, None)`.
  Returns:
    the `Game`; the discriminator's metrics are the mean D on data and
    generated samples, the generator's the feature matching loss.
  """
  def discriminator_loss(d_variables, ctx):
    fake, real = ctx.samples, ctx.batch["x"]
    real_logits, _ = discriminator.apply(d_variables, real)
    fake_logits, _ = discriminator.apply(d_variables, fake)
    loss = jnp.mean(adversarial.discriminator_loss(real_logits, fake_logits))
    return loss, {"real_prob": jax.nn.sigmoid(real_logits).mean(),
                  "fake_prob": jax.nn.sigmoid(fake_logits).mean()}

  def generator_loss(d_variables, ctx):
    fake, real = ctx.samples, ctx.batch["x"]
    _, real_features = discriminator.apply(d_variables, real)
    _, fake_features = discriminator.apply(d_variables, fake)
    return semi_supervised.feature_matching_loss(
        jax.lax.stop_gradient(real_features), fake_features), {}

  return adversarial_lib.Game(discriminator_loss, generator_loss, latent_fn)


def make_feature_matching(generator: nn.Module, discriminator: nn.Module, *,
                          latent_dim: int, **schedule) -> Algorithm:
  """Feature matching with z ~ N(0, I_latent_dim).

  `schedule`: `generator_optimizer`, `discriminator_optimizer` and optionally
  `disc_steps`, `pretrain_steps`, `axis_name` (see `make_adversarial`).
  """
  game = feature_matching_game(adversarial_lib.TrainMode(discriminator),
                               adversarial_lib.gaussian_latent(latent_dim))
  return adversarial_lib.make_adversarial(generator, discriminator, game,
                                          **schedule)
