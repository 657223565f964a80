r"""Wasserstein GAN: critic and generator losses, weight clipping, gradient penalty.

The critic f_w estimates the Kantorovich-Rubinstein dual of the Wasserstein-1
distance, W(P_r, P_g) = sup_{||f||_L <= 1} E_{P_r}[f(x)] - E_{P_g}[f(x)].
The Lipschitz constraint is enforced either by clipping the critic's weights to
[-c, c] (WGAN) or by a soft penalty on the critic's gradient norm at random
interpolates between real and generated samples (WGAN-GP).

References:
  Arjovsky et al. 2017, "Wasserstein GAN", https://arxiv.org/abs/1701.07875
  Gulrajani et al. 2017, "Improved Training of Wasserstein GANs",
    https://arxiv.org/abs/1704.00028
"""
from typing import Callable

import chex
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike, PRNGKey, PyTree


def critic_loss(real_scores: ArrayLike, fake_scores: ArrayLike) -> Array:
  r"""WGAN critic loss, per example: f(G(z)) - f(x).

  Its batch mean is the negated estimate of the dual objective
  E_{P_r}[f(x)] - E_{P_g}[f(G(z))], so minimising it trains the critic.

  Args:
    real_scores: critic outputs f(x) on data samples, shape `[B]`.
    fake_scores: critic outputs f(G(z)) on generated samples, shape `[B]`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Arjovsky et al. 2017, Algorithm 1, https://arxiv.org/abs/1701.07875
  """
  chex.assert_rank([real_scores, fake_scores], 1)
  chex.assert_equal_shape([real_scores, fake_scores])
  return jnp.asarray(fake_scores) - jnp.asarray(real_scores)


def generator_loss(fake_scores: ArrayLike) -> Array:
  r"""WGAN generator loss, per example: -f(G(z)).

  Args:
    fake_scores: critic outputs f(G(z)) on generated samples, shape `[B]`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Arjovsky et al. 2017, Algorithm 1, https://arxiv.org/abs/1701.07875
  """
  chex.assert_rank(fake_scores, 1)
  return -jnp.asarray(fake_scores)


def clip_weights(params: PyTree, clip: float) -> PyTree:
  r"""Clips every leaf of a parameter pytree to [-c, c]: w <- clip(w, -c, c).

  Applied to the critic's parameters after each critic update (the paper uses
  c = 0.01). The tree structure, shapes and dtypes are unchanged.

  Args:
    params: the critic's parameters, any pytree of arrays.
    clip: the clipping constant c > 0.
  Returns:
    the clipped parameters, same structure as `params`.
  References:
    Arjovsky et al. 2017, Algorithm 1, https://arxiv.org/abs/1701.07875
  """
  if clip <= 0:
    raise ValueError(f"clip must be positive, got {clip}")
  return jax.tree.map(lambda w: jnp.clip(w, -clip, clip), params)


def random_interpolates(key: PRNGKey, real: ArrayLike,
                        fake: ArrayLike) -> tuple[Array, Array]:
  r"""Random points on the segments between paired real and fake samples.

  \hat{x}_i = \epsilon_i x_i + (1 - \epsilon_i) \tilde{x}_i with one
  \epsilon_i ~ U[0, 1] per example (shared by all pixels / features of it).

  Args:
    key: PRNG key for \epsilon.
    real: data samples, shape `[B, ...]`.
    fake: generated samples, same shape as `real`.
  Returns:
    `(x_hat, epsilon)`: interpolates of shape `[B, ...]` and the coefficients
    of shape `[B]`.
  References:
    Gulrajani et al. 2017, Algorithm 1, https://arxiv.org/abs/1704.00028
  """
  real, fake = jnp.asarray(real), jnp.asarray(fake)
  chex.assert_equal_shape([real, fake])
  epsilon = jax.random.uniform(key, real.shape[:1], dtype=real.dtype)
  eps = epsilon.reshape(epsilon.shape + (1,) * (real.ndim - 1))
  return eps * real + (1.0 - eps) * fake, epsilon


def gradient_norm_penalty(critic_fn: Callable[[Array], Array], x: ArrayLike,
                          *, target_norm: float = 1.0) -> Array:
  r"""Squared deviation of the critic's input-gradient norm, per example.

  (||\nabla_x f(x_i)||_2 - K)^2, the norm taken over all non-batch axes.

  The per-example gradients are obtained as the gradient of \sum_i f(x_i),
  which is exact only if `critic_fn` treats examples independently (no batch
  normalisation or other cross-example layers, as Gulrajani et al. note).

  Args:
    critic_fn: maps a batch `[B, ...]` to scores `[B]`.
    x: points at which to evaluate the gradient, shape `[B, ...]`.
    target_norm: the target Lipschitz constant K.
  Returns:
    per-example penalty, shape `[B]`.
  References:
    Gulrajani et al. 2017, Eq. 3, https://arxiv.org/abs/1704.00028
  """
  x = jnp.asarray(x)
  scores, vjp_fn = jax.vjp(critic_fn, x)
  chex.assert_rank(scores, 1)
  (grads,) = vjp_fn(jnp.ones_like(scores))  # = grad of sum_i f(x_i).
  sq_norm = jnp.sum(jnp.square(grads).reshape(x.shape[0], -1), axis=1)
  # sqrt has an infinite derivative at 0; the tiny offset keeps the penalty's
  # own gradient finite where the critic is locally flat.
  norm = jnp.sqrt(sq_norm + 1e-12)
  return jnp.square(norm - target_norm)


def gradient_penalty(key: PRNGKey, critic_fn: Callable[[Array], Array],
                     real: ArrayLike, fake: ArrayLike, *,
                     weight: float = 10.0, target_norm: float = 1.0) -> Array:
  r"""WGAN-GP gradient penalty, per example.

  \lambda (||\nabla_{\hat{x}} f(\hat{x}_i)||_2 - 1)^2 with
  \hat{x}_i = \epsilon_i x_i + (1 - \epsilon_i) \tilde{x}_i and one
  \epsilon_i ~ U[0, 1] per example. Add it to `critic_loss` (the critic
  minimises f(\tilde{x}) - f(x) + penalty). Gradients flow through the penalty
  into the critic's parameters (a double backward pass).

  Args:
    key: PRNG key for the interpolation coefficients.
    critic_fn: maps a batch `[B, ...]` to scores `[B]`; must not mix examples
      (no batch normalisation).
    real: data samples, shape `[B, ...]`.
    fake: generated samples, same shape as `real` (stop their gradient to the
      generator beforehand if the penalty should not train it).
    weight: the penalty coefficient \lambda (10 in the paper).
    target_norm: the target gradient norm (1 in the paper).
  Returns:
    per-example penalty, shape `[B]`.
  References:
    Gulrajani et al. 2017, Eq. 3 and Algorithm 1,
    https://arxiv.org/abs/1704.00028
  """
  x_hat, _ = random_interpolates(key, real, fake)
  return weight * gradient_norm_penalty(critic_fn, x_hat,
                                        target_norm=target_norm)
