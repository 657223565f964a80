"""The `gentk` command: train, evaluate and sample runs; fetch data.

  gentk train --config=vae_mnist:iwae,quick --workdir=runs/v [--config.x=y]
  gentk eval --workdir=runs/v             # summary.json["eval"] from the checkpoint
  gentk sample --workdir=runs/v --num=64  # samples.npz and samples.png / .txt
  gentk data fetch mnist [--data_dir=D]   # download and verify data sets
  gentk configs                           # the shipped configs

`gentk train` is `python -m experiments.main` (absl flags, `gentk.launch`).
Bad input exits with status 2 and one line `error: ...`; a diverged run
exits with status 1.
"""
import argparse
import json
import pathlib
import sys

USAGE = ("usage: gentk {train,eval,sample,data,configs} ...: e.g. gentk train "
         "--config=gan_mixture:quick --workdir=runs/g (gentk <command> --help "
         "for each)")


def _fail(message: str) -> int:
  print(f"error: {message}", file=sys.stderr)
  return 2


def train(argv: list[str]) -> None:
  """`gentk train ...`: the absl launcher (`argv[0]` is the program name)."""
  from absl import app  # pylint: disable=g-import-not-at-top
  from absl import flags  # pylint: disable=g-import-not-at-top
  from absl import logging  # pylint: disable=g-import-not-at-top
  from gentk import launch  # pylint: disable=g-import-not-at-top

  workdir = flags.DEFINE_string("workdir", None,
                                "Output folder (required), e.g. runs/my_run.")

  def main(unused_argv):
    logging.set_verbosity(logging.WARNING)  # Orbax logs every save at INFO.
    launch.run(flags.FLAGS.config, workdir.value)

  launch.initialize_distributed()  # Before any JAX computation.
  app.run(main, argv=argv, flags_parser=launch.parse_flags)


class _Parser(argparse.ArgumentParser):
  """argparse whose errors are one line and exit status 2."""

  def error(self, message):
    print(f"error: {self.prog}: {message}: e.g. {self.epilog}",
          file=sys.stderr)
    sys.exit(2)


def _load(workdir: str):
  """`gentk.load_run(workdir)`, or None after printing the one-line error."""
  from gentk import runs  # pylint: disable=g-import-not-at-top
  try:
    return runs.load_run(workdir)
  except runs.RunError as e:
    _fail(str(e))
    return None


def evaluate(argv: list[str]) -> int:
  """`gentk eval --workdir=W`: recomputes `summary.json["eval"]` from the
  newest checkpoint, without training, and prints it."""
  parser = _Parser(prog="gentk eval", epilog="gentk eval --workdir=runs/v")
  parser.add_argument("--workdir", required=True, help="the run's folder")
  args = parser.parse_args(argv)
  from gentk.training import loop  # pylint: disable=g-import-not-at-top
  run = _load(args.workdir)
  if run is None:
    return 2
  figures = run.evaluate()
  path = pathlib.Path(args.workdir) / "summary.json"
  try:
    summary = json.loads(path.read_text())
  except (OSError, ValueError):  # Missing or damaged: start a new one.
    summary = {"status": "evaluated", "step": run.step}
  summary["eval"] = figures
  summary["eval_step"] = run.step
  loop.write_atomically(path, json.dumps(summary, indent=2))
  print(f"evaluation of step {run.step} ({path}):")
  for name, value in figures.items():
    if isinstance(value, dict):
      print(f"  {name}: median {value['median']:.4g} "
            f"(range {value['min']:.4g} .. {value['max']:.4g})")
    else:
      print(f"  {name}: {value:.4g}")
  return 0


def sample(argv: list[str]) -> int:
  """`gentk sample --workdir=W --num=N [--seed=S] [--run_seed=I]`: writes
  `samples.npz` and `samples.png` (images, points) or `samples.txt` (text)
  to the workdir."""
  import jax  # pylint: disable=g-import-not-at-top
  from gentk import plotting  # pylint: disable=g-import-not-at-top
  parser = _Parser(prog="gentk sample",
                   epilog="gentk sample --workdir=runs/v --num=64")
  parser.add_argument("--workdir", required=True, help="the run's folder")
  parser.add_argument("--num", type=int, default=64, help="samples to draw")
  parser.add_argument("--seed", type=int, default=0,
                      help="PRNG seed of the samples")
  parser.add_argument("--run_seed", type=int, default=0,
                      help="which seed of a run with a seed axis")
  args = parser.parse_args(argv)
  if args.num < 1:
    return _fail(f"--num={args.num} must be a positive int: pass e.g. "
                 f"gentk sample --workdir={args.workdir} --num=64")
  run = _load(args.workdir)
  if run is None:
    return 2
  try:
    one = run.seed(args.run_seed)
    samples = one.sample(jax.random.PRNGKey(args.seed), args.num)
  except (IndexError, ValueError) as e:
    return _fail(str(e))
  workdir = pathlib.Path(args.workdir)
  np_path = workdir / "samples.npz"
  import numpy as np  # pylint: disable=g-import-not-at-top
  np.savez(np_path, samples=samples)
  text = one.decode(samples)
  if text is not None:
    out = workdir / "samples.txt"
    out.write_text("\n".join(text) + "\n", encoding="utf-8")
  else:
    out = workdir / "samples.png"
    plotting.samples_figure(samples, out)
  print(f"{len(samples)} samples of step {run.step}: {np_path}, {out}")
  return 0


def list_configs(argv: list[str]) -> int:
  """`gentk configs`: each shipped config's name and first docstring line."""
  del argv
  from gentk import configs  # pylint: disable=g-import-not-at-top
  for name in configs.names():
    doc = (configs.module(name).__doc__ or "").strip().splitlines()
    print(f"{name:22s} {doc[0] if doc else ''}")
  return 0


def main(argv: list[str] | None = None) -> int:
  """The console script `gentk`."""
  argv = list(sys.argv if argv is None else argv)
  command, rest = (argv[1], argv[2:]) if len(argv) > 1 else (None, [])
  if command == "train":
    train([f"{pathlib.Path(argv[0]).name} train", *rest])
    return 0
  if command == "data":
    from gentk.data import fetch  # pylint: disable=g-import-not-at-top
    return fetch.main(rest)
  commands = {"eval": evaluate, "sample": sample, "configs": list_configs}
  if command in ("-h", "--help"):
    print(__doc__)
    return 0
  if command not in commands:
    return _fail(f"unknown command {command!r}; " + USAGE if command else
                 USAGE)
  return commands[command](rest)


if __name__ == "__main__":
  sys.exit(main())
