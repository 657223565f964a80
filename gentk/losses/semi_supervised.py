r"""Semi-supervised (K+1)-class GAN and feature matching.

The discriminator is a K-class classifier with logits l_1..l_K; generated
samples form a class K+1 whose logit is fixed at 0 (the softmax is invariant to
a common shift, so this loses nothing). With Z(x) = \sum_k exp(l_k(x)):

  p(y = K+1 | x) = 1 / (Z(x) + 1),   D(x) = 1 - p(y = K+1 | x) = Z / (Z + 1),

i.e. D(x) = sigmoid(logsumexp(l(x))). The discriminator loss is
L = L_supervised + L_unsupervised:

  L_supervised   = -E_{x, y ~ labelled} log p(y | x, y < K+1),
  L_unsupervised = -E_{x ~ unlabelled} log D(x) - E_{z} log(1 - D(G(z))).

References:
  Salimans et al. 2016, "Improved Techniques for Training GANs", Sec. 3.1 and
    Sec. 5, https://arxiv.org/abs/1606.03498
"""
import chex
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike


def discriminator_logit(class_logits: ArrayLike) -> Array:
  r"""The real-vs-fake logit logsumexp(l) = log Z(x), so D(x) = sigmoid(log Z).

  Args:
    class_logits: logits of the K real classes, shape `[B, K]`.
  Returns:
    per-example logit, shape `[B]`.
  References:
    Salimans et al. 2016, Sec. 5, https://arxiv.org/abs/1606.03498
  """
  chex.assert_rank(class_logits, 2)
  return jax.nn.logsumexp(jnp.asarray(class_logits), axis=-1)


def supervised_loss(class_logits: ArrayLike, labels: ArrayLike) -> Array:
  r"""Supervised loss on labelled data, per example: -log p(y | x, y < K+1).

  The cross-entropy of the softmax over the K real classes (the fake class
  drops out of the conditional).

  Args:
    class_logits: logits of the K real classes, shape `[B, K]`.
    labels: integer labels in [0, K), shape `[B]`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Salimans et al. 2016, Sec. 5, https://arxiv.org/abs/1606.03498
  """
  chex.assert_rank([class_logits, labels], [2, 1])
  chex.assert_equal_shape_prefix([class_logits, labels], 1)
  log_p = jax.nn.log_softmax(jnp.asarray(class_logits), axis=-1)
  return -jnp.take_along_axis(log_p, jnp.asarray(labels)[:, None], axis=-1)[:, 0]


def unsupervised_real_loss(class_logits: ArrayLike) -> Array:
  r"""Unsupervised loss on unlabelled data, per example: -log D(x).

  -log(Z / (Z + 1)) = softplus(-log Z). Applied to generated samples it is
  the non-saturating generator loss -log D(G(z)).

  Args:
    class_logits: logits of the K real classes, shape `[B, K]`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Salimans et al. 2016, Sec. 5, https://arxiv.org/abs/1606.03498
  """
  return jax.nn.softplus(-discriminator_logit(class_logits))


def unsupervised_fake_loss(class_logits: ArrayLike) -> Array:
  r"""Unsupervised loss on generated data, per example: -log(1 - D(G(z))).

  -log(1 / (Z + 1)) = softplus(log Z).

  Args:
    class_logits: logits of the K real classes on generated samples, shape
      `[B, K]`.
  Returns:
    per-example loss, shape `[B]`.
  References:
    Salimans et al. 2016, Sec. 5, https://arxiv.org/abs/1606.03498
  """
  return jax.nn.softplus(discriminator_logit(class_logits))


def feature_matching_loss(real_features: ArrayLike,
                          fake_features: ArrayLike) -> Array:
  r"""Feature matching generator loss (a batch statistic, scalar).

  || E_{x ~ data} f(x) - E_{z} f(G(z)) ||_2^2, with f an intermediate layer of
  the discriminator and the expectations replaced by batch means. Stop the
  gradient of `real_features` when only the generator should train on it.

  Args:
    real_features: f(x) on data samples, shape `[B, ...]`.
    fake_features: f(G(z)) on generated samples, shape `[B', ...]` with the
      same trailing shape.
  Returns:
    scalar.
  References:
    Salimans et al. 2016, Sec. 3.1, https://arxiv.org/abs/1606.03498
  """
  real_features = jnp.asarray(real_features)
  fake_features = jnp.asarray(fake_features)
  chex.assert_equal_shape_suffix([real_features, fake_features],
                                 real_features.ndim - 1)
  diff = jnp.mean(real_features, axis=0) - jnp.mean(fake_features, axis=0)
  return jnp.sum(jnp.square(diff))
