r"""Semi-supervised GAN: the discriminator is a (K+1)-class classifier.

The discriminator outputs K class logits l(x) (the fake class K+1 has its
logit fixed at 0, `gentk.losses.semi_supervised`) and features f(x) (an
intermediate layer). With a small labelled set {(x_n, y_n)} and unlabelled
data,

  D:  L = E_{labelled} -log p(y | x, y <= K)
        + w (E_{unlabelled} -log D(x) + E_z -log(1 - D(G(z)))),
  G:  || E_x f(x) - E_z f(G(z)) ||^2 (feature matching),

with D(x) = sigmoid(logsumexp l(x)). The labelled set is small (e.g. 100
images) and lives in the game: each discriminator step draws a labelled
minibatch from it with the step's key, while the unlabelled batch comes from
the data pipeline (`batch["x"]`). The reference implementation weights the
unsupervised part by w = 1/2.

Evaluation: the classifier argmax_k l_k(x) on test data.

References:
  Salimans et al. 2016, "Improved Techniques for Training GANs", Secs. 3.1
    and 5, https://arxiv.org/abs/1606.03498
  Odena 2016, "Semi-Supervised Learning with Generative Adversarial Networks",
    https://arxiv.org/abs/1606.01583
"""
import chex
import flax.linen as nn
import jax
import jax.numpy as jnp

from gentk.algorithms import adversarial as adversarial_lib
from gentk.losses import semi_supervised
from gentk.types import Algorithm, Array, ArrayLike, PRNGKey


def labelled_subset(key: PRNGKey, labels: ArrayLike, *, per_class: int,
                    num_classes: int) -> Array:
  """Indices of `per_class` examples of each class, chosen at random by `key`.

  The examples are ordered by (label, a uniform draw per example), and the
  first `per_class` of each label's run are taken; the same key gives the
  same subset.

  Args:
    key: PRNG key that fixes the subset.
    labels: integer labels in [0, num_classes), shape `[N]`; every class must
      have at least `per_class` examples.
    per_class: examples per class.
    num_classes: K.
  Returns:
    int32 indices `[num_classes * per_class]`, grouped by class (class 0
    first).
  """
  labels = jnp.asarray(labels)
  chex.assert_rank(labels, 1)
  order = jnp.lexsort((jax.random.uniform(key, labels.shape), labels))
  counts = jnp.bincount(labels, length=num_classes)
  starts = jnp.cumsum(counts) - counts
  offsets = starts[:, None] + jnp.arange(per_class)[None, :]  # [K, per_class]
  return order[offsets.reshape(-1)].astype(jnp.int32)


def ssgan_game(discriminator: nn.Module, latent_fn, labelled_x: ArrayLike,
               labelled_y: ArrayLike, *, labelled_batch_size: int,
               unsupervised_weight: float = 0.5) -> adversarial_lib.Game:
  r"""The (K+1)-class game with feature matching.

  Args:
    discriminator: `apply(params, x, noise_key=None) -> (class logits [B, K],
      features [B, F])`, e.g. `gentk.models.image_mlp.NoisyClassifier`;
      trained with noise keys, evaluated without.
    latent_fn: `(key, B) -> (z, None)`.
    labelled_x: the labelled images `[L, ...]`.
    labelled_y: their labels `[L]`.
    labelled_batch_size: labelled examples drawn (with replacement) per
      discriminator step.
    unsupervised_weight: w, the weight of the unsupervised terms.
  Returns:
    the `Game` (its generator loss reads the real batch). Metrics: the supervised loss,
    the labelled-batch accuracy, mean D(x) on real and generated batches.
  """
  labelled_x, labelled_y = jnp.asarray(labelled_x), jnp.asarray(labelled_y)
  chex.assert_rank(labelled_y, 1)
  chex.assert_equal_shape_prefix([labelled_x, labelled_y], 1)

  def discriminator_loss(d_variables, ctx):
    fake, key, real = ctx.samples, ctx.key, ctx.batch["x"]
    key_idx, key_l, key_r, key_f = jax.random.split(key, 4)
    idx = jax.random.randint(key_idx, (labelled_batch_size,), 0,
                             labelled_y.shape[0])
    labelled_logits, _ = discriminator.apply(d_variables, labelled_x[idx],
                                             noise_key=key_l)
    real_logits, _ = discriminator.apply(d_variables, real, noise_key=key_r)
    fake_logits, _ = discriminator.apply(d_variables, fake, noise_key=key_f)
    supervised = jnp.mean(semi_supervised.supervised_loss(
        labelled_logits, labelled_y[idx]))
    unsupervised = (
        jnp.mean(semi_supervised.unsupervised_real_loss(real_logits))
        + jnp.mean(semi_supervised.unsupervised_fake_loss(fake_logits)))
    d_prob = lambda l: jax.nn.sigmoid(semi_supervised.discriminator_logit(l))
    return supervised + unsupervised_weight * unsupervised, {
        "supervised_loss": supervised, "unsupervised_loss": unsupervised,
        "labelled_accuracy": jnp.mean(
            jnp.argmax(labelled_logits, -1) == labelled_y[idx]),
        "real_prob": d_prob(real_logits).mean(),
        "fake_prob": d_prob(fake_logits).mean()}

  def generator_loss(d_variables, ctx):
    fake, key, real = ctx.samples, ctx.key, ctx.batch["x"]
    key_r, key_f = jax.random.split(key)
    _, real_features = discriminator.apply(d_variables, real, noise_key=key_r)
    _, fake_features = discriminator.apply(d_variables, fake, noise_key=key_f)
    return semi_supervised.feature_matching_loss(
        jax.lax.stop_gradient(real_features), fake_features), {}

  return adversarial_lib.Game(discriminator_loss, generator_loss, latent_fn)


def make_ssgan(generator: nn.Module, discriminator: nn.Module,
               labelled_x: ArrayLike, labelled_y: ArrayLike, *,
               latent_dim: int, labelled_batch_size: int,
               unsupervised_weight: float = 0.5, **schedule) -> Algorithm:
  """The semi-supervised GAN with z ~ N(0, I_latent_dim) (see `ssgan_game`);
  `batch["x"]` holds the unlabelled data.

  `schedule`: `generator_optimizer`, `discriminator_optimizer` and optionally
  `disc_steps`, `pretrain_steps`, `axis_name` (see `make_adversarial`).
  """
  game = ssgan_game(discriminator, adversarial_lib.gaussian_latent(latent_dim),
                    labelled_x, labelled_y,
                    labelled_batch_size=labelled_batch_size,
                    unsupervised_weight=unsupervised_weight)
  return adversarial_lib.make_adversarial(generator, discriminator, game,
                                          **schedule)


def classify(discriminator: nn.Module, d_variables, x: ArrayLike) -> Array:
  """The classifier's predictions argmax_k l_k(x) (no noise), int `[B]`."""
  logits, _ = discriminator.apply(d_variables, x)
  return jnp.argmax(logits, axis=-1)
