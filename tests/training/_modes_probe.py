"""Run in a subprocess: trains a few steps of the mixture GAN and of a
batch-normalised DCGAN in every mode and saves their parameters.

Usage: XLA_FLAGS=--xla_force_host_platform_device_count=N python -m
  tests.training._modes_probe OUT.npz
"""
import sys

import jax
import numpy as np
import optax

from gentk.configs import gan_mixture
from gentk.algorithms import dcgan
from gentk.training import compile as compile_lib
from gentk.training import loop
from gentk import recipes


def run(mode: str, steps: int = 20, k: int = 5):
  config = gan_mixture.get_config("quick")
  config.train.mode = mode
  config.data.batch_size = 64
  config.model.generator_hidden = (32, 32)
  config.model.discriminator_hidden = (32, 32)
  exp = recipes.build(config)
  key = jax.random.PRNGKey(0)
  state = loop.init_state(exp, key)
  cs = compile_lib.compile_step(
      exp.algorithm.phases[-1], data_fn=exp.data_fn, mode=mode,
      steps_per_call=k)
  state = cs.put(state)
  for _ in range(steps // k):
    state, metrics, _ = cs.step_fn(state, key)
  leaves = jax.tree.leaves(jax.device_get(cs.get(state).params))
  return np.concatenate([np.ravel(x) for x in leaves]), np.asarray(
      metrics["generator/loss"])


def _dcgan_data(key, step, num_batches=None):
  inner = () if num_batches is None else (num_batches,)
  return {"x": jax.random.uniform(jax.random.fold_in(key, step),
                                  (16, *inner, 28, 28, 1))}


def _dcgan(axis_name=None):
  return dcgan.make_dcgan(
      latent_dim=8, width=8, generator_optimizer=optax.adam(1e-3, b1=0.5),
      discriminator_optimizer=optax.adam(1e-3, b1=0.5), axis_name=axis_name)


def run_dcgan(mode: str, state, steps: int = 2, k: int = 2):
  """`steps` of a width-8 DCGAN from `state` (batch norm in both players,
  statistics over the global batch under pmap), 16 noise images per step."""
  alg = _dcgan(compile_lib.DATA_AXIS if mode == "pmap" else None)
  key = jax.random.PRNGKey(0)
  cs = compile_lib.compile_step(alg.phases[-1], data_fn=_dcgan_data,
                                mode=mode, steps_per_call=k)
  state = cs.put(state)
  for _ in range(steps // k):
    state, _, _ = cs.step_fn(state, key)
  state = jax.device_get(cs.get(state))
  leaves = jax.tree.leaves((state.params, state.collections))
  return np.concatenate([np.ravel(x) for x in leaves])


if __name__ == "__main__":
  out = {}
  # One initial DCGAN state (on the host: steps donate their input) for every
  # mode; init never uses the pmap axis.
  reference = _dcgan()
  dcgan_state = jax.device_get(jax.jit(reference.init)(
      jax.random.PRNGKey(0),
      _dcgan_data(jax.random.PRNGKey(0), 0, reference.phases[0].num_batches)))
  for mode in compile_lib.MODES:
    out[f"{mode}_params"], out[f"{mode}_gloss"] = run(mode)
    # The DCGAN's reference is jit on one device (its compiles are costly).
    if jax.device_count() > 1 or mode == "jit":
      out[f"{mode}_dcgan"] = run_dcgan(mode, dcgan_state)
  out["num_devices"] = np.asarray(jax.device_count())
  np.savez(sys.argv[1], **out)
