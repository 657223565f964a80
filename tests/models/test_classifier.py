"""The shipped MNIST classifier loads and computes alike under every impl."""
import jax
import numpy as np

from gentk.metrics import classifier as classifier_metrics


def test_shipped_classifier_loads_and_impls_agree():
  model, variables = classifier_metrics.load_classifier()  # Checks shapes.
  x = jax.random.uniform(jax.random.PRNGKey(0), (8, 28, 28, 1))
  outputs = {impl: jax.jit(lambda v, x, m=model.clone(impl=impl): m.apply(
      v, x, features=True))(variables, x) for impl in ("patches", "native")}
  for got, want in zip(outputs["native"], outputs["patches"]):
    # float32 sums of <= 3 * 3 * 32 terms, in another order.
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
