"""Launches an experiment: python -m experiments.main --config=... --workdir=...

Any config field can be overridden, e.g. `--config.optim.lr=5e-4`. A bad flag,
config field, config file, workdir or data set exits with status 2 and one line
naming the field or path and a valid example, before anything is written: the
config file and every override are checked against the fields the config has
and the checks declared beside them (`gentk.training.spec`). The logic lives
in `experiments/launch.py`.

Several processes (hosts) run one experiment when the environment says so
(`GENTK_NUM_PROCESSES`, `GENTK_PROCESS_ID`, `GENTK_COORDINATOR`, or
`GENTK_DISTRIBUTED=auto`; see `gentk.training.distributed`) with
`--config.train.mode=sharded`.
"""
from absl import app
from absl import flags
from absl import logging

from experiments import launch

_WORKDIR = flags.DEFINE_string("workdir", None,
                               "Output folder (required), e.g. runs/my_run.")


def main(argv):
  del argv
  logging.set_verbosity(logging.WARNING)  # Orbax logs every save at INFO.
  launch.run(flags.FLAGS.config, _WORKDIR.value)


if __name__ == "__main__":
  launch.initialize_distributed()  # Before any JAX computation.
  app.run(main, flags_parser=launch.parse_flags)
