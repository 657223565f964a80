"""Run in a subprocess: the tiny DBM of boltzmann_util through the loop
(pre-training phases, then joint training with persistent chains), killed
with SIGKILL from inside its step when state.step == KILL_AT.

Usage: python -m tests.algorithms._boltzmann_probe WORKDIR [KILL_AT]
Prints the final state's SHA-256 when the run completes.
"""
import sys

from gentk.training import loop
from tests.algorithms import boltzmann_util
from tests.training.kill_util import killing_at


def main(workdir: str, kill_at: int = -1) -> None:
  experiment = boltzmann_util.dbm_experiment()
  algorithm = experiment.algorithm
  for i, phase in enumerate(algorithm.phases):
    algorithm = algorithm.with_train_step(killing_at(phase.train_step,
                                                     kill_at), i)
  summary = loop.train(boltzmann_util.config(), workdir,
                       experiment._replace(algorithm=algorithm))
  print("sha256", summary["state_sha256"])


if __name__ == "__main__":
  main(sys.argv[1], *(int(a) for a in sys.argv[2:]))
