r"""EBGAN: an autoencoder discriminator whose reconstruction error is an energy.

With the energy D(x) = mean |x - Dec(Enc(x))|^2 (mean squared error),

* discriminator: minimise D(x) + [m - D(G(z))]^+ (the margin loss);
* generator: minimise D(G(z)) + \lambda_{PT} f_PT(Enc(G(z))), where the
  pull-away term f_PT (EBGAN-PT) is the mean squared cosine similarity of the
  codes of a generated batch.

References:
  Zhao et al. 2016, "Energy-based Generative Adversarial Network", Eqs. 1, 2, 4,
    https://arxiv.org/abs/1609.03126
"""
from typing import Callable

import flax.linen as nn
import jax.numpy as jnp

from gentk.algorithms import adversarial as adversarial_lib
from gentk.losses import energy as energy_losses
from gentk.types import Algorithm


def ebgan_game(autoencoder: nn.Module, latent_fn: Callable, *, margin: float,
               pull_away_weight: float = 0.0,
               eta: float = 2.0) -> adversarial_lib.Game:
  r"""The EBGAN game.

  Args:
    autoencoder: returns `(reconstruction, code)` for a batch, e.g.
      `gentk.models.autoencoder.Autoencoder`.
    latent_fn: `(key, B) -> (z, None)`.
    margin: m > 0.
    pull_away_weight: \lambda_PT (0.1 in the paper; 0 for plain EBGAN).
    eta: the energy's exponent (2: mean squared reconstruction error).
  Returns:
    the `Game`; metrics are the mean energies, the fraction of generated
    samples below the margin (`margin_active`) and the pull-away term.
  """
  if margin <= 0:
    raise ValueError(f"margin must be positive, got {margin}")

  def energy(d_variables, x):
    reconstruction, code = autoencoder.apply(d_variables, x)
    return energy_losses.autoencoder_loss(x, reconstruction, eta=eta), code

  def discriminator_loss(d_variables, ctx):
    fake, real = ctx.samples, ctx.batch["x"]
    real_energy, _ = energy(d_variables, real)
    fake_energy, _ = energy(d_variables, fake)
    loss = jnp.mean(energy_losses.ebgan_discriminator_loss(
        real_energy, fake_energy, margin=margin))
    return loss, {"real_energy": jnp.mean(real_energy),
                  "fake_energy": jnp.mean(fake_energy),
                  "margin_active": jnp.mean(fake_energy < margin)}

  def generator_loss(d_variables, ctx):
    fake = ctx.samples
    fake_energy, code = energy(d_variables, fake)
    pull_away = energy_losses.pull_away_term(code)
    loss = jnp.mean(energy_losses.ebgan_generator_loss(fake_energy))
    return loss + pull_away_weight * pull_away, {"pull_away": pull_away}

  return adversarial_lib.Game(discriminator_loss, generator_loss, latent_fn)


def make_ebgan(generator: nn.Module, autoencoder: nn.Module, *,
               latent_dim: int, margin: float, pull_away_weight: float = 0.0,
               **schedule) -> Algorithm:
  """EBGAN(-PT) with z ~ N(0, I_latent_dim).

  `schedule`: `generator_optimizer`, `discriminator_optimizer` and optionally
  `disc_steps`, `pretrain_steps`, `axis_name` (see `make_adversarial`).
  """
  game = ebgan_game(adversarial_lib.TrainMode(autoencoder),
                    adversarial_lib.gaussian_latent(latent_dim),
                    margin=margin, pull_away_weight=pull_away_weight)
  return adversarial_lib.make_adversarial(generator, autoencoder, game,
                                          **schedule)
