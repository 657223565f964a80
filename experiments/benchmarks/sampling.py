"""Sampler throughput: many chains under vmap vs one, ours vs BlackJAX's kernels.

  nice -n 5 python -m experiments.benchmarks.sampling [--steps=1000] \
    [--chains=1000] [--repeats=7]

For random-walk MH, MALA and SGLD (exact gradient, constant step) on the 2-D
banana, every setting is one compiled call: `lax.scan` over `--steps`
transitions (`gentk.sampling.run_chain`) of `--chains` chains under `vmap`, or
of 1 chain (10 x `--steps` transitions, so that a call lasts long enough to
time). Prints, after compilation, the fastest of `--repeats` calls (the
least disturbed by other processes) for:
  - chain-steps/s for 1 chain and for C chains, and their ratio (the gain in
    per-chain throughput from batching chains);
  - C chains with our wrapper vs BlackJAX's own kernel (the additive-step
    random walk, `blackjax.mala`, `blackjax.sgld`) in the same loop, timed
    alternately in the same process: the overhead ratio ours / BlackJAX;
  - whether the two compiled programs are identical (optimised HLO compared
    up to instruction names and source metadata): a load-independent check
    that the wrapper adds no computation.
Ratios measured within one run survive a shared machine; absolute figures do
not.
"""
import re
import time
from typing import Callable

from absl import app
from absl import flags
import blackjax
import jax
import jax.numpy as jnp

from gentk.sampling import langevin, mala, metropolis, run_chain, targets

_STEPS = flags.DEFINE_integer("steps", 1000, "Transitions per timed call.")
_CHAINS = flags.DEFINE_integer("chains", 1000, "Chains of the batched runs.")
_REPEATS = flags.DEFINE_integer("repeats", 7, "Timed calls per setting.")

RWMH_STEP, MALA_STEP, SGLD_STEP = 1.0, 0.1, 0.01


def kernels(logdensity_fn: Callable) -> dict[str, dict[str, tuple]]:
  """Per sampler, `{"ours" | "blackjax": (init_fn, step_fn)}`."""
  f = logdensity_fn
  rwmh, mala_kernel = metropolis.build_kernel(), mala.build_kernel()
  sgld_kernel = langevin.build_kernel(SGLD_STEP)
  grad = lambda x, _: jax.grad(f)(x)  # no data: an empty minibatch
  bj_rwmh = blackjax.additive_step_random_walk.normal_random_walk(
      f, jnp.asarray(RWMH_STEP))
  bj_mala, bj_sgld = blackjax.mala(f, MALA_STEP), blackjax.sgld(grad)
  return {
      "rwmh": {
          "ours": (lambda x: metropolis.init(x, f),
                   lambda k, s: rwmh(k, s, f, RWMH_STEP)),
          "blackjax": (bj_rwmh.init, bj_rwmh.step)},
      "mala": {
          "ours": (lambda x: mala.init(x, f),
                   lambda k, s: mala_kernel(k, s, f, MALA_STEP)),
          "blackjax": (bj_mala.init, bj_mala.step)},
      "sgld": {
          "ours": (langevin.init,
                   lambda k, s: sgld_kernel(k, s, grad, ())),
          "blackjax": (bj_sgld.init,
                       lambda k, s: (bj_sgld.step(k, s, (), SGLD_STEP), ()))},
  }


def compiled_run(init_fn, step_fn, num_chains: int, num_steps: int):
  """`run(key) -> final positions [num_chains, 2]`, one compiled call."""

  def one_chain(key):
    key_init, key_run = jax.random.split(key)
    states, _ = run_chain(step_fn, init_fn(jax.random.normal(key_init, (2,))),
                          key_run, num_steps)
    # The last state only: the timing is of the sampler, not of the copy out.
    return jax.tree.leaves(states)[0][-1]

  return jax.jit(lambda key: jax.vmap(one_chain)(
      jax.random.split(key, num_chains)))


def optimized_hlo(fn) -> str:
  """The compiled program of `fn(key)` without names, numbering, metadata."""
  text = fn.lower(jax.random.key(0)).compile().as_text()
  text = re.sub(r", (metadata=\{[^}]*\}|stack_frame_id=\d+)", "", text)
  text = re.sub(r"(%[\w\-]+)\.\d+", r"\1", text)  # %add.12 -> %add
  return "\n".join(  # drop the module name and the source-location tables
      line for line in text.splitlines() if not re.match(
          r"^(\d+ |HloModule|FileNames|FunctionNames|FileLocations|"
          r"StackFrames)", line))


def seconds(fn, key) -> float:
  """Wall seconds of one call of a compiled `fn(key)`."""
  start = time.perf_counter()
  jax.block_until_ready(fn(key))
  return time.perf_counter() - start


def main(argv):
  del argv
  steps, chains, repeats = _STEPS.value, _CHAINS.value, _REPEATS.value
  target = targets.banana()
  print(f"banana (2-D), {jax.devices()[0].platform}, {steps} steps per call, "
        f"fastest of {repeats} calls")
  print(f"{'kernel':6} {'1 chain':>14} {f'{chains} chains':>16} "
        f"{'per-chain gain':>15} {'ours / BlackJAX':>16} {'same program':>13}")
  keys = jax.random.split(jax.random.key(0), repeats + 1)
  for name, pair in kernels(target.logdensity_fn).items():
    runs = {"single": compiled_run(*pair["ours"], 1, 10 * steps),
            "ours": compiled_run(*pair["ours"], chains, steps),
            "blackjax": compiled_run(*pair["blackjax"], chains, steps)}
    times = {setting: [] for setting in runs}
    for fn in runs.values():
      seconds(fn, keys[0])  # compile and warm up every setting first
    for key in keys[1:]:  # interleaved, so load changes hit all alike
      for setting, fn in runs.items():
        times[setting].append(seconds(fn, key))
    single, batched, reference = (min(times[s]) for s in runs)
    rate_1, rate_c = 10 * steps / single, chains * steps / batched
    same = optimized_hlo(runs["ours"]) == optimized_hlo(runs["blackjax"])
    print(f"{name:6} {rate_1:10.0f} st/s {rate_c:12.0f} st/s "
          f"{rate_c / rate_1:14.1f}x {batched / reference:15.3f} "
          f"{'yes' if same else 'no':>13}")
  print("st/s: chain-steps per second (one chain advancing one step = 1).\n"
        "same program: ours and BlackJAX's optimised XLA programs are equal up "
        "to names; if yes, the wrapper adds no computation and any timing "
        "ratio away from 1 is noise.")


if __name__ == "__main__":
  app.run(main)
