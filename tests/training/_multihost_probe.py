"""Run in a subprocess, once per process: a sharded run of a small mixture
GAN; process 0 prints the final state's SHA-256 and a parameter checksum.

Usage: GENTK_NUM_PROCESSES=2 GENTK_PROCESS_ID=i GENTK_COORDINATOR=host:port \\
  python -m tests.training._multihost_probe WORKDIR
(or, for the one-process reference, with XLA_FLAGS giving it as many fake
CPU devices as the processes have together).
"""
import sys

from gentk.training import distributed

distributed.initialize_from_environment()  # Before any JAX computation.

import jax  # pylint: disable=g-import-not-at-top,wrong-import-position

from gentk.configs import gan_mixture  # pylint: disable=g-import-not-at-top,wrong-import-position
from gentk import recipes  # pylint: disable=g-import-not-at-top,wrong-import-position
from gentk.training import loop  # pylint: disable=g-import-not-at-top,wrong-import-position


def main(workdir: str) -> None:
  config = gan_mixture.get_config("quick")
  config.train.mode = "sharded"
  config.data.batch_size = 32
  config.model.generator_hidden = (16,)
  config.model.discriminator_hidden = (16,)
  config.train.num_steps = 40
  config.train.steps_per_call = 10
  config.train.log_every = config.train.checkpoint_every = 20
  config.train.progress_bar = False
  config.eval.num_samples = 100
  summary = loop.train(config, workdir, recipes.build(config))
  if distributed.is_primary():
    print("devices", jax.device_count(), "processes", jax.process_count())
    print("sha256", summary["state_sha256"])
    print("modes", summary["eval"]["modes"])


if __name__ == "__main__":
  main(sys.argv[1])
