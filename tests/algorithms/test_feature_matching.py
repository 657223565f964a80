"""Feature matching and minibatch discrimination (Salimans et al. 2016)."""
import jax
import jax.numpy as jnp
import numpy as np
import optax

from gentk.algorithms import adversarial as adversarial_lib
from gentk.algorithms import feature_matching
from gentk.models import mlp
from tests.algorithms import mixture_util

LATENT = adversarial_lib.gaussian_latent(2)
# One hidden layer of width 2 with W = I, b = 0: features relu(x); head
# logit = h_1 - h_2.
RELU_D = mlp.FeatureMLP(hidden=(2,))
RELU_PARAMS = {"params": {
    "Dense_0": {"kernel": jnp.eye(2), "bias": jnp.zeros([2])},
    "head": {"kernel": jnp.array([[1.0], [-1.0]]), "bias": jnp.zeros([1])}}}


def test_generator_loss_hand_computed():
  """relu(real) = (1, 0), (3, 1): mean (2, 0.5); relu(fake) = (0, 0), (1, 2):
  mean (0.5, 1); || (1.5, -0.5) ||^2 = 2.5."""
  game = feature_matching.feature_matching_game(RELU_D, LATENT)
  real = jnp.array([[1.0, -1.0], [3.0, 1.0]])
  fake = jnp.array([[0.0, 0.0], [1.0, 2.0]])
  loss, _ = game.generator_loss(RELU_PARAMS,
      adversarial_lib.context(real, fake))
  np.testing.assert_allclose(loss, 2.5, rtol=1e-6)


def test_discriminator_loss_is_the_gan_cross_entropy():
  """Logits h_1 - h_2: real (1, 0) -> 1, fake (0, 1) -> -1; loss
  -log sigmoid(1) - log(1 - sigmoid(-1)) = 2 softplus(-1)."""
  game = feature_matching.feature_matching_game(RELU_D, LATENT)
  loss, _ = game.discriminator_loss(RELU_PARAMS,
      adversarial_lib.context(jnp.array([[1.0, 0.0]]), jnp.array([[0.0, 1.0]])))
  np.testing.assert_allclose(loss, 2.0 * np.log1p(np.exp(-1.0)), rtol=1e-6)


def test_train_step_feeds_the_real_batch_to_the_generator():
  """A generator that already outputs the data batch's mean features has a
  zero feature matching loss; through the core the generator's loss is that
  of the last discriminator step's data batch: here all data points are the
  same point x0 and the generator (zero weights, bias x0) outputs x0 too."""
  game = feature_matching.feature_matching_game(RELU_D, LATENT)
  algo = adversarial_lib.make_adversarial(
      mlp.MLP(hidden=(), out=2), RELU_D, game, disc_steps=2,
      generator_optimizer=optax.sgd(0.1),
      discriminator_optimizer=optax.sgd(0.1))
  x0 = jnp.array([0.5, 2.0])
  batch = {"x": jnp.broadcast_to(x0, (8, 2, 2))}
  state = algo.init(jax.random.PRNGKey(0), batch)
  g = {"params": {"Dense_0": {"kernel": jnp.zeros([2, 2]), "bias": x0}}}
  state = state.replace(params={**state.params, "generator": g})
  _, metrics = jax.jit(algo.train_step)(state, batch, jax.random.PRNGKey(1))
  np.testing.assert_allclose(metrics["generator/loss"], 0.0, atol=1e-10)
  np.testing.assert_allclose(metrics["generator/grad_norm"], 0.0, atol=1e-10)


def test_training_moves_samples_toward_the_ring():
  """See `mixture_util.assert_moves_toward_ring` (feature matching's seeds
  end at 0.61 / 0.66 / 0.57 of the initial distance, median 0.61;
  minibatch discrimination's at 0.04 / 0.10 / 0.43, median 0.10)."""
  mixture_util.assert_moves_toward_ring("feature_matching", 500)


def test_minibatch_discrimination_training_moves_samples_toward_the_ring():
  """The GAN game with a minibatch layer in the discriminator (0.09 of the
  initial distance with these keys); the layer's T is trained."""
  metrics = mixture_util.assert_moves_toward_ring("minibatch", 500)
  assert metrics["discriminator/loss"].shape == (3, 500)
