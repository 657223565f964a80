"""Launches an experiment: python -m experiments.main --config=... --workdir=...

The same launcher as the console script's `gentk train` (`gentk.cli`, logic in
`gentk.launch`): `--config` takes a shipped config's name (`vae_mnist:quick`)
or a path to a config file (`experiments/configs/vae_mnist.py:quick`), and any
config field can be overridden, e.g. `--config.optim.lr=5e-4`. A bad flag,
config field, config file, workdir or data set exits with status 2 and one
line naming the field or path and a valid example, before anything is
written.

Several processes (hosts) run one experiment when the environment says so
(`GENTK_NUM_PROCESSES`, `GENTK_PROCESS_ID`, `GENTK_COORDINATOR`, or
`GENTK_DISTRIBUTED=auto`; see `gentk.training.distributed`) with
`--config.train.mode=sharded`.
"""
import sys

from gentk import cli

if __name__ == "__main__":
  cli.train(sys.argv)
