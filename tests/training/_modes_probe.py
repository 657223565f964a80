"""Run in a subprocess: trains a few GAN steps in every mode, prints digests.

Usage: XLA_FLAGS=--xla_force_host_platform_device_count=N python -m
  tests.training._modes_probe OUT.npz
"""
import sys

import jax
import numpy as np

from experiments.configs import gan_mixture
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


if __name__ == "__main__":
  out = {}
  for mode in compile_lib.MODES:
    out[f"{mode}_params"], out[f"{mode}_gloss"] = run(mode)
  out["num_devices"] = np.asarray(jax.device_count())
  np.savez(sys.argv[1], **out)
