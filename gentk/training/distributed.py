"""Multi-host runs: one process per host, one program over every device.

A run over several processes is the `sharded` mode over a mesh of all
processes' devices (`jax.devices()` is global once initialised): the state is
replicated, each step's global batch is drawn inside the program from
`(key, step)` under a sharding constraint on the example axis, so XLA
partitions the draw and each process computes only its own shard of the
batch; the gradients are reduced across processes by the same program. The
result is the same function of `(key, step)` as a one-process run over as many
devices. Process 0 writes the config, metrics, plots and summary; Orbax writes
checkpoints with every process taking part.

Initialisation comes from the environment, before any JAX computation
(`experiments/main.py` calls `initialize_from_environment` first):

* `GENTK_NUM_PROCESSES=N` (N > 1), `GENTK_PROCESS_ID=i`,
  `GENTK_COORDINATOR=host:port` (process 0's address): an explicit cluster,
  e.g. several processes on one machine;
* `GENTK_DISTRIBUTED=auto`: `jax.distributed.initialize()` detects the
  cluster itself (Cloud TPU pods, SLURM, Kubernetes with JAX's env vars).

On CPU the cross-process collectives use Gloo.
"""
import os

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P

from gentk.types import PyTree

NUM_PROCESSES = "GENTK_NUM_PROCESSES"
PROCESS_ID = "GENTK_PROCESS_ID"
COORDINATOR = "GENTK_COORDINATOR"
AUTO = "GENTK_DISTRIBUTED"


def initialize_from_environment() -> bool:
  """Calls `jax.distributed.initialize` when the environment asks for
  several processes (see the module docstring); True when it did."""
  if os.environ.get(AUTO) == "auto":
    jax.distributed.initialize()
    return True
  num = int(os.environ.get(NUM_PROCESSES, "1"))
  if num <= 1:
    return False
  missing = [v for v in (PROCESS_ID, COORDINATOR) if v not in os.environ]
  if missing:
    raise ValueError(f"{NUM_PROCESSES}={num} needs {' and '.join(missing)}: "
                     f"e.g. {COORDINATOR}=localhost:12355 {PROCESS_ID}=0.")
  if "cpu" in os.environ.get("JAX_PLATFORMS", "cpu"):
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
  jax.distributed.initialize(coordinator_address=os.environ[COORDINATOR],
                             num_processes=num,
                             process_id=int(os.environ[PROCESS_ID]))
  return True


def is_multiprocess() -> bool:
  """Whether this run spans several processes."""
  return jax.process_count() > 1


def is_primary() -> bool:
  """Whether this process writes the run's files (process 0)."""
  return jax.process_index() == 0


def replicated_sharding(axis_name: str) -> NamedSharding:
  """Full replication over the mesh of every process's devices."""
  return NamedSharding(Mesh(np.array(jax.devices()), (axis_name,)), P())


def replicate_global(tree: PyTree, axis_name: str) -> PyTree:
  """`tree` (the same values in every process) as global arrays replicated
  on every device of every process."""
  sharding = replicated_sharding(axis_name)
  host = jax.device_get(tree)
  return jax.tree.map(
      lambda x: jax.make_array_from_callback(np.shape(x), sharding,
                                             lambda index, x=x: np.asarray(x)[index]),
      host)


def to_host(tree: PyTree) -> PyTree:
  """NumPy copies of a (replicated) state, readable by any one process."""
  return jax.tree.map(
      lambda x: np.asarray(x.addressable_data(0)) if isinstance(x, jax.Array)
      else np.asarray(x), tree)
