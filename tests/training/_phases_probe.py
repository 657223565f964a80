"""Run in a subprocess: a two-phase run (discriminator pre-training, then
adversarial training) of a small mixture GAN, killed with SIGKILL from inside
its step at a chosen step.

Usage: python -m tests.training._phases_probe WORKDIR [KILL_AT]

Prints the final state's SHA-256 when the run completes. With KILL_AT, the
process kills itself (SIGKILL: no handler, no checkpoint) when the train step
of state.step == KILL_AT runs; a rerun of the same command resumes.
"""
import sys

from gentk.configs import gan_mixture
from gentk import recipes
from gentk.training import loop
from tests.training.kill_util import killing_at

PRETRAIN_STEPS, NUM_STEPS = 120, 300


def config():
  c = gan_mixture.get_config("quick")
  c.data.batch_size = 32
  c.model.generator_hidden = (16,)
  c.model.discriminator_hidden = (16,)
  c.adversarial.pretrain_steps = PRETRAIN_STEPS
  c.train.num_steps = NUM_STEPS
  c.train.steps_per_call = 10
  c.train.log_every = 10
  c.train.checkpoint_every = 40
  c.train.progress_bar = False
  c.eval.num_samples = 100
  return c


def main(workdir: str, kill_at: int = -1) -> None:
  c = config()
  experiment = recipes.build(c)
  algorithm = experiment.algorithm
  for i, phase in enumerate(algorithm.phases):
    algorithm = algorithm.with_train_step(killing_at(phase.train_step,
                                                     kill_at), i)
  summary = loop.train(c, workdir, experiment._replace(algorithm=algorithm))
  print("sha256", summary["state_sha256"])


if __name__ == "__main__":
  main(sys.argv[1], *(int(a) for a in sys.argv[2:]))
