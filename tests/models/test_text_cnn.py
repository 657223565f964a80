"""Tests for gentk.models.text_cnn."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.models import text_cnn

V, T = 30, 12


def _model(**kwargs):
  return text_cnn.TextCNN(V, 8, filters=((1, 3), (2, 4), (5, 2)), **kwargs)


def test_shapes_and_the_published_filter_bank():
  assert sum(c for _, c in text_cnn.PAPER_FILTERS) == 1_720
  assert [w for w, _ in text_cnn.PAPER_FILTERS] == [1, 2, 3, 4, 5, 6, 7, 8, 9,
                                                    10, 15, 20]
  tokens = jax.random.randint(jax.random.PRNGKey(0), (4, T), 0, V)
  model = _model()
  params = model.init(jax.random.PRNGKey(1), tokens)
  assert model.apply(params, tokens).shape == (4,)
  emb = params["params"]["embedding"]
  assert emb.min() >= -1 and emb.max() <= 1 and emb.min() < -0.5
  with pytest.raises(ValueError, match="exceed the sequence length"):
    model.apply(params, tokens[:, :4])


def test_window_matmul_is_the_valid_convolution():
  """Feature maps equal lax.conv's VALID 1-D convolution of the embeddings."""
  x = jax.random.normal(jax.random.PRNGKey(0), (3, T, 5))
  kernel = jax.random.normal(jax.random.PRNGKey(1), (4, 5, 7))  # [w, k, F]
  conv = jax.lax.conv_general_dilated(x, kernel, (1,), "VALID",
                                      dimension_numbers=("NWC", "WIO", "NWC"))
  mine = text_cnn._windows(x, 4) @ kernel.reshape(20, 7)
  np.testing.assert_allclose(mine, conv, rtol=1e-5, atol=1e-5)


def test_dropout_only_with_a_key():
  tokens = jax.random.randint(jax.random.PRNGKey(0), (6, T), 0, V)
  model = _model(dropout_rate=0.5)
  params = model.init(jax.random.PRNGKey(1), tokens)
  plain = model.apply(params, tokens)
  np.testing.assert_array_equal(plain, model.apply(params, tokens))
  dropped = model.apply(params, tokens, dropout_key=jax.random.PRNGKey(2))
  assert not np.allclose(plain, dropped)
  # Every position reaches the logit (max over time, not a fixed slot).
  changed = tokens.at[:, 0].set((tokens[:, 0] + 1) % V)
  assert not np.allclose(plain, model.apply(params, changed))


def test_output_l2_is_half_the_squared_norm_of_the_output_layer():
  tokens = jnp.zeros((1, T), jnp.int32)
  params = _model().init(jax.random.PRNGKey(0), tokens)["params"]
  out = params["output"]
  expected = 0.5 * (np.sum(np.square(out["kernel"]))
                    + np.sum(np.square(out["bias"])))
  np.testing.assert_allclose(text_cnn.output_l2(params), expected, rtol=1e-6)
