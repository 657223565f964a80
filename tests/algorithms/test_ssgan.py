"""Semi-supervised GAN: the labelled subset, the losses against a hand
computation on a linear classifier, and a short run on a synthetic 3-class
problem with 2 labels per class."""
import jax
import jax.numpy as jnp
import numpy as np
import optax

from gentk.algorithms import adversarial as adversarial_lib
from gentk.algorithms import adversarial
from gentk.algorithms import ssgan
from gentk.models import image_mlp
from gentk.training.compile import counted

KEY = jax.random.PRNGKey(0)


def _softplus(x):
  return np.log1p(np.exp(x))


def _logsumexp(x):
  return np.log(np.exp(x).sum(-1))


def test_labelled_subset_is_per_class_deterministic_and_seeded():
  labels = jax.random.randint(jax.random.PRNGKey(1), (1000,), 0, 10)
  idx = np.asarray(ssgan.labelled_subset(KEY, labels, per_class=10,
                                         num_classes=10))
  assert idx.shape == (100,) and len(set(idx.tolist())) == 100
  np.testing.assert_array_equal(np.asarray(labels)[idx],
                                np.repeat(np.arange(10), 10))
  again = ssgan.labelled_subset(KEY, labels, per_class=10, num_classes=10)
  np.testing.assert_array_equal(idx, again)
  other = np.asarray(ssgan.labelled_subset(jax.random.PRNGKey(2), labels,
                                           per_class=10, num_classes=10))
  # Another seed: about 10% of each class's ~100 examples overlap by chance.
  assert len(set(idx.tolist()) & set(other.tolist())) < 50


def _linear_game():
  """A 2-class linear classifier without noise, one labelled example."""
  d = image_mlp.NoisyClassifier(hidden=(), num_classes=2, input_noise=0.0,
                                hidden_noise=0.0)
  params = {"params": {"Dense_0": {"kernel": jnp.array([[1.0, -1.0],
                                                        [0.5, 2.0]]),
                                   "bias": jnp.array([0.0, 0.5])}}}
  game = ssgan.ssgan_game(d, adversarial.gaussian_latent(2),
                          jnp.array([[1.0, 1.0]]), jnp.array([1]),
                          labelled_batch_size=3, unsupervised_weight=0.5)
  return game, params


def test_discriminator_loss_hand_computed():
  game, params = _linear_game()
  real = jnp.array([[0.0, 0.0], [1.0, 0.0]])
  fake = jnp.array([[0.0, 1.0]])
  loss, metrics = game.discriminator_loss(params,
      adversarial_lib.context(real, fake, key=KEY))
  # Logits x W + b: labelled (1, 1) -> (1.5, 1.5); real (0, 0.5), (1, -0.5);
  # fake (0.5, 2.5).
  supervised = -np.log(0.5)  # Equal logits, label 1: p = 1/2.
  real_logits = np.array([[0.0, 0.5], [1.0, -0.5]])
  fake_logits = np.array([[0.5, 2.5]])
  unsup = (np.mean(_softplus(-_logsumexp(real_logits)))
           + np.mean(_softplus(_logsumexp(fake_logits))))
  np.testing.assert_allclose(metrics["supervised_loss"], supervised,
                             rtol=1e-6)
  np.testing.assert_allclose(metrics["unsupervised_loss"], unsup, rtol=1e-6)
  np.testing.assert_allclose(loss, supervised + 0.5 * unsup, rtol=1e-6)
  # D(x) = Z / (Z + 1) with Z = sum exp(l).
  z = np.exp(fake_logits).sum()
  np.testing.assert_allclose(metrics["fake_prob"], z / (z + 1), rtol=1e-6)


def test_feature_matching_generator_loss_hand_computed():
  d = image_mlp.NoisyClassifier(hidden=(2,), num_classes=2, input_noise=0.0,
                                hidden_noise=0.0)
  params = d.init(KEY, jnp.zeros((1, 2)))
  params["params"]["Dense_0"] = {"kernel": jnp.eye(2), "bias": jnp.zeros(2)}
  game = ssgan.ssgan_game(d, adversarial.gaussian_latent(2),
                          jnp.zeros((1, 2)), jnp.array([0]),
                          labelled_batch_size=1)
  real = jnp.array([[1.0, -1.0], [3.0, 2.0]])  # relu -> mean (2, 1).
  fake = jnp.array([[0.0, 4.0]])  # relu -> (0, 4).
  loss, _ = game.generator_loss(params,
      adversarial_lib.context(real, fake, key=KEY))
  np.testing.assert_allclose(loss, (2 - 0) ** 2 + (1 - 4) ** 2, rtol=1e-6)
  # Only the generated features carry a gradient.
  grad_real = jax.grad(lambda r: game.generator_loss(params,
      adversarial_lib.context(r, fake, key=KEY))[0])(real)
  np.testing.assert_array_equal(grad_real, 0.0)


def test_noise_only_with_a_key():
  d = image_mlp.NoisyClassifier(hidden=(4,), num_classes=3)
  x = jnp.ones((2, 5))
  params = d.init(KEY, x)
  clean = d.apply(params, x)[0]
  np.testing.assert_array_equal(clean, d.apply(params, x)[0])
  assert not np.allclose(clean, d.apply(params, x, noise_key=KEY)[0])


def test_short_run_classifies_far_above_chance():
  """3 classes of 8x8 images (a class-specific bright row + noise), 2 labels
  per class, 100 steps: test accuracy on 300 fresh images > 0.9 (chance 1/3;
  a classifier that ignored the labels would sit near 1/3)."""
  key = jax.random.PRNGKey(0)

  def images(seed, n):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    rows = np.eye(8)[2 * y + 1][:, :, None, None]  # [n, 8, 1, 1]
    x = 0.2 + 0.6 * rows + 0.15 * rng.standard_normal((n, 8, 8, 1))
    return np.clip(x, 0, 1).astype(np.float32), y

  train_x, train_y = images(10, 600)
  test_x, test_y = images(11, 300)
  labelled = ssgan.labelled_subset(key, train_y, per_class=2, num_classes=3)
  d = image_mlp.NoisyClassifier(hidden=(16,), num_classes=3)
  generator = image_mlp.MLPGenerator(hidden=(16,), out_shape=(8, 8, 1),
                                     batch_norm=False)
  algorithm = ssgan.make_ssgan(
      generator, d,
      train_x[labelled], train_y[labelled], latent_dim=4,
      labelled_batch_size=6, generator_optimizer=optax.adam(2e-3, b1=0.5),
      discriminator_optimizer=optax.adam(2e-3, b1=0.5))
  train_x = jnp.asarray(train_x)
  batch_fn = lambda step: {"x": train_x[jax.random.randint(
      jax.random.fold_in(key, step), (32,), 0, 600)][:, None]}
  state = jax.jit(algorithm.init)(key, batch_fn(0))

  @jax.jit
  def run(state):
    return jax.lax.scan(
        lambda s, _: counted(algorithm.train_step)(s, batch_fn(s.step), key),
        state, None, length=100)

  final, metrics = run(state)
  assert np.all(np.isfinite(metrics["discriminator/loss"]))
  predicted = ssgan.classify(d, final.params[adversarial.DISCRIMINATOR],
                             test_x)
  accuracy = float(np.mean(np.asarray(predicted) == test_y))
  # 300 test images: SE of an accuracy near 0.95 is 0.013.
  assert accuracy > 0.9, accuracy
