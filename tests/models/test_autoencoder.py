"""The convolutional autoencoder: shapes, independence of examples, bad input."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.models import autoencoder


def test_conv_autoencoder_shapes_and_code_bottleneck():
  ae = autoencoder.ConvAutoencoder(width=4, code_dim=6)
  x = jax.random.uniform(jax.random.PRNGKey(0), (3, 28, 28, 2))
  variables = ae.init(jax.random.PRNGKey(1), x)
  reconstruction, code = ae.apply(variables, x)
  assert reconstruction.shape == x.shape and code.shape == (3, 6)
  # The reconstruction depends on the parameters through the code layer.
  grads = jax.grad(lambda v: jnp.sum(ae.apply(v, x)[0]))(variables)
  assert np.abs(grads["params"]["code"]["kernel"]).sum() > 0


def test_conv_autoencoder_encodes_examples_independently():
  """A changed pixel moves its own example's code and no other example's
  (no batch statistics: every example is encoded independently)."""
  ae = autoencoder.ConvAutoencoder(width=4, code_dim=5)
  x = jnp.zeros((2, 28, 28, 1))
  variables = ae.init(jax.random.PRNGKey(2), x)
  y = x.at[0, 0, 0, 0].set(1.0)
  code_x, code_y = ae.apply(variables, x)[1], ae.apply(variables, y)[1]
  assert np.abs(np.asarray(code_y[0] - code_x[0])).max() > 0
  np.testing.assert_array_equal(code_y[1], code_x[1])


def test_conv_autoencoder_rejects_other_image_sizes():
  ae = autoencoder.ConvAutoencoder(width=4, code_dim=5)
  with pytest.raises(ValueError, match=r"\[B, 28, 28, C\]"):
    ae.init(jax.random.PRNGKey(0), jnp.zeros((2, 32, 32, 1)))


def test_batch_normalised_autoencoder_sees_its_batch_in_train_mode_only():
  """With `batch_norm`, train mode normalises by the batch's statistics: an
  example's reconstruction changes with the rest of its batch (a collapsed
  batch vs a varied one); with running averages it does not."""
  ae = autoencoder.Autoencoder(encoder_hidden=(8,), code_dim=3,
                               decoder_hidden=(8,), batch_norm=True)
  varied = jax.random.normal(jax.random.PRNGKey(0), (6, 5))
  # The same first example among near-copies of it.
  collapsed = (jnp.broadcast_to(varied[:1], varied.shape)
               + 0.01 * varied.at[0].set(0.0))
  variables = ae.init(jax.random.PRNGKey(1), varied)
  assert "batch_stats" in variables

  def first(x, train):
    out, _ = ae.apply(variables, x, train=train, mutable=["batch_stats"])[0]
    return np.asarray(out[0])

  def change(train):
    return np.abs(first(varied, train) - first(collapsed, train)).max()

  scale = np.abs(first(varied, True)).max()
  assert change(True) > 0.1 * scale
  assert change(False) == 0.0
  np.testing.assert_allclose(first(varied, False),
                             ae.apply(variables, varied[:1])[0][0], rtol=1e-5)


def test_autoencoder_without_batch_norm_has_no_collections():
  ae = autoencoder.Autoencoder(encoder_hidden=(8,), code_dim=3,
                               decoder_hidden=(8,))
  assert set(ae.init(jax.random.PRNGKey(0), jnp.zeros((2, 5)))) == {"params"}
