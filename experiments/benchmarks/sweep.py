"""A sweep in one program against the same grid as sequential runs.

  python -m experiments.benchmarks.sweep [--steps=2000] [--repeats=3]

The grid: GAN-SI on the 2-D grid mixture (`mode_mixture:gan_si,grid,seeds5`,
its default players and batch), Adam's rate x 4 and lambda x 4 = 16 points,
5 seeds each. Two figures, both in point-steps/s (training steps of one
point, all its seeds, per second), measured in this one process:

  * `steady`: compiled calls of `--steps_per_call` steps after warm-up, the
    median of `--repeats` timings: 16 programs of 5 seeds (one per point,
    its values compiled in, as 16 launches would build them) timed one after
    the other, against one program of the 80 runs (the sweep's values traced
    inputs), with all 80 runs side by side and with groups of
    `--runs_per_pass` runs (`config.train.runs_per_pass`);
  * `end_to_end`: `gentk.training.train` for `--steps` steps, compile,
    checkpoints and the final evaluation included: 16 runs one after the
    other against one sweep run (groups of `--runs_per_pass`).

The device is printed; on a CPU the figure depends on the cores free, so run
it alone.
"""
import itertools
import statistics
import tempfile
import time

from absl import app
from absl import flags
import jax

from gentk import configs
from gentk import recipes
from gentk.training import compile as compile_lib
from gentk.training import loop
from gentk.training import sweep

_STEPS = flags.DEFINE_integer("steps", 2000, "Steps of each end-to-end run.")
_REPEATS = flags.DEFINE_integer("repeats", 3, "Timings per steady figure.")
_CALLS = flags.DEFINE_integer("calls", 5, "Calls per steady timing.")
_STEPS_PER_CALL = flags.DEFINE_integer("steps_per_call", 100,
                                       "Steps fused per call.")
_RUNS_PER_PASS = flags.DEFINE_integer(
    "runs_per_pass", 5, "The grouped sweep's config.train.runs_per_pass.")
_SKIP_END_TO_END = flags.DEFINE_bool("skip_end_to_end", False,
                                     "Time the steady figure only.")

LRS = (3e-4, 6e-4, 1e-3, 2e-3)
WEIGHTS = (0.0, 0.03, 0.1, 0.3)
SEEDS = 5


def base_config(steps: int):
  config = configs.get("mode_mixture:gan_si,grid,seeds5")
  config.train.num_steps = steps
  config.train.steps_per_call = _STEPS_PER_CALL.value
  config.train.log_every = config.train.checkpoint_every = steps
  config.train.progress_bar = False
  return config


def point_config(steps: int, lr: float, weight: float):
  config = base_config(steps)
  config.optim.lr, config.gan_si.weight = lr, weight
  return config


def sweep_config(steps: int, runs_per_pass: int = 0):
  config = base_config(steps)
  config.train.runs_per_pass = runs_per_pass
  sweep.add_fields(config, ["sweep.optim.lr", "sweep.gan_si.weight"])
  config.sweep.optim.lr = ",".join(map(str, LRS))
  config.sweep.gan_si.weight = ",".join(map(str, WEIGHTS))
  config.sweep_metric = "modes"
  return config


def _call_time(config) -> float:
  """Seconds per compiled call of `steps_per_call` steps (median)."""
  experiment = recipes.build(config)
  runs = config.num_seeds * len(sweep.points(config))
  init_key, run_key, _ = loop.run_keys(config)
  state = jax.jit(loop.seeded_init(experiment.algorithm, runs))(
      init_key, loop.example_batch(experiment))
  compiled = compile_lib.compile_step(
      experiment.algorithm.phases[0], data_fn=experiment.data_fn,
      steps_per_call=config.train.steps_per_call, num_seeds=runs,
      hyper=sweep.run_values(config, config.num_seeds) or None,
      runs_per_pass=config.train.runs_per_pass)
  state = compiled.put(state)
  state, _, _ = compiled.step_fn(state, run_key)  # Compiled and warmed up.
  jax.block_until_ready(state)
  times = []
  for _ in range(_REPEATS.value):
    start = time.perf_counter()
    for _ in range(_CALLS.value):
      state, metrics, _ = compiled.step_fn(state, run_key)
    jax.block_until_ready((state, metrics))
    times.append((time.perf_counter() - start) / _CALLS.value)
  return statistics.median(times)


def steady() -> tuple[float, float, float]:
  """(sequential, one program, one program in groups) point-steps/s after
  compilation."""
  k = _STEPS_PER_CALL.value
  per_point = [_call_time(point_config(k, lr, w))
               for lr, w in itertools.product(LRS, WEIGHTS)]
  sequential = len(per_point) * k / sum(per_point)
  point_steps = len(LRS) * len(WEIGHTS) * k
  return (sequential, point_steps / _call_time(sweep_config(k)),
          point_steps / _call_time(sweep_config(k, _RUNS_PER_PASS.value)))


def end_to_end(steps: int) -> tuple[float, float]:
  """(sequential, one program) point-steps/s of whole runs."""
  points = list(itertools.product(LRS, WEIGHTS))
  with tempfile.TemporaryDirectory() as tmp:
    start = time.perf_counter()
    for i, (lr, w) in enumerate(points):
      config = point_config(steps, lr, w)
      loop.train(config, f"{tmp}/point{i}", recipes.build(config))
    sequential = len(points) * steps / (time.perf_counter() - start)
    start = time.perf_counter()
    config = sweep_config(steps, _RUNS_PER_PASS.value)
    loop.train(config, f"{tmp}/sweep", recipes.build(config))
    one = len(points) * steps / (time.perf_counter() - start)
  return sequential, one


def main(argv):
  del argv
  print(f"device: {jax.devices()[0].device_kind} ({jax.default_backend()}), "
        f"{len(LRS)} x {len(WEIGHTS)} points x {SEEDS} seeds")
  sequential, one, grouped = steady()
  print(f"steady      sequential {sequential:9.1f} point-steps/s   one "
        f"program {one:9.1f} ({one / sequential:4.2f}x), in groups of "
        f"{_RUNS_PER_PASS.value} {grouped:9.1f} ({grouped / sequential:4.2f}x)",
        flush=True)
  if not _SKIP_END_TO_END.value:
    sequential, one = end_to_end(_STEPS.value)
    print(f"end_to_end  sequential {sequential:9.1f} point-steps/s   one "
          f"program {one:9.1f}   ratio {one / sequential:5.2f}x "
          f"({_STEPS.value} steps)")


if __name__ == "__main__":
  app.run(main)
