r"""InfoGAN: a GAN whose generator input carries codes c that Q(c | x) recovers.

The generator sees [z, c] with c = (uniform categorical codes, continuous codes
~ U[low, high]); one discriminator module with a shared body returns the GAN
logit and the parameters of Q(c | x) (softmax logits per categorical code,
means (and optionally log-stds) of a factored Gaussian for the continuous
codes). With L_I(G, Q) = E_{c ~ p(c), x ~ G(z, c)}[log Q(c | x)] + H(c), a
lower bound on the mutual information I(c; G(z, c)), both players minimise

  D, Q:  L_D(D) - \lambda L_I(G, Q),        G:  L_G(G) - \lambda L_I(G, Q),

where L_D, L_G are the GAN costs (`gentk.losses.adversarial`) and \lambda is
`categorical_weight` for the categorical codes and `continuous_weight` for
the continuous ones (the paper uses 1 for discrete codes and a smaller one
for continuous codes).

Evaluation: the categorical code of Q as an unsupervised classifier, scored
with the best one-to-one assignment of code values to labels
(`permutation_accuracy`).

References:
  Chen et al. 2016, "InfoGAN: Interpretable Representation Learning by
    Information Maximizing Generative Adversarial Nets", Eqs. 5-6, Sec. 7.1,
    https://arxiv.org/abs/1606.03657
"""
from typing import Callable, NamedTuple, Sequence

import chex
import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import scipy.optimize

from gentk.algorithms import adversarial as adversarial_lib
from gentk.losses import adversarial
from gentk.losses import information
from gentk.types import Algorithm, Array, ArrayLike, PRNGKey


class CodeSpec(NamedTuple):
  """The InfoGAN codes and their Q head.

  Attributes:
    categories: number of classes of each categorical code (MNIST: `(10,)`).
    num_continuous: number D of continuous codes (MNIST: 2).
    low: lower end of the continuous codes' uniform prior.
    high: upper end.
    learn_std: Q's Gaussian has learned log-stds (else a fixed `std`).
    std: the fixed standard deviation when `learn_std` is False.
  """
  categories: Sequence[int] = (10,)
  num_continuous: int = 2
  low: float = -1.0
  high: float = 1.0
  learn_std: bool = False
  std: float = 1.0

  @property
  def q_size(self) -> int:
    """Number of Q parameters the discriminator's Q head outputs."""
    return sum(self.categories) + self.num_continuous * (
        2 if self.learn_std else 1)

  @property
  def input_size(self) -> int:
    """Width of the codes in the generator's input (one-hots, then reals)."""
    return sum(self.categories) + self.num_continuous


class QParams(NamedTuple):
  """The Q head's output split by code kind.

  Attributes:
    categorical_logits: `[B, sum(categories)]`.
    continuous_mean: `[B, D]`.
    continuous_log_std: `[B, D]`, or None for a fixed std.
  """
  categorical_logits: Array
  continuous_mean: Array
  continuous_log_std: Array | None


def split_q(q: ArrayLike, spec: CodeSpec) -> QParams:
  """Splits the Q head's output `[B, spec.q_size]` into `QParams`."""
  q = jnp.asarray(q)
  chex.assert_rank(q, 2)
  chex.assert_axis_dimension(q, 1, spec.q_size)
  k, d = sum(spec.categories), spec.num_continuous
  log_std = q[:, k + d:] if spec.learn_std else None
  return QParams(q[:, :k], q[:, k:k + d], log_std)


def code_log_likelihood(q: ArrayLike, codes: information.LatentCodes,
                        spec: CodeSpec, *, categorical_weight: float = 1.0,
                        continuous_weight: float = 1.0) -> Array:
  r"""Weighted log Q(c | x) per example, from the Q head's raw output.

  Args:
    q: the Q head's output on x = G(z, c), shape `[B, spec.q_size]`.
    codes: the codes c, `LatentCodes` with batch B.
    spec: the codes' `CodeSpec`.
    categorical_weight: \lambda of the categorical codes.
    continuous_weight: \lambda of the continuous codes.
  Returns:
    \lambda_cat log Q(c_cat | x) + \lambda_cont log Q(c_cont | x), `[B]`.
  References:
    Chen et al. 2016, Eq. 6, https://arxiv.org/abs/1606.03657
  """
  p = split_q(q, spec)
  return information.code_log_likelihood(
      codes, p.categorical_logits, p.continuous_mean,
      categories=tuple(spec.categories),
      continuous_log_std=p.continuous_log_std, continuous_std=spec.std,
      categorical_weight=categorical_weight,
      continuous_weight=continuous_weight)


