"""FeatureMLP: shapes, features, and the minibatch layer's batch dependence."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.models import mlp

X = jax.random.normal(jax.random.PRNGKey(0), (6, 2))


def test_shapes_and_features_are_the_last_hidden_layer():
  d = mlp.FeatureMLP(hidden=(5, 3))
  params = d.init(jax.random.PRNGKey(1), X)
  logit, h = d.apply(params, X)
  assert logit.shape == (6,) and h.shape == (6, 3)
  assert np.all(np.asarray(h) >= 0)  # relu activations.
  head = params["params"]["head"]
  np.testing.assert_allclose(logit, h @ head["kernel"][:, 0] + head["bias"][0],
                             rtol=1e-5, atol=1e-6)
  only = mlp.FeatureMLP(hidden=(5, 3), return_features=False)
  np.testing.assert_allclose(only.apply(params, X), logit)


@pytest.mark.parametrize("kernels", [0, 4])
def test_logit_depends_on_the_batch_only_with_minibatch_layer(kernels):
  """Without the layer each example's logit is its own; with it, the logit
  of X[0] changes when the rest of its batch changes."""
  d = mlp.FeatureMLP(hidden=(8,), minibatch_kernels=kernels,
                             minibatch_kernel_dim=3, return_features=False)
  params = d.init(jax.random.PRNGKey(1), X)
  alone = d.apply(params, X[:3])[0]
  other = d.apply(params, jnp.concatenate([X[:1], X[3:]]))[0]
  assert (abs(float(alone - other)) > 1e-4) == bool(kernels)
