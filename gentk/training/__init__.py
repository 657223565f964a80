"""The training runtime: compile, loop, checkpoints, writers."""
from gentk.training.checkpoint import Checkpointer
from gentk.training.checkpoint import state_digest
from gentk.training.compile import by_hand
from gentk.training.compile import compile_step
from gentk.training.compile import counted
from gentk.training.compile import CounterError
from gentk.training.compile import CompiledStep
from gentk.training.compile import MODES
from gentk.training.compile import no_failure
from gentk.training.compile import players_of
from gentk.training.config import ConfigError
from gentk.training.config import validate
from gentk.training.loop import Experiment
from gentk.training.loop import init_state
from gentk.training.loop import NonFiniteError
from gentk.training.loop import restore_state
from gentk.training.loop import train

