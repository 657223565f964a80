r"""Steps/s and achieved TFLOP/s of the DCGAN GAN step (width 64, MNIST shapes).

  python -m experiments.benchmarks.dcgan                    # backend default
  python -m experiments.benchmarks.dcgan --batch=64,256 --k=1,100 \
      --dtype=float32,bfloat16 --impl=auto --seconds=3      # the GPU sweep

Prints the device kind and the jax version, then one line per setting
(batch B, K fused steps per call, computation dtype, convolution impl): steps/s
and TFLOP/s, the FLOPs being XLA's cost analysis of the K = 1 step lowered
for CPU (`cost_analysis()`; the GPU's misses cuDNN / cuBLAS calls; it counts
a `lax.scan` body once, so the K = 1 count per step is used for every K; the
'native' program counts 13.1 GFLOP at batch 64, the 'patches' one 15.5). Each setting is compiled and run once
before it is timed, then timed for `--seconds` of wall time in chunks of
calls ended by `block_until_ready`; `--repeats` > 1 times the settings
round-robin (so a shared CPU's load falls on all of them alike) and prints the
median. Batches are uniform noise drawn inside the step, as MNIST batches are
(the step's cost does not depend on the pixels).

Defaults: on CPU only batch 64, K = 1, float32 (one step takes ~0.25 s on a
2-core machine); on GPU/TPU the whole sweep (2 x 2 x 2 settings, ~3 s each).
Targets: >= 8 steps/s on the 2-core CPU; >= 3,000 steps/s at batch 64 and
>= 1,500 at batch 256 on one H200.
"""
import itertools
import statistics
import time

from absl import app
from absl import flags
import jax
import jax.numpy as jnp
import optax

from gentk.algorithms import dcgan
from gentk.training import compile as compile_lib

_BATCH = flags.DEFINE_list("batch", None, "Batch sizes (default: per backend).")
_K = flags.DEFINE_list("k", None, "Steps fused per call (default: per backend).")
_DTYPE = flags.DEFINE_list("dtype", None, "Computation dtypes, e.g. "
                           "float32,bfloat16 (default: per backend).")
_IMPL = flags.DEFINE_list("impl", ["auto"], "Convolution impls "
                          "(gentk.models.conv.IMPLS) to compare.")
_UPSAMPLE = flags.DEFINE_list("upsample", ["subpixel"], "The generator's x2 "
                              "layers to compare: subpixel, transposed.")
_WIDTH = flags.DEFINE_integer("width", 64, "DCGAN width W.")
_SECONDS = flags.DEFINE_float("seconds", 3.0, "Wall time per setting.")
_REPEATS = flags.DEFINE_integer("repeats", 1, "Timings per setting (median).")


def make_step(*, batch: int, k: int, dtype, impl: str, width: int,
              upsample: str = "subpixel", latent_dim: int = 64):
  """`(step_fn, state, key)` of the compiled DCGAN GAN step.

  `gentk.algorithms.dcgan.make_dcgan` (latent 64, Adam 2e-4, beta1 0.5, one
  discriminator step) with `impl`, `dtype` and the generator's `upsample`
  layers, compiled by the runtime.
  """
  adam = optax.adam(2e-4, b1=0.5)
  alg = dcgan.make_dcgan(latent_dim=latent_dim, width=width, impl=impl,
                         dtype=dtype, upsample=upsample,
                         generator_optimizer=adam,
                         discriminator_optimizer=adam)

  def data_fn(key, step, num_batches=None):
    key = jax.random.fold_in(key, step)
    inner = () if num_batches is None else (num_batches,)
    return {"x": jax.random.uniform(key, (batch, *inner, 28, 28, 1))}

  key = jax.random.PRNGKey(0)
  phase = alg.phases[-1]
  state = alg.init(key, data_fn(key, 0, phase.num_batches))
  cs = compile_lib.compile_step(phase, data_fn=data_fn, steps_per_call=k)
  return cs.step_fn, cs.put(state), key


