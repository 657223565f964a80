"""Steps/s of the default experiment: K fused steps per call and S seeds.

  python -m experiments.benchmarks.throughput [--steps=2000] [--config=...]

Prints, measured in one run after compilation: steps/s for K=1 and K=100
steps per call (S=1), and for S=1 vs S=8 seeds on the seed axis (K=100),
where S=8 counts seed-steps (8 runs advance one step each per step).
"""
import time

from absl import app
from absl import flags
import jax

from gentk.configs import gan_mixture
from gentk import recipes
from gentk import training

_STEPS = flags.DEFINE_integer("steps", 2000, "Steps timed per setting.")
_VARIANT = flags.DEFINE_string("variant", "grid", "gan_mixture variant.")


def initial_state(experiment: training.Experiment, keys, num_seeds: int):
  """The initial state of one run (`keys` one key) or of `num_seeds` runs
  stacked on a leading seed axis (`keys` `[num_seeds]` keys)."""
  if num_seeds == 1:
    return training.init_state(experiment, keys)
  return jax.vmap(lambda k: training.init_state(experiment, k))(keys)


def steps_per_second(k: int, num_seeds: int, num_steps: int) -> float:
  """Steps/s of the last phase, `k` steps per call and `num_seeds` seeds."""
  exp = recipes.build(gan_mixture.get_config(_VARIANT.value))
  key = jax.random.PRNGKey(0)
  keys = key if num_seeds == 1 else jax.random.split(key, num_seeds)
  state = initial_state(exp, keys, num_seeds)
  phases = exp.algorithm.phases
  cs = training.compile_step(
      phases[-1], data_fn=exp.data_fn, phase_index=len(phases) - 1,
      steps_per_call=k, num_seeds=num_seeds if num_seeds > 1 else None)
  state, _, _ = cs.step_fn(cs.put(state), keys)  # Compile and warm up.
  jax.block_until_ready(state)
  calls = max(1, num_steps // k)
  start = time.perf_counter()
  for _ in range(calls):
    state, metrics, _ = cs.step_fn(state, keys)
  jax.block_until_ready((state, metrics))
  return calls * k / (time.perf_counter() - start)


def main(argv):
  del argv
  n = _STEPS.value
  print(f"gan_mixture:{_VARIANT.value}, {jax.devices()[0].platform}, "
        f"{jax.device_count()} device(s), {n} steps per setting")
  k1 = steps_per_second(1, 1, n)
  k100 = steps_per_second(100, 1, n)
  s8 = steps_per_second(100, 8, n)
  print(f"K=1   S=1: {k1:8.1f} steps/s")
  print(f"K=100 S=1: {k100:8.1f} steps/s  ({k100 / k1:.2f}x K=1)")
  print(f"K=100 S=8: {s8:8.1f} steps/s per seed, {8 * s8:8.1f} seed-steps/s "
        f"({8 * s8 / k100:.2f}x S=1)")


if __name__ == "__main__":
  app.run(main)
