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
"""
import os

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
