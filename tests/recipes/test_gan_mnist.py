"""Recipe gan_mnist: every method trains a step with finite metrics; the
data fallback and the variant checks."""
import functools
import json

import jax
import jax.numpy as jnp
import numpy as np
import ml_collections
import pytest

from gentk.configs import gan_mnist as gan_mnist_config
from gentk import recipes
from gentk.data import paths
from gentk.training import loop
from gentk.training.config import ConfigError
from gentk import optim
from gentk.recipes import evaluation
from gentk.data import digits


def _experiment(method: str, players: str = "mlp"):
  config = gan_mnist_config.get_config(f"{method},{players},quick")
  config.data.source = "segments"
  config.data.batch_size = 8
  return config, recipes.build(config)


@pytest.mark.parametrize("players", ["mlp", "dcgan"])
@pytest.mark.parametrize("method", gan_mnist_config.METHODS)
def test_every_method_and_players_trace_a_step(method, players):
  # Tracing only (no XLA compilation): the wiring of every combination.
  config, exp = _experiment(method, players)
  key = jax.random.PRNGKey(0)
  batch = jax.eval_shape(functools.partial(
      exp.data_fn, num_batches=exp.algorithm.phases[-1].num_batches), key, 0)
  assert batch["x"].shape == (8, config.adversarial.disc_steps, 28, 28, 1)
  state = jax.eval_shape(exp.algorithm.init, key, batch)
  new_state, metrics = jax.eval_shape(exp.algorithm.train_step, state, batch,
                                      key)
  assert jax.tree.structure(new_state) == jax.tree.structure(state)
  assert all(m.shape == () for m in metrics.values())
  assert any(name.startswith("generator/") for name in metrics)


@pytest.mark.parametrize("method", ["ebgan", "began"])
def test_conv_autoencoder_discriminator_traces_a_step(method):
  config = gan_mnist_config.get_config(f"{method},quick")
  config.data.source = "segments"
  config.model.autoencoder = "conv"
  exp = recipes.build(config)
  key = jax.random.PRNGKey(0)
  batch = jax.eval_shape(functools.partial(
      exp.data_fn, num_batches=exp.algorithm.phases[-1].num_batches), key, 0)
  state = jax.eval_shape(exp.algorithm.init, key, batch)
  assert "code" in state.params["discriminator"]["params"]
  _, metrics = jax.eval_shape(exp.algorithm.train_step, state, batch, key)
  assert "discriminator/loss" in metrics


def test_unknown_autoencoder_is_a_config_error():
  config = gan_mnist_config.get_config("began,quick")
  config.data.source = "segments"
  config.model.autoencoder = "deconv"
  with pytest.raises(ConfigError, match="config.model.autoencoder='deconv'"):
    recipes.build(config)


def test_batch_norm_with_the_conv_autoencoder_is_a_config_error():
  """`autoencoder_batch_norm` is an option of the MLP autoencoder; with
  the convolutional one it is refused, not ignored."""
  config = gan_mnist_config.get_config("began,quick")
  config.data.source = "segments"
  config.model.autoencoder = "conv"
  config.model.autoencoder_batch_norm = True
  with pytest.raises(ConfigError, match="autoencoder_batch_norm"):
    recipes.build(config)


def test_wgan_gp_takes_a_finite_step_and_samples():
  # The costliest game (gradient penalty: a gradient inside the loss).
  config, exp = _experiment("wgan_gp")
  key = jax.random.PRNGKey(0)
  batch = exp.data_fn(key, 0, exp.algorithm.phases[-1].num_batches)
  state = jax.jit(exp.algorithm.init)(key, batch)
  state, metrics = jax.jit(exp.algorithm.train_step)(state, batch, key)
  assert int(state.step) == 0  # The runtime, not the step, counts steps.
  assert all(np.isfinite(v) for v in metrics.values()), metrics
  samples = evaluation.sample_in_chunks(exp.algorithm, state, key, 7, chunk=3)
  assert samples.shape == (7, 28, 28, 1)
  assert np.all((samples >= 0) & (samples <= 1))


def test_auto_source_resolves_to_segment_digits_without_data(tmp_path,
                                                             monkeypatch):
  monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))  # An empty data folder.
  data = ml_collections.ConfigDict({"source": "auto"})
  digits.resolve_source(data)
  assert data.source == "segments"
  images = digits.load_digits(data.source, "test", 5).images
  assert images.shape == (5, 28, 28, 1)
  with pytest.raises(ValueError, match="config.data.source"):
    digits.resolve_source(ml_collections.ConfigDict({"source": "cifar"}))


def test_resolved_source_is_recorded_and_a_switch_refused(tmp_path,
                                                           monkeypatch):
  """'auto' is resolved when the experiment is built, so config.json records
  the data used; a resume that would resolve differently is refused."""
  monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "empty"))
  (tmp_path / "empty").mkdir()
  config = gan_mnist_config.get_config("quick")
  config.train.num_steps, config.train.progress_bar = 1, False
  config.train.steps_per_call = config.train.log_every = 1
  config.train.checkpoint_every = 1
  config.eval.num_samples, config.eval.num_reference = 20, 20
  config.eval.kid_subsets, config.eval.num_splits = 2, 2
  exp = recipes.build(config)
  loop.train(config, tmp_path, exp)
  saved = json.loads((tmp_path / "config.json").read_text())
  assert saved["data"]["source"] == "segments"
  config.data.source = "mnist"  # What 'auto' gives on a machine with MNIST.
  with pytest.raises(ConfigError, match="config.data.source"):
    loop.train(config, tmp_path, exp)


def test_variants_are_checked():
  assert gan_mnist_config.get_config().method == "gan"
  assert gan_mnist_config.get_config().model.name == "dcgan"
  assert gan_mnist_config.get_config("quick").model.name == "mlp"
  assert gan_mnist_config.get_config("dcgan,quick").model.name == "dcgan"
  wgan = gan_mnist_config.get_config("wgan_gp")
  assert wgan.adversarial.disc_steps == 5 and wgan.optim.b1 == 0.0
  for bad in ("gan,wgan", "mlp,dcgan", "dcgna"):
    with pytest.raises(ValueError):
      gan_mnist_config.get_config(bad)


def test_generator_lr_gives_the_generator_its_own_learning_rate():
  """Adam's first update is -lr * sign(g): 1e-3 for G, 2e-4 for D."""
  config = gan_mnist_config.get_config("gan")
  config.optim.generator_lr = 1e-3
  g_opt, d_opt = optim.optimizers(config.optim)
  params = {"w": jnp.zeros(3)}
  grads = {"w": jnp.array([1.0, -2.0, 0.5])}
  for opt, lr in ((g_opt, 1e-3), (d_opt, 2e-4)):
    updates, _ = opt.update(grads, opt.init(params), params)
    np.testing.assert_allclose(updates["w"], -lr * np.sign(grads["w"]),
                               rtol=1e-4)
  config.optim.generator_lr = 0.0  # Unset: both players use optim.lr.
  g_opt, _ = optim.optimizers(config.optim)
  updates, _ = g_opt.update(grads, g_opt.init(params), params)
  np.testing.assert_allclose(updates["w"], -2e-4 * np.sign(grads["w"]),
                             rtol=1e-4)
