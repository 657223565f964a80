r"""f-GAN: variational divergence minimisation for an f-divergence.

The critic outputs V(x) in R and T(x) = g_f(V(x)) in dom f^* (the output
activation of `gentk.losses.fgan`). With F(T) = E_P[T(x)] - E_Q[f^*(T(x))], a
lower bound on D_f(P || Q) (P the data, Q the generator):

* critic: maximise F, i.e. minimise -g_f(V(x)) + f^*(g_f(V(G(z))));
* generator: minimise -f^*(g_f(V(G(z)))) (the saddle point of F) or
  -g_f(V(G(z))) (the non-saturating cost of Nowozin et al., Sec. 3.2).

The critic's current bound F is logged as `discriminator/divergence`, the mean
critic output V on data and generated samples as `discriminator/real_v` /
`fake_v`. (Not T: for reverse KL and squared Hellinger T = -e^{-V} or
1 - e^{-V} overflows float32 once the critic is confident, V < -88, while
the losses stay finite; a non-finite metric would stop the run.)

References:
  Nowozin et al. 2016, "f-GAN: Training Generative Neural Samplers using
    Variational Divergence Minimization", Algorithm 1,
    https://arxiv.org/abs/1606.00709
"""
from typing import Callable

import flax.linen as nn
import jax.numpy as jnp

from gentk.algorithms import adversarial as adversarial_lib
from gentk.losses import fgan as fgan_losses
from gentk.types import Algorithm


def fgan_game(critic: nn.Module, latent_fn: Callable, *,
              divergence: fgan_losses.DivergenceLike,
              generator_cost: str = "nonsaturating") -> adversarial_lib.Game:
  """The f-GAN game; `critic` returns the pre-activations V `[B]`.

  Args:
    critic: the module V.
    latent_fn: `(key, B) -> (z, None)`.
    divergence: a name of `gentk.losses.fgan.DIVERGENCES` or an `FDivergence`.
    generator_cost: "saddle" or "nonsaturating".
  Returns:
    the `Game`.
  """
  d = fgan_losses.get_divergence(divergence)
  fgan_losses.generator_loss(jnp.zeros([1]), divergence=d,
                             cost=generator_cost)  # Validate.

  def discriminator_loss(d_variables, ctx):
    fake, real = ctx.samples, ctx.batch["x"]
    real_v = critic.apply(d_variables, real)
    fake_v = critic.apply(d_variables, fake)
    loss = jnp.mean(fgan_losses.discriminator_loss(real_v, fake_v,
                                                   divergence=d))
    return loss, {"divergence": -loss, "real_v": jnp.mean(real_v),
                  "fake_v": jnp.mean(fake_v)}

  def generator_loss(d_variables, ctx):
    fake = ctx.samples
    fake_v = critic.apply(d_variables, fake)
    return jnp.mean(fgan_losses.generator_loss(
        fake_v, divergence=d, cost=generator_cost)), {}

  return adversarial_lib.Game(discriminator_loss, generator_loss, latent_fn)


def make_fgan(generator: nn.Module, critic: nn.Module, *, latent_dim: int,
              divergence: fgan_losses.DivergenceLike,
              generator_cost: str = "nonsaturating", **schedule) -> Algorithm:
  """f-GAN with z ~ N(0, I_latent_dim).

  `schedule`: `generator_optimizer`, `discriminator_optimizer` and optionally
  `disc_steps`, `pretrain_steps`, `axis_name` (see `make_adversarial`).
  """
  game = fgan_game(adversarial_lib.TrainMode(critic),
                   adversarial_lib.gaussian_latent(latent_dim),
                   divergence=divergence, generator_cost=generator_cost)
  return adversarial_lib.make_adversarial(generator, critic, game, **schedule)
