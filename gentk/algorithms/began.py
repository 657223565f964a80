r"""BEGAN: boundary equilibrium with an autoencoder discriminator.

With L(v) = mean |v - D(v)|^\eta the autoencoder's reconstruction loss,

* discriminator: minimise L(x) - k_t L(G(z_D));
* generator: minimise L(G(z_G));
* k_{t+1} = clip(k_t + \lambda_k (\gamma L(x) - L(G(z))), 0, 1), once per
  generator step, k_0 = 0; k_t lives in the algorithm state
  (`state.extras["k"]`), so a checkpoint resumes the controller exactly;
* the convergence measure M = L(x) + |\gamma L(x) - L(G(z))| is logged every
  step as `discriminator/convergence`.

L(x) and L(G(z)) in the control and in M are the batch means of the last
discriminator step (data batch and its generated batch z_D, before that
step's update), as in the authors' reference implementation; the paper writes
L(G(z_G)), an independent draw of the same distribution.

References:
  Berthelot et al. 2017, "BEGAN: Boundary Equilibrium Generative Adversarial
    Networks", Eq. 4 and Sec. 3.4.1, https://arxiv.org/abs/1703.10717
"""
from typing import Callable

import flax.linen as nn
import jax.numpy as jnp

from gentk.algorithms import adversarial as adversarial_lib
from gentk.losses import energy as energy_losses
from gentk.types import Algorithm


def began_game(autoencoder: nn.Module, latent_fn: Callable, *,
               gamma: float = 0.5, lambda_k: float = 1e-3, eta: float = 1.0,
               k_init: float = 0.0) -> adversarial_lib.Game:
  r"""The BEGAN game.

  Args:
    autoencoder: returns `(reconstruction, code)` for a batch, e.g.
      `gentk.models.autoencoder.Autoencoder`.
    latent_fn: `(key, B) -> (z, None)`.
    gamma: the diversity ratio \gamma = E[L(G(z))] / E[L(x)] aimed at.
    lambda_k: the gain \lambda_k of the k_t control.
    eta: the exponent of L (1 in the paper).
    k_init: k_0 in [0, 1].
  Returns:
    the `Game`; extras `{"k": k_t}`; the discriminator's metrics are
    `real_loss` L(x), `fake_loss` L(G(z_D)), `k` (the k_t used) and
    `convergence` M.
  """
  if not 0.0 <= k_init <= 1.0:
    raise ValueError(f"k_init must be in [0, 1], got {k_init}")
  if isinstance(gamma, (int, float)) and gamma <= 0:  # Else a swept value.
    raise ValueError(f"gamma must be positive, got {gamma}")

  def reconstruction_loss(d_variables, x):
    reconstruction, _ = autoencoder.apply(d_variables, x)
    return energy_losses.autoencoder_loss(x, reconstruction, eta=eta)

  def discriminator_loss(d_variables, ctx):
    fake, extras, real = ctx.samples, ctx.extras, ctx.batch["x"]
    real_loss = reconstruction_loss(d_variables, real)
    fake_loss = reconstruction_loss(d_variables, fake)
    loss = jnp.mean(energy_losses.began_discriminator_loss(
        real_loss, fake_loss, extras["k"]))
    return loss, {"real_loss": jnp.mean(real_loss),
                  "fake_loss": jnp.mean(fake_loss), "k": extras["k"],
                  "convergence": energy_losses.began_convergence_measure(
                      real_loss, fake_loss, gamma=gamma)}

  def generator_loss(d_variables, ctx):
    fake = ctx.samples
    return jnp.mean(energy_losses.began_generator_loss(
        reconstruction_loss(d_variables, fake))), {}

  def update_extras(extras, d_metrics, g_metrics):
    del g_metrics
    # Batch means as one-element batches: the update only uses their means.
    return {"k": energy_losses.began_k_update(
        extras["k"], d_metrics["real_loss"][None], d_metrics["fake_loss"][None],
        gamma=gamma, lambda_k=lambda_k)}

  return adversarial_lib.Game(
      discriminator_loss, generator_loss, latent_fn,
      init_extras=lambda: {"k": jnp.asarray(k_init, jnp.float32)},
      update_extras=update_extras)


def make_began(generator: nn.Module, autoencoder: nn.Module, *,
               latent_dim: int, gamma: float = 0.5, lambda_k: float = 1e-3,
               k_init: float = 0.0, **schedule) -> Algorithm:
  """BEGAN with z ~ N(0, I_latent_dim); `k_init` is k_0 (with `lambda_k` 0,
  a fixed k).

  `schedule`: `generator_optimizer`, `discriminator_optimizer` and optionally
  `disc_steps`, `pretrain_steps`, `axis_name` (see `make_adversarial`).
  """
  game = began_game(adversarial_lib.TrainMode(autoencoder),
                    adversarial_lib.gaussian_latent(latent_dim),
                    gamma=gamma, lambda_k=lambda_k, k_init=k_init)
  return adversarial_lib.make_adversarial(generator, autoencoder, game,
                                          **schedule)
