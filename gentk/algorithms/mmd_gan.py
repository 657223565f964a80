r"""MMD adversarial training: the generator minimises an unbiased MMD^2.

With k a mixture of RBF kernels (`gentk.losses.mmd`) and \phi a feature map,

* generator: minimise MMD^2_u(\phi(x), \phi(G(z))) between the data batch of
  the last critic step and a generated batch;
* `learned=False` (generative moment matching network): \phi(x) = x, raw
  samples; there is no adversary (the critic's loss is 0 and its parameters
  are unused);
* `learned=True` (MMD GAN): \phi(x) = [x, f_w(x)] with f_w the critic's
  features; the critic maximises the same MMD^2 (minimises -MMD^2), its
  weights clipped to [-c, c] after each update as in Li et al. (2017). Keeping
  x in \phi keeps the kernel characteristic whatever f_w learns (the role the
  paper gives to its autoencoder, which is left out here).

MMD^2_u is logged as `generator/mmd2` (and `discriminator/mmd2` when learned).

References:
  Li et al. 2015, "Generative Moment Matching Networks",
    https://arxiv.org/abs/1502.02761
  Dziugaite et al. 2015, "Training generative neural networks via Maximum Mean
    Discrepancy optimization", https://arxiv.org/abs/1505.03906
  Li et al. 2017, "MMD GAN: Towards Deeper Understanding of Moment Matching
    Network", Algorithm 1, https://arxiv.org/abs/1705.08584
"""
import functools
from typing import Callable, Sequence

import flax.linen as nn
import jax.numpy as jnp

from gentk.algorithms import adversarial as adversarial_lib
from gentk.losses import mmd
from gentk.losses import wasserstein
from gentk.types import Algorithm


def mmd_game(critic: nn.Module, latent_fn: Callable, *,
             bandwidths: Sequence[float], learned: bool = True,
             clip: float | None = None) -> adversarial_lib.Game:
  r"""The MMD game.

  Args:
    critic: returns `(logits [B], features [B, F])` (e.g.
      `gentk.models.mlp.FeatureMLP`); only the features are used.
    latent_fn: `(key, B) -> (z, None)`.
    bandwidths: the RBF bandwidths \sigma_s of the kernel mixture.
    learned: MMD on `[x, f_w(x)]` with an adversarial critic; else on x.
    clip: c of the critic's weight clipping (learned only), `None` for none.
  Returns:
    the `Game` (its generator loss receives the real batch).
  """
  if clip is not None and clip <= 0:
    raise ValueError(f"clip must be positive, got {clip}")
  bandwidths = tuple(bandwidths)

  def phi(d_variables, x):
    if not learned:
      return x
    _, features = critic.apply(d_variables, x)
    return jnp.concatenate([x.reshape(x.shape[0], -1), features], axis=-1)

  def mmd2(d_variables, real, fake):
    return mmd.mmd2(phi(d_variables, real), phi(d_variables, fake),
                    bandwidths=bandwidths)

  def discriminator_loss(d_variables, ctx):
    fake, real = ctx.samples, ctx.batch["x"]
    if not learned:
      return jnp.zeros([]), {}
    value = mmd2(d_variables, real, fake)
    return -value, {"mmd2": value}

  def generator_loss(d_variables, ctx):
    fake, real = ctx.samples, ctx.batch["x"]
    value = mmd2(d_variables, real, fake)
    return value, {"mmd2": value}

  project = (lambda params: params) if clip is None or not learned else (
      functools.partial(wasserstein.clip_weights, clip=clip))
  return adversarial_lib.Game(discriminator_loss, generator_loss, latent_fn,
                              project=project)


def make_mmd_gan(generator: nn.Module, critic: nn.Module, *, latent_dim: int,
                 bandwidths: Sequence[float], learned: bool = True,
                 clip: float | None = None, **schedule) -> Algorithm:
  """MMD GAN (or, with `learned=False`, the MMD^2 generator) with
  z ~ N(0, I_latent_dim).

  `schedule`: `generator_optimizer`, `discriminator_optimizer` and optionally
  `disc_steps`, `pretrain_steps`, `axis_name` (see `make_adversarial`).
  """
  game = mmd_game(adversarial_lib.TrainMode(critic),
                  adversarial_lib.gaussian_latent(latent_dim),
                  bandwidths=bandwidths, learned=learned, clip=clip)
  return adversarial_lib.make_adversarial(generator, critic, game, **schedule)