def flops_per_call(step_fn, state, key) -> float:
  """XLA's FLOP count of one call, from the program lowered for CPU.

  The count is a property of the program, but only XLA:CPU's cost analysis
  sees every operation: the GPU's misses library calls (cuDNN convolutions,
  cuBLAS matmuls; measured on an H200: 0.28 of 13 GFLOP) or returns none. 0
  when no count is available.
  """
  program = jax.jit(step_fn)  # The compiled step, inlined.
  try:
    lowered = program.trace(state, key).lower(lowering_platforms=("cpu",))
    cost = lowered.cost_analysis()
  except Exception:  # pylint: disable=broad-except
    cost = program.lower(state, key).compile().cost_analysis()
  if isinstance(cost, (list, tuple)):
    cost = cost[0] if cost else {}
  return float((cost or {}).get("flops", 0.0))


class Timer:
  """Runs one compiled setting for a wall time and counts steps."""

  def __init__(self, step_fn, state, key, k: int):
    self.step_fn, self.state, self.key, self.k = step_fn, state, key, k
    self.calls = 1
    self._run(1)  # Compiles and warms up.

  def _run(self, calls: int):
    for _ in range(calls):
      self.state, metrics, _ = self.step_fn(self.state, self.key)
    jax.block_until_ready((self.state, metrics))

  def steps_per_second(self, seconds: float) -> float:
    steps, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
      tick = time.perf_counter()
      self._run(self.calls)
      steps += self.calls * self.k
      if time.perf_counter() - tick < 0.1:  # Longer chunks, fewer syncs.
        self.calls *= 2
    return steps / elapsed


def _defaults(values, cpu, accelerator):
  if values is not None:
    return values
  return cpu if jax.default_backend() == "cpu" else accelerator


def main(argv):
  del argv
  batches = [int(b) for b in _defaults(_BATCH.value, ["64"], ["64", "256"])]
  ks = [int(k) for k in _defaults(_K.value, ["1"], ["1", "100"])]
  dtypes = _defaults(_DTYPE.value, ["float32"], ["float32", "bfloat16"])
  print(f"device: {jax.devices()[0].device_kind} ({jax.default_backend()}), "
        f"jax {jax.__version__}, DCGAN width {_WIDTH.value}, "
        f"{_SECONDS.value:g} s per setting, {_REPEATS.value} repeat(s)",
        flush=True)
  settings = list(itertools.product(batches, dtypes, _IMPL.value,
                                    _UPSAMPLE.value, ks))
  flops, timers = {}, {}
  for batch, dtype, impl, upsample, k in settings:
    args = dict(batch=batch, dtype=jnp.dtype(dtype), impl=impl,
                upsample=upsample, width=_WIDTH.value)
    if (batch, dtype, impl, upsample) not in flops:
      flops[batch, dtype, impl, upsample] = flops_per_call(
          *make_step(k=1, **args))
    timers[batch, dtype, impl, upsample, k] = Timer(
        *make_step(k=k, **args), k)
  rates = {s: [] for s in settings}
  for _ in range(_REPEATS.value):
    for s in settings:
      rates[s].append(timers[s].steps_per_second(_SECONDS.value))
  for batch, dtype, impl, upsample, k in settings:
    rate = statistics.median(rates[batch, dtype, impl, upsample, k])
    gflop = flops[batch, dtype, impl, upsample] / 1e9
    runs = " ".join(f"{r:.1f}" for r in rates[batch, dtype, impl, upsample, k])
    print(f"batch {batch:4d} K={k:<3d} {dtype:8s} impl={impl:7s} "
          f"upsample={upsample:10s} "
          f"{rate:9.1f} steps/s  {gflop:6.2f} GFLOP/step  "
          f"{rate * gflop / 1e3:7.3f} TFLOP/s  (runs: {runs})", flush=True)


if __name__ == "__main__":
  app.run(main)
