r"""InfoGAN: latent codes and the variational mutual-information lower bound.

The generator G(z, c) receives structured codes c besides the noise z; an
auxiliary head Q(c | x) (sharing the discriminator's body) lower-bounds the
mutual information between codes and samples:

  I(c; G(z, c)) >= L_I(G, Q) = E_{c ~ p(c), x ~ G(z, c)}[log Q(c | x)] + H(c).

Both G and Q maximise L_I (weighted by lambda); H(c) is a constant. Codes are
uniform categoricals (one-hot into G) and uniform continuous variables on
[low, high] (the paper uses [-1, 1]); Q is a softmax for each categorical
code and a factored Gaussian for the continuous ones.

References:
  Chen et al. 2016, "InfoGAN: Interpretable Representation Learning by
    Information Maximizing Generative Adversarial Nets",
    https://arxiv.org/abs/1606.03657
"""
import math
from typing import NamedTuple, Optional, Sequence

import chex
import jax
import jax.numpy as jnp

from gentk.types import Array, ArrayLike, PRNGKey

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


class LatentCodes(NamedTuple):
  """A batch of InfoGAN codes.

  Attributes:
    categorical: class indices, int32 of shape `[B, len(categories)]`.
    continuous: real codes, shape `[B, num_continuous]`.
  """
  categorical: Array
  continuous: Array


def categorical_log_likelihood(logits: ArrayLike, codes: ArrayLike) -> Array:
  r"""log Q(c | x) of a categorical code, per example: log softmax(l)_c.

  Args:
    logits: Q head logits, shape `[B, K]`.
    codes: code indices in [0, K), integer shape `[B]`.
  Returns:
    per-example log-likelihood, shape `[B]`.
  References:
    Chen et al. 2016, Sec. 5, https://arxiv.org/abs/1606.03657
  """
  chex.assert_rank([logits, codes], [2, 1])
  chex.assert_equal_shape_prefix([logits, codes], 1)
  log_q = jax.nn.log_softmax(jnp.asarray(logits), axis=-1)
  return jnp.take_along_axis(log_q, jnp.asarray(codes)[:, None], axis=-1)[:, 0]


def gaussian_log_likelihood(mean: ArrayLike, codes: ArrayLike, *,
                            log_std: Optional[ArrayLike] = None,
                            std: float = 1.0) -> Array:
  r"""log Q(c | x) of continuous codes under a factored Gaussian, per example.

  \sum_d -(c_d - \mu_d)^2 / (2 \sigma_d^2) - log \sigma_d - log(2 \pi) / 2.

  Args:
    mean: Q head means \mu, shape `[B, D]`.
    codes: the codes c that generated the samples, shape `[B, D]`.
    log_std: learned log-standard deviations, shape `[B, D]`; if `None`, the
      fixed `std` is used (the paper notes a fixed std is often sufficient).
    std: fixed standard deviation when `log_std` is `None`.
  Returns:
    per-example log-likelihood, shape `[B]`.
  References:
    Chen et al. 2016, Sec. 6, https://arxiv.org/abs/1606.03657
  """
  chex.assert_rank([mean, codes], 2)
  chex.assert_equal_shape([mean, codes])
  mean, codes = jnp.asarray(mean), jnp.asarray(codes)
  if log_std is None:
    log_std = jnp.full_like(mean, math.log(std))
  log_std = jnp.asarray(log_std)
  chex.assert_equal_shape([mean, log_std])
  z = (codes - mean) * jnp.exp(-log_std)
  return jnp.sum(-0.5 * jnp.square(z) - log_std - _HALF_LOG_2PI, axis=-1)


def sample_codes(key: PRNGKey, batch_size: int, *,
                 categories: Sequence[int] = (10,), num_continuous: int = 2,
                 low: float = -1.0, high: float = 1.0) -> LatentCodes:
  r"""Draws codes from the prior: uniform categoricals and U[low, high]^D.

  Args:
    key: PRNG key.
    batch_size: number of code vectors B.
    categories: number of classes of each categorical code (the paper's MNIST
      model uses one code with 10 classes).
    num_continuous: number D of continuous codes (2 on MNIST).
    low: lower end of the continuous codes' range.
    high: upper end of the continuous codes' range.
  Returns:
    `LatentCodes` with `categorical` `[B, len(categories)]` and `continuous`
    `[B, num_continuous]`.
  References:
    Chen et al. 2016, Sec. 7.1, https://arxiv.org/abs/1606.03657
  """
  cat_key, cont_key = jax.random.split(key)
  maxval = jnp.asarray(categories, jnp.int32).reshape(1, len(categories))
  categorical = jax.random.randint(cat_key, (batch_size, len(categories)), 0,
                                   maxval, dtype=jnp.int32)
  continuous = jax.random.uniform(cont_key, (batch_size, num_continuous),
                                  minval=low, maxval=high)
  return LatentCodes(categorical, continuous)


