"""Super-resolution: the operator, TV, both inverse problems' optima, and the
joint training step."""
import jax
import jax.numpy as jnp
import numpy as np
import optax

from gentk.algorithms import superres, vae
from gentk.models.superres import ResidualUpsampler


def _nearest(x, f):
  return jnp.repeat(jnp.repeat(x, f, 1), f, 2)


def test_downsample_inverts_nearest_upsampling_and_averages_blocks():
  x = jax.random.uniform(jax.random.PRNGKey(0), (2, 7, 7, 1))
  np.testing.assert_allclose(superres.downsample(_nearest(x, 4), 4), x,
                             rtol=1e-6)
  y = jnp.arange(16.0).reshape(1, 4, 4, 1)
  np.testing.assert_allclose(superres.downsample(y, 2)[0, ..., 0],
                             [[2.5, 4.5], [10.5, 12.5]])


def test_total_variation():
  y = jnp.zeros((1, 4, 4, 1)).at[:, :, 2:].set(1.0)  # One vertical edge.
  np.testing.assert_allclose(superres.total_variation(y), [4.0])
  np.testing.assert_allclose(superres.total_variation(jnp.ones((1, 5, 5, 1))),
                             [0.0])


def test_tv_inverse_returns_a_consistent_image_of_zero_tv():
  # U(y) = x and TV(y) = 0: y is the minimiser, whatever lambda.
  y = jnp.full((2, 28, 28, 1), 0.3).at[1].set(0.7)
  x = superres.downsample(y, 4)
  y_hat = superres.tv_inverse(x, 4, weight=0.1, num_steps=200, init=y)
  np.testing.assert_allclose(y_hat, y, atol=2e-3)


def test_tv_inverse_trades_fidelity_for_smoothness():
  x = jax.random.uniform(jax.random.PRNGKey(1), (1, 7, 7, 1))
  fits = [superres.tv_inverse(x, 4, weight=w, num_steps=300)
          for w in (0.0, 0.05)]
  tv = [float(superres.total_variation(y)[0]) for y in fits]
  fidelity = [float(superres.data_fidelity(y, x, 4)[0]) for y in fits]
  assert tv[1] < tv[0] and fidelity[1] > fidelity[0]
  assert fidelity[0] < 1e-3  # lambda = 0: consistent with x.


def test_latent_inverse_reaches_the_closed_form_map():
  # G(z) = nearest upsampling of z: U(G(z)) = z, so the objective is
  # 1/2 ||z - x||^2 + lambda/2 ||z||^2, minimised at z = x / (1 + lambda).
  x = jax.random.uniform(jax.random.PRNGKey(2), (3, 7, 7, 1))

  def generate(z):
    return _nearest(z.reshape(-1, 7, 7, 1), 4)

  for weight in (0.0, 0.5):
    y_hat = superres.latent_inverse(x, generate, jnp.zeros((3, 49)), 4,
                                    weight=weight, num_steps=400,
                                    learning_rate=0.02)
    np.testing.assert_allclose(y_hat, generate(x / (1 + weight)), atol=2e-3)


def test_residual_upsampler_starts_near_bicubic():
  model = ResidualUpsampler(4, (4,), (3, 3))
  x = jax.random.uniform(jax.random.PRNGKey(3), (2, 7, 7, 1))
  params = model.init(jax.random.PRNGKey(0), x)
  params = jax.tree.map(jnp.zeros_like, params)  # No residual.
  np.testing.assert_allclose(model.apply(params, x),
                             jax.image.resize(x, (2, 28, 28, 1), "bicubic"),
                             atol=1e-6)


def test_training_lowers_both_losses():
  """Median over 3 seeds of the drop of each player's loss over 60 steps
  on 256 smooth random images (robust to rounding: the drops are large)."""
  images = jax.image.resize(jax.random.uniform(
      jax.random.PRNGKey(9), (256, 7, 7, 1)), (256, 28, 28, 1), "bicubic")
  images = jnp.clip(images, 0, 1)
  algorithm = superres.make_superres(
      ResidualUpsampler(4, (8,), (3, 3)), vae.Recognition(((32,),), (4,)),
      vae.Generative(((32,),), (4,), (28, 28, 1)), factor=4,
      optimizer=optax.adam(3e-3))
  step = jax.jit(algorithm.train_step)
  drops = []
  for seed in range(3):
    key = jax.random.PRNGKey(seed)
    state = algorithm.init(key, {"x": images[:2]})
    first = None
    for t in range(60):
      batch = {"x": images[(t * 32) % 256:(t * 32) % 256 + 32]}
      state, metrics = step(state, batch, key)
      first = first or {k: float(v) for k, v in metrics.items()}
    drops.append([first["regressor/loss"] - float(metrics["regressor/loss"]),
                  first["vae/loss"] - float(metrics["vae/loss"])])
  assert np.all(np.median(drops, axis=0) > 0), drops
