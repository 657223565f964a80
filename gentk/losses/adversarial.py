r"""The GAN game: discriminator cross-entropy and the generator costs.

All losses take discriminator *logits* l = sigma^{-1}(D(x)) and are written in
log-sigmoid form: log D = log_sigmoid(l), log(1 - D) = log_sigmoid(-l).

References:
  Goodfellow et al. 2014, "Generative Adversarial Nets",
    https://arxiv.org/abs/1406.2661
  Goodfellow 2016, "NIPS 2016 Tutorial: Generative Adversarial Networks"
    (Section 3.2.3, the maximum-likelihood cost), https://arxiv.org/abs/1701.00160
  Hjelm et al. 2018, "Boundary-Seeking Generative Adversarial Networks",
    https://arxiv.org/abs/1702.08431
"""
import chex
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike


def discriminator_loss(real_logits: ArrayLike, fake_logits: ArrayLike) -> Array:
  r"""Discriminator cross-entropy, per example: -log D(x) - log(1 - D(G(z))).

  Args:
    real_logits: logits on data samples, shape `[B]`.
    fake_logits: logits on generated samples, shape `[B]`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Goodfellow et al. 2014, Eq. 1.
  """
  chex.assert_rank([real_logits, fake_logits], 1)
  chex.assert_equal_shape([real_logits, fake_logits])
  return -jax.nn.log_sigmoid(real_logits) - jax.nn.log_sigmoid(-fake_logits)


def minimax_generator_loss(fake_logits: ArrayLike) -> Array:
  r"""Minimax generator cost, per example: log(1 - D(G(z))).

  Saturates (vanishing gradient) when D confidently rejects samples.

  Args:
    fake_logits: logits on generated samples, shape `[B]`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Goodfellow et al. 2014, Eq. 1.
  """
  chex.assert_rank(fake_logits, 1)
  return jax.nn.log_sigmoid(-fake_logits)  # log(1 - sigmoid(l))


def nonsaturating_generator_loss(fake_logits: ArrayLike) -> Array:
  r"""Non-saturating generator cost, per example: -log D(G(z)).

  Args:
    fake_logits: logits on generated samples, shape `[B]`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Goodfellow et al. 2014, Section 3.
  """
  chex.assert_rank(fake_logits, 1)
  return -jax.nn.log_sigmoid(fake_logits)


def maximum_likelihood_generator_loss(fake_logits: ArrayLike) -> Array:
  r"""Maximum-likelihood generator cost, per example: -exp(sigma^{-1}(D(G(z)))).

  With an optimal discriminator, D/(1-D) = p_data/p_g = exp(l), so its gradient
  matches that of KL(p_data || p_g) (Goodfellow 2016, Section 3.2.3).

  Args:
    fake_logits: logits on generated samples, shape `[B]`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Goodfellow 2016, "NIPS 2016 Tutorial", https://arxiv.org/abs/1701.00160
  """
  chex.assert_rank(fake_logits, 1)
  return -jnp.exp(fake_logits)  # sigma^{-1}(D) is the logit itself.


def boundary_seeking_generator_loss(fake_logits: ArrayLike) -> Array:
  r"""Continuous boundary-seeking generator cost, per example:
  $\frac12 (\log D(G(z)) - \log(1 - D(G(z))))^2 = \frac12 l^2$.

  With an optimal discriminator, $D/(1-D) = p_\text{data}/p_g$, so the cost
  is zero exactly where the generator's samples lie on the decision boundary
  $D = 1/2$ ($p_g = p_\text{data}$); it pulls samples towards it from both
  sides instead of pushing them as far into "real" as possible.

  Args:
    fake_logits: logits on generated samples, shape `[B]`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Hjelm et al. 2018, Eq. 7.
  """
  chex.assert_rank(fake_logits, 1)
  # log D - log(1 - D) = log_sigmoid(l) - log_sigmoid(-l) = l exactly.
  return 0.5 * jnp.square(fake_logits)


GENERATOR_LOSSES = {
    "minimax": minimax_generator_loss,
    "nonsaturating": nonsaturating_generator_loss,
    "maximum_likelihood": maximum_likelihood_generator_loss,
    "boundary_seeking": boundary_seeking_generator_loss,
}


def generator_loss(fake_logits: ArrayLike, *, cost: str) -> Array:
  """Dispatches to one of `GENERATOR_LOSSES` by name (see their docstrings)."""
  if cost not in GENERATOR_LOSSES:
    raise ValueError(f"unknown generator cost {cost!r}: choose one of "
                     f"{sorted(GENERATOR_LOSSES)}")
  return GENERATOR_LOSSES[cost](fake_logits)