def infogan_latent(noise_dim: int, spec: CodeSpec) -> Callable:
  r"""`latent_fn(key, B) -> ([z, c], codes)`: z ~ N(0, I), c ~ p(c).

  The generator input is z `[B, noise_dim]` followed by the one-hot
  categorical codes and the continuous codes (`codes_to_input`).
  """
  def latent_fn(key: PRNGKey, batch_size: int):
    key_z, key_c = jax.random.split(key)
    codes = information.sample_codes(
        key_c, batch_size, categories=tuple(spec.categories),
        num_continuous=spec.num_continuous, low=spec.low, high=spec.high)
    return generator_input(jax.random.normal(key_z, (batch_size, noise_dim)),
                           codes, spec), codes
  return latent_fn


def generator_input(z: ArrayLike, codes: information.LatentCodes,
                    spec: CodeSpec) -> Array:
  """`[z, one-hot categoricals, continuous]`, shape `[B, dim z + input_size]`."""
  chex.assert_rank(z, 2)
  return jnp.concatenate(
      [jnp.asarray(z), information.codes_to_input(
          codes, categories=tuple(spec.categories))], axis=-1)


def infogan_game(discriminator: nn.Module, latent_fn: Callable,
                 spec: CodeSpec, *, categorical_weight: float = 1.0,
                 continuous_weight: float = 1.0,
                 generator_cost: str = "nonsaturating"
                 ) -> adversarial_lib.Game:
  r"""The InfoGAN game.

  Args:
    discriminator: returns `(logit [B], q [B, spec.q_size])` from one body,
      e.g. `gentk.models.image_mlp.InfoDiscriminator`.
    latent_fn: `(key, B) -> (generator input, LatentCodes)`, e.g.
      `infogan_latent`.
    spec: the codes.
    categorical_weight: \lambda for the categorical codes.
    continuous_weight: \lambda for the continuous codes.
    generator_cost: the GAN generator cost (see `gentk.losses.adversarial`).
  Returns:
    the `Game`. Metrics: `mi_lower_bound` (unweighted L_I, nats) and
    `code_accuracy` (argmax Q = c on generated samples, first categorical code).
  """
  adversarial.generator_loss(jnp.zeros([1]), cost=generator_cost)  # Validate.
  entropy = information.code_entropy(
      categories=tuple(spec.categories), num_continuous=spec.num_continuous,
      low=spec.low, high=spec.high)

  def information_term(q, codes):
    """(-lambda-weighted mean log Q, metrics)."""
    weighted = code_log_likelihood(q, codes, spec,
                                   categorical_weight=categorical_weight,
                                   continuous_weight=continuous_weight)
    log_q = code_log_likelihood(q, codes, spec)
    metrics = {"mi_lower_bound": information.mutual_information_lower_bound(
        log_q, entropy)}
    if spec.categories:
      logits = split_q(q, spec).categorical_logits[:, :spec.categories[0]]
      metrics["code_accuracy"] = jnp.mean(
          jnp.argmax(logits, -1) == codes.categorical[:, 0])
    return -jnp.mean(weighted), metrics

  def discriminator_loss(d_variables, ctx):
    fake, codes, real = ctx.samples, ctx.codes, ctx.batch["x"]
    real_logits, _ = discriminator.apply(d_variables, real)
    fake_logits, q = discriminator.apply(d_variables, fake)
    gan = jnp.mean(adversarial.discriminator_loss(real_logits, fake_logits))
    info, metrics = information_term(q, codes)
    return gan + info, dict(metrics, gan_loss=gan,
                            real_prob=jax.nn.sigmoid(real_logits).mean(),
                            fake_prob=jax.nn.sigmoid(fake_logits).mean())

  def generator_loss(d_variables, ctx):
    fake, codes = ctx.samples, ctx.codes
    fake_logits, q = discriminator.apply(d_variables, fake)
    gan = jnp.mean(adversarial.generator_loss(fake_logits,
                                              cost=generator_cost))
    info, metrics = information_term(q, codes)
    return gan + info, dict(metrics, gan_loss=gan)

  return adversarial_lib.Game(discriminator_loss, generator_loss, latent_fn)


