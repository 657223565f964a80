"""The loop's monitored curves: logged at the phase's monitoring steps, from
the state at exactly that step, once each, also across a resume."""
from gentk.training import loop
from gentk.training import writers
from tests.algorithms import seqgan_util as util


def _experiment():
  def monitor(state, key):
    del key
    return {"step_seen": float(state.step)}
  return util.experiment()._replace(
      monitor=monitor, monitor_every={"mle": 7, "adversarial": 3})


def test_monitoring_steps_values_and_resume(tmp_path):
  # Phases: mle steps 0..30, discriminator pre-training 30..34 (not
  # monitored), adversarial 34..40; calls of 4 steps must stop at 7, 14, ...
  loop.train(util.config(32), tmp_path, _experiment())
  loop.train(util.config(40), tmp_path, _experiment())  # Resumed at 32.
  records = [r for r in writers.read_metrics(tmp_path)
             if "monitor/step_seen" in r]
  steps = [r["step"] for r in records]
  assert steps == [0, 7, 14, 21, 28, 30, 34, 37, 40]
  assert all(r["monitor/step_seen"] == r["step"] for r in records)
  assert [r["phase_name"] for r in records] == ["mle"] * 6 + [
      "adversarial"] * 3
