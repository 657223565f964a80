"""PPGN's training (G inverts E, R denoises h) and its prior / condition
terms."""
import jax
import jax.numpy as jnp
import numpy as np
import optax

from gentk.algorithms import ppgn
from gentk.data import segment_digits
from gentk.models.image_mlp import MLPGenerator
from gentk.models.image_mlp import MLPImageDiscriminator
from gentk.models.mlp import MLP

A = jax.random.normal(jax.random.PRNGKey(0), (784, 16)) / 28.0


def _encode(x):  # A fixed ReLU feature map standing in for the classifier.
  return jax.nn.relu(x.reshape(x.shape[0], -1) @ A)


def test_joint_prior_and_condition_terms():
  def generate(h):
    return jnp.tile(h[:, :1], (1, 784)).reshape(-1, 28, 28, 1)
  h = jnp.arange(16.0) / 16
  expected = _encode(generate(h[None]))[0] - h
  np.testing.assert_allclose(ppgn.joint_prior_grad(generate, _encode)(h),
                             expected, rtol=1e-6)

  def classify(x):
    return x.reshape(x.shape[0], -1)[:, :3] * jnp.array([1.0, 2.0, 3.0])
  log_c = ppgn.log_condition_fn(generate, classify)
  np.testing.assert_allclose(
      log_c(h, 2), jax.nn.log_softmax(jnp.array([1.0, 2.0, 3.0]) * h[0])[2],
      rtol=1e-6)


def test_training_lowers_the_inversion_and_denoising_losses():
  """Median over 3 seeds of the drop, over 80 steps on 512 seven-segment
  digits, of G's image and feature losses and of R's loss (the drops are a
  large share of the losses: robust to rounding)."""
  images = jnp.asarray(segment_digits.segment_digits(512, seed=0).images)
  algorithm = ppgn.make_ppgn(
      MLPGenerator((64,), batch_norm=False), MLPImageDiscriminator((16,)),
      MLP((32,), 16), _encode, optimizer=optax.adam(2e-3),
      generator_noise=0.5, dae_noise=0.5)
  assert algorithm.sample is None
  step = jax.jit(algorithm.train_step)
  names = ("generator/image", "generator/feature", "dae/loss")
  drops = []
  for seed in range(3):
    key = jax.random.PRNGKey(seed)
    state = algorithm.init(key, {"x": images[:2]})
    first = None
    for t in range(80):
      start = (t * 64) % 512
      state, metrics = step(state, {"x": images[start:start + 64]}, key)
      first = first or {k: float(metrics[k]) for k in names}
    drops.append([(first[k] - float(metrics[k])) / first[k] for k in names])
  assert np.all(np.median(drops, axis=0) > 0.2), drops
  assert set(state.params) == {ppgn.GENERATOR, ppgn.DISCRIMINATOR, ppgn.DAE}
