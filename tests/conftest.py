"""Suite-wide setting: XLA compiles the tests' programs for speed of compiling.

The suite's programs are tiny, so XLA's CPU compiler, not running them, takes
most of its time (a SeqGAN kill-and-resume probe spends 28 of its 39 seconds
compiling 29 programs). The tests compile without LLVM's optimisation passes
and with XLA's classic loop emitters (`FAST_COMPILE`): that probe takes 17
seconds. Such a build rounds differently from an optimised one (the probe's
final state hash changes), and every comparison in the suite is between runs
of the same build (subprocesses inherit the flags: `xla_flags`). Launches,
notebooks run by hand, the notebook tests whose time goes to running rather
than compiling (`tests/colabs/test_notebooks.py`) and `experiments/benchmarks/`
keep XLA's defaults (`OPTIMISED`).

The suite's processes (pytest-xdist workers, the launches and notebook kernels
they start) share one persistent compilation cache for the session
(`JAX_COMPILATION_CACHE_DIR`): a killed-and-resumed run, a notebook and the
launch of the same config compile their programs once. The cache is keyed by
the program, the backend and XLA_FLAGS, and a cached executable is the one
that was compiled, so results do not change.
"""
import atexit
import os
import shutil
import tempfile

FAST_COMPILE = ("--xla_backend_optimization_level=0 "
                "--xla_llvm_disable_expensive_passes=true "
                "--xla_cpu_use_fusion_emitters=false")


def xla_flags(*flags: str) -> str:
  """The suite's XLA_FLAGS (this process's, which include FAST_COMPILE) with
  `flags` added, for a subprocess's environment."""
  return " ".join((os.environ.get("XLA_FLAGS", ""),) + flags).strip()


# XLA_FLAGS as the suite was started with: XLA's optimising build. (pytest-xdist
# workers inherit the controller's environment, FAST_COMPILE already in it.)
OPTIMISED = " ".join(
    os.environ.get("XLA_FLAGS", "").replace(FAST_COMPILE, "").split())
# Before any test module imports jax (conftest.py is imported first).
os.environ["XLA_FLAGS"] = " ".join((OPTIMISED, FAST_COMPILE)).strip()

# One compilation cache for the whole session (workers and their subprocesses
# inherit it); removed by the process that made it. Programs that take 0.1 s
# or more to compile are cached (a SeqGAN quick launch: 43 s -> 31 s the
# second time).
if "JAX_COMPILATION_CACHE_DIR" not in os.environ:
  _CACHE = tempfile.mkdtemp(prefix="gentk-tests-xla-cache-")
  os.environ["JAX_COMPILATION_CACHE_DIR"] = _CACHE
  os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0.1")
  atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