def make_infogan(generator: nn.Module, discriminator: nn.Module, *,
                 noise_dim: int, spec: CodeSpec = CodeSpec(),
                 categorical_weight: float = 1.0,
                 continuous_weight: float = 1.0,
                 generator_cost: str = "nonsaturating",
                 **schedule) -> Algorithm:
  """InfoGAN with z ~ N(0, I_noise_dim) and codes `spec`; the generator's
  input has `noise_dim + spec.input_size` columns and the discriminator's Q
  head `spec.q_size`. A batch-normalised discriminator body (e.g.
  `InfoDiscriminator(batch_norm=True)`) is applied in train mode.

  `schedule`: `generator_optimizer`, `discriminator_optimizer` and optionally
  `disc_steps`, `pretrain_steps`, `axis_name` (see `make_adversarial`).
  """
  game = infogan_game(adversarial_lib.TrainMode(discriminator),
                      infogan_latent(noise_dim, spec), spec,
                      categorical_weight=categorical_weight,
                      continuous_weight=continuous_weight,
                      generator_cost=generator_cost)
  return adversarial_lib.make_adversarial(generator, discriminator, game,
                                          **schedule)


def categorical_sweep(key: PRNGKey, *, noise_dim: int, num_columns: int,
                      spec: CodeSpec, code_index: int = 0
                      ) -> tuple[Array, information.LatentCodes]:
  """Generator inputs for a grid: row r sets categorical code `code_index` to
  r; column j shares z and the other codes (drawn from the prior) across rows.

  Returns:
    `(inputs [K * num_columns, ...], codes)`, row-major (K rows).
  """
  inputs, codes = infogan_latent(noise_dim, spec)(key, num_columns)
  num_rows = spec.categories[code_index]
  z = inputs[:, :noise_dim]
  tile = lambda x: jnp.tile(x, (num_rows,) + (1,) * (x.ndim - 1))
  rows = jnp.repeat(jnp.arange(num_rows, dtype=jnp.int32), num_columns)
  codes = information.LatentCodes(
      tile(codes.categorical).at[:, code_index].set(rows),
      tile(codes.continuous))
  return generator_input(tile(z), codes, spec), codes


def confusion_matrix(predicted: ArrayLike, labels: ArrayLike, *,
                     num_codes: int, num_classes: int) -> np.ndarray:
  """Counts `C[i, j]` of examples with code i and label j (host NumPy).

  Args:
    predicted: code values in [0, num_codes), shape `[N]`.
    labels: class labels in [0, num_classes), shape `[N]`.
  Returns:
    int64 `[num_codes, num_classes]`.
  """
  predicted, labels = np.asarray(predicted), np.asarray(labels)
  chex.assert_rank([predicted, labels], 1)
  chex.assert_equal_shape([predicted, labels])
  counts = np.zeros((num_codes, num_classes), np.int64)
  np.add.at(counts, (predicted, labels), 1)
  return counts


def permutation_accuracy(confusion: ArrayLike) -> tuple[float, np.ndarray]:
  r"""Accuracy of codes as labels under the best one-to-one assignment.

  max_{\pi} \sum_i C[i, \pi(i)] / \sum C over injective maps \pi from codes to
  labels, solved exactly by the Hungarian algorithm
  (`scipy.optimize.linear_sum_assignment`).

  Args:
    confusion: counts `[num_codes, num_classes]` (see `confusion_matrix`).
  Returns:
    `(accuracy, assignment)`; `assignment[i]` is the label of code i (-1 for
    a code left unassigned when there are more codes than labels).
  References:
    Chen et al. 2016, Sec. 7.1 (5% error on MNIST),
      https://arxiv.org/abs/1606.03657
    Kuhn 1955, "The Hungarian method for the assignment problem",
      https://doi.org/10.1002/nav.3800020109
  """
  confusion = np.asarray(confusion)
  chex.assert_rank(confusion, 2)
  rows, cols = scipy.optimize.linear_sum_assignment(confusion, maximize=True)
  assignment = np.full(confusion.shape[0], -1, np.int64)
  assignment[rows] = cols
  return float(confusion[rows, cols].sum() / confusion.sum()), assignment
