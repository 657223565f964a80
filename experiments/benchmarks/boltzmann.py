"""Speed of the Boltzmann-machine steps and of AIS at MNIST sizes.

  python -m experiments.benchmarks.boltzmann [--repeats=3] [--ais_runs=100]

Times, after compilation, as the median of `--repeats` timings of `--calls`
calls each (`block_until_ready`), on random binary batches of 100 images:

  * `rbm_cd1`, `rbm_cd25`, `rbm_pcd`: one update of a 784-500 RBM (steps/s);
  * `dbm_pretrain`, `dbm_joint`: one pre-training update of the bottom RBM
    and one joint update (mean field up to 30 sweeps, 5 Gibbs transitions of
    100 chains) of a 784-500-1000 DBM (`--dbm_hidden`) (steps/s);
  * `ais_rbm`: AIS with the published 14,500-transition schedule and
    `--ais_runs` runs on the 784-500 RBM (seconds, one timing);
  * `ais_dbm`: the same with 20,000 transitions on the DBM (seconds).

Everything runs in one process on the default backend; the device is printed.
"""
import statistics
import time

from absl import app
from absl import flags
import jax
import numpy as np

from gentk.algorithms import dbm
from gentk.algorithms import rbm
from gentk.models import boltzmann
from gentk.sampling import ais
from gentk.sampling import gibbs

_REPEATS = flags.DEFINE_integer("repeats", 3, "Timings per figure (median).")
_CALLS = flags.DEFINE_integer("calls", 20, "Calls per timing.")
_AIS_RUNS = flags.DEFINE_integer("ais_runs", 100, "AIS runs (M).")
_DBM_HIDDEN = flags.DEFINE_list("dbm_hidden", ["500", "1000"],
                                "The DBM's hidden layers.")
_SKIP_AIS = flags.DEFINE_bool("skip_ais", False, "Time the steps only.")

V, B = 784, 100


def _steps_per_s(step, state, batch) -> float:
  step = jax.jit(step)
  key = jax.random.PRNGKey(1)
  state, _ = step(state, batch, key)  # Compiled and warmed up.
  jax.block_until_ready(state)
  times = []
  for _ in range(_REPEATS.value):
    start = time.perf_counter()
    for _ in range(_CALLS.value):
      state, _ = step(state, batch, key)
    jax.block_until_ready(state)
    times.append((time.perf_counter() - start) / _CALLS.value)
  return 1.0 / statistics.median(times)


def _ais_seconds(machine, num_transitions: int) -> float:
  estimate = jax.jit(lambda key, m, b, betas: ais.log_normalizer(
      key, m, b, betas, _AIS_RUNS.value))
  base = np.full((V,), -1.0, np.float32)
  betas = ais.published_betas(num_transitions)
  jax.block_until_ready(estimate(jax.random.PRNGKey(0), machine, base, betas))
  start = time.perf_counter()
  jax.block_until_ready(estimate(jax.random.PRNGKey(1), machine, base, betas))
  return time.perf_counter() - start


def main(argv):
  del argv
  print("device:", jax.devices()[0].device_kind, jax.__version__)
  batch = {"x": (np.random.default_rng(0).uniform(size=(B, V)) < 0.13
                 ).astype(np.float32)}
  optimizer = rbm.optimizer(0.05, momentum=0.9, weight_decay=2e-4)
  for name, settings in (("rbm_cd1", rbm.Settings(k=1)),
                         ("rbm_cd25", rbm.Settings(k=25)),
                         ("rbm_pcd", rbm.Settings(k=1, persistent=True))):
    algorithm = rbm.make_rbm(V, 500, optimizer=optimizer, settings=settings)
    state = algorithm.init(jax.random.PRNGKey(0), batch)
    print(f"{name:14s} {_steps_per_s(algorithm.train_step, state, batch):8.1f}"
          " steps/s")
  sizes = (V,) + tuple(int(n) for n in _DBM_HIDDEN.value)
  algorithm = dbm.make_dbm(sizes, optimizer=optimizer,
                           settings=dbm.Settings(pretrain_steps=1))
  state = algorithm.init(jax.random.PRNGKey(0), batch)
  for name, phase in (("dbm_pretrain", 0), ("dbm_joint", -1)):
    rate = _steps_per_s(algorithm.phases[phase].train_step, state, batch)
    print(f"{name:14s} {rate:8.1f} steps/s  ({sizes})")
  if _SKIP_AIS.value:
    return
  rbm_state = rbm.make_rbm(V, 500, optimizer=optimizer).init(
      jax.random.PRNGKey(0), batch)
  machine = gibbs.LayeredParams(*boltzmann.machine(rbm_state.params[rbm.RBM]))
  print(f"ais_rbm        {_ais_seconds(machine, 14_500):8.1f} s "
        f"(14,500 transitions, {_AIS_RUNS.value} runs)")
  machine = gibbs.LayeredParams(*boltzmann.machine(state.params[dbm.DBM]))
  print(f"ais_dbm        {_ais_seconds(machine, 20_000):8.1f} s "
        f"(20,000 transitions, {_AIS_RUNS.value} runs)")


if __name__ == "__main__":
  app.run(main)
