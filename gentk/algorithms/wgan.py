r"""Wasserstein GAN with a Lipschitz critic: weight clipping (WGAN) or gradient
penalty (WGAN-GP).

Critic: minimise E_z[f(G(z))] - E_x[f(x)] (+ the penalty), n_critic times per
generator step; generator: minimise -E_z[f(G(z))]. The critic's estimate of
W(P_r, P_g) = E_x[f(x)] - E_z[f(G(z))] is logged as `discriminator/wasserstein`.

* WGAN: after every critic update w <- clip(w, -c, c) (c = 0.01), RMSProp with
  lr 5e-5, n_critic = 5 (Arjovsky et al., Algorithm 1).
* WGAN-GP: + \lambda (||\nabla f(\hat{x})|| - 1)^2 at \hat{x} = \epsilon x +
  (1 - \epsilon) G(z), one \epsilon per example, \lambda = 10, Adam(1e-4,
  b1 = 0, b2 = 0.9), n_critic = 5 (Gulrajani et al., Algorithm 1).

References:
  Arjovsky et al. 2017, "Wasserstein GAN", https://arxiv.org/abs/1701.07875
  Gulrajani et al. 2017, "Improved Training of Wasserstein GANs",
    https://arxiv.org/abs/1704.00028
"""
import functools
from typing import Callable

import flax.linen as nn
import jax.numpy as jnp
import optax

from gentk.algorithms import adversarial as adversarial_lib
from gentk.losses import wasserstein
from gentk.types import Algorithm


def wgan_game(critic: nn.Module, latent_fn: Callable, *,
              clip: float | None = None,
              penalty_weight: float | None = None) -> adversarial_lib.Game:
  r"""The Wasserstein game; `critic` returns unbounded scores `[B]`.

  Args:
    critic: the critic module f_w.
    latent_fn: `(key, B) -> (z, None)`.
    clip: c of the weight clipping (WGAN), or `None` for no clipping.
    penalty_weight: \lambda of the gradient penalty (WGAN-GP), or `None`.
  Returns:
    the `Game`; the critic's metrics are `wasserstein` (the estimate of W),
    `penalty` (the mean penalty, 0 without one) and the mean scores.
  """
  if clip is not None and clip <= 0:
    raise ValueError(f"clip must be positive, got {clip}")
  if isinstance(penalty_weight, (int, float)) and penalty_weight < 0:
    raise ValueError(f"penalty_weight must be >= 0, got {penalty_weight}")

  def discriminator_loss(d_variables, ctx):
    fake, key, real = ctx.samples, ctx.key, ctx.batch["x"]
    critic_fn = functools.partial(critic.apply, d_variables)
    real_scores, fake_scores = critic_fn(real), critic_fn(fake)
    loss = jnp.mean(wasserstein.critic_loss(real_scores, fake_scores))
    penalty = jnp.zeros([])
    if penalty_weight is not None:
      penalty = jnp.mean(wasserstein.gradient_penalty(
          key, critic_fn, real, fake, weight=penalty_weight))
    return loss + penalty, {"wasserstein": -loss, "penalty": penalty,
                            "real_score": real_scores.mean(),
                            "fake_score": fake_scores.mean()}

  def generator_loss(d_variables, ctx):
    fake = ctx.samples
    return jnp.mean(wasserstein.generator_loss(
        critic.apply(d_variables, fake))), {}

  project = (lambda params: params) if clip is None else functools.partial(
      wasserstein.clip_weights, clip=clip)
  return adversarial_lib.Game(discriminator_loss, generator_loss, latent_fn,
                              project=project)


def make_wgan(generator: nn.Module, critic: nn.Module, *, latent_dim: int,
              clip: float | None = 0.01, penalty_weight: float | None = None,
              **schedule) -> Algorithm:
  """WGAN (defaults: clipping at 0.01, n_critic = 5, RMSProp(5e-5)).

  For WGAN-GP use `make_wgan_gp`. z ~ N(0, I_latent_dim); `schedule`:
  `generator_optimizer`, `discriminator_optimizer`, `disc_steps`,
  `pretrain_steps`, `axis_name` (see `make_adversarial`), defaults as above.
  """
  game = wgan_game(adversarial_lib.TrainMode(critic),
                   adversarial_lib.gaussian_latent(latent_dim),
                   clip=clip, penalty_weight=penalty_weight)
  schedule = {"disc_steps": 5, "generator_optimizer": optax.rmsprop(5e-5),
              "discriminator_optimizer": optax.rmsprop(5e-5), **schedule}
  return adversarial_lib.make_adversarial(generator, critic, game, **schedule)


def make_wgan_gp(generator: nn.Module, critic: nn.Module, *, latent_dim: int,
                 penalty_weight: float = 10.0, **schedule) -> Algorithm:
  """WGAN-GP (defaults: lambda = 10, n_critic = 5, Adam(1e-4, 0, 0.9)).

  The critic must treat examples independently (no batch normalisation).
  """
  adam = optax.adam(1e-4, b1=0.0, b2=0.9)
  schedule = {"generator_optimizer": adam, "discriminator_optimizer": adam,
              **schedule}
  return make_wgan(generator, critic, latent_dim=latent_dim, clip=None,
                   penalty_weight=penalty_weight, **schedule)