def codes_to_input(codes: LatentCodes, *, categories: Sequence[int]) -> Array:
  r"""Generator input of the codes: one-hot categoricals, then continuous codes.

  Args:
    codes: `LatentCodes` with `len(categories)` categorical codes.
    categories: number of classes of each categorical code.
  Returns:
    shape `[B, sum(categories) + num_continuous]`; concatenate with z.
  """
  chex.assert_rank([codes.categorical, codes.continuous], 2)
  chex.assert_axis_dimension(codes.categorical, 1, len(categories))
  one_hots = [jax.nn.one_hot(codes.categorical[:, j], k,
                             dtype=codes.continuous.dtype)
              for j, k in enumerate(categories)]
  return jnp.concatenate(one_hots + [codes.continuous], axis=-1)


def code_log_likelihood(codes: LatentCodes, categorical_logits: ArrayLike,
                        continuous_mean: ArrayLike, *,
                        categories: Sequence[int],
                        continuous_log_std: Optional[ArrayLike] = None,
                        continuous_std: float = 1.0,
                        categorical_weight: float = 1.0,
                        continuous_weight: float = 1.0) -> Array:
  r"""Weighted log Q(c | x) of all codes, per example.

  \lambda_{cat} \sum_j log Q(c_j | x) + \lambda_{cont} log Q(c_{cont} | x).
  The InfoGAN term to *minimise* (for both G and Q) is minus this; the paper
  uses lambda = 1 for discrete codes and a smaller one for continuous codes.

  Args:
    codes: the `LatentCodes` that generated the samples x.
    categorical_logits: Q head logits of all categorical codes, concatenated
      along the last axis in the order of `categories`, shape
      `[B, sum(categories)]`.
    continuous_mean: Q head means of the continuous codes, shape `[B, D]`.
    categories: number of classes of each categorical code.
    continuous_log_std: optional learned log-stds, shape `[B, D]`.
    continuous_std: fixed std when `continuous_log_std` is `None`.
    categorical_weight: lambda of the categorical codes.
    continuous_weight: lambda of the continuous codes.
  Returns:
    per-example weighted log-likelihood, shape `[B]`.
  References:
    Chen et al. 2016, Eq. 6, https://arxiv.org/abs/1606.03657
  """
  categorical_logits = jnp.asarray(categorical_logits)
  chex.assert_axis_dimension(categorical_logits, 1, sum(categories))
  chex.assert_axis_dimension(codes.categorical, 1, len(categories))
  splits = [sum(categories[:j]) for j in range(1, len(categories))]
  cat = jnp.zeros(categorical_logits.shape[:1], categorical_logits.dtype)
  for j, logits in enumerate(jnp.split(categorical_logits, splits, axis=-1)):
    cat = cat + categorical_log_likelihood(logits, codes.categorical[:, j])
  cont = gaussian_log_likelihood(continuous_mean, codes.continuous,
                                 log_std=continuous_log_std,
                                 std=continuous_std)
  return categorical_weight * cat + continuous_weight * cont


def code_entropy(*, categories: Sequence[int], num_continuous: int,
                 low: float = -1.0, high: float = 1.0) -> float:
  r"""Entropy H(c) of the code prior of `sample_codes`, in nats.

  H(c) = \sum_j log K_j + D log(high - low) (the continuous part is a
  differential entropy).

  Args:
    categories: number of classes of each categorical code.
    num_continuous: number D of continuous codes.
    low: lower end of the continuous codes' range.
    high: upper end of the continuous codes' range.
  Returns:
    H(c), a Python float.
  """
  return (sum(math.log(k) for k in categories)
          + num_continuous * math.log(high - low))


def mutual_information_lower_bound(log_q: ArrayLike,
                                   entropy: float) -> Array:
  r"""L_I = E[log Q(c | x)] + H(c) <= I(c; x) (a batch statistic, scalar).

  Args:
    log_q: per-example log Q(c | x) (unweighted), shape `[B]`.
    entropy: H(c) of the codes that `log_q` scores (see `code_entropy`).
  Returns:
    scalar estimate of the bound.
  References:
    Chen et al. 2016, Lemma 5.1 and Eq. 5, https://arxiv.org/abs/1606.03657
  """
  chex.assert_rank(log_q, 1)
  return jnp.mean(log_q) + entropy
