"""The MLP's maxout units and batch-normalised hidden layers."""
import jax
import jax.numpy as jnp
import numpy as np

from gentk.models import mlp


def test_plain_mlp_keeps_its_parameters():
  """maxout = 1 without batch norm is the former ReLU MLP: same tree."""
  params = mlp.MLP(hidden=(8, 4), out=2).init(jax.random.PRNGKey(0),
                                               jnp.ones([3, 5]))
  shapes = jax.tree.map(jnp.shape, params)["params"]
  assert shapes == {"Dense_0": {"kernel": (5, 8), "bias": (8,)},
                    "Dense_1": {"kernel": (8, 4), "bias": (4,)},
                    "Dense_2": {"kernel": (4, 2), "bias": (2,)}}


def test_maxout_unit_is_the_max_of_its_pieces():
  """h_j = max_p (W x + b)_{j p}: unit j owns pieces j P .. j P + P - 1."""
  model = mlp.MLP(hidden=(3,), out=1, maxout=4, squeeze_out=True)
  x = jax.random.normal(jax.random.PRNGKey(1), [6, 2])
  params = model.init(jax.random.PRNGKey(0), x)["params"]
  pre = x @ params["Dense_0"]["kernel"] + params["Dense_0"]["bias"]
  assert pre.shape == (6, 12)
  h = pre.reshape(6, 3, 4).max(-1)
  expected = (h @ params["Dense_1"]["kernel"] + params["Dense_1"]["bias"])[:, 0]
  np.testing.assert_allclose(model.apply({"params": params}, x), expected,
                             rtol=1e-5, atol=1e-6)


def test_batch_norm_uses_batch_statistics_in_train_mode():
  """Train mode: each hidden pre-activation has batch mean 0 and variance 1
  (up to BatchNorm's epsilon 1e-5), so a shift of the whole input batch
  leaves the output unchanged; eval mode uses the running averages, which
  the train pass updated."""
  model = mlp.MLP(hidden=(16,), out=2, batch_norm=True)
  x = jax.random.normal(jax.random.PRNGKey(1), [64, 2])
  variables = model.init(jax.random.PRNGKey(0), x)
  assert "bias" not in variables["params"]["Dense_0"]
  out, updated = model.apply(variables, x, train=True,
                             mutable=["batch_stats"])
  shifted, _ = model.apply(variables, x + 3.0, train=True,
                           mutable=["batch_stats"])
  np.testing.assert_allclose(out, shifted, rtol=1e-4, atol=1e-4)
  eval_before = model.apply(variables, x)
  eval_after = model.apply({**variables, **updated}, x)
  assert not np.allclose(eval_before, eval_after)


def test_init_std_draws_every_kernel_from_that_normal():
  """init_std = 0.02: the sample std of each kernel is within 10% of 0.02
  (the smallest, 400 x 2 = 800 draws, has a relative standard error of
  1 / sqrt(2 * 800) = 2.5%, so 10% is 4 standard errors); biases start at 0.
  init_std = 0 keeps Flax's LeCun normal (std 1 / sqrt(fan_in))."""
  x = jnp.ones([3, 400])
  params = mlp.MLP(hidden=(400, 200), out=2, maxout=2, init_std=0.02).init(
      jax.random.PRNGKey(0), x)["params"]
  for name in ("Dense_0", "Dense_1", "Dense_2"):
    std = float(np.std(params[name]["kernel"]))
    assert abs(std / 0.02 - 1) < 0.1, (name, std)
    assert not np.any(params[name]["bias"])
  default = mlp.MLP(hidden=(400,), out=2).init(jax.random.PRNGKey(0), x)
  std = float(np.std(default["params"]["Dense_0"]["kernel"]))
  assert abs(std * np.sqrt(400) - 1) < 0.1, std
