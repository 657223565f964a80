"""The NaN guard names the player whose state turned non-finite, read off
the state (not off metric names), in every family's players."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk import configs
from gentk import recipes
from gentk.data import paths
from gentk.training import compile as compile_lib
from gentk.training import loop

BAD_STEP = 1


@pytest.mark.parametrize("spec, player", [
    ("vae_mnist:quick", "encoder"),
    ("mode_mixture:adagan,quick", "generator_2"),
    ("maskgan_coco:quick", "critic"),
    ("rbm_mnist:quick", "rbm"),
])
def test_a_nan_in_one_player_is_blamed_on_it(spec, player):
  if spec.startswith("maskgan") and not (
      paths.data_dir() / "text" / "image_coco.txt").exists():
    pytest.skip("needs the COCO captions: gentk data fetch coco")
  experiment = recipes.build(configs.get(spec))
  state = loop.init_state(experiment, jax.random.PRNGKey(0))
  assert player in state.params, sorted(state.params)
  phase = experiment.algorithm.phases[0]

  def poisoned(state, batch, key):
    new, metrics = phase.train_step(state, batch, key)
    scale = jnp.where(state.step == BAD_STEP, jnp.nan, 1.0)
    return new.replace(params={**new.params, player: jax.tree.map(
        lambda p: p * scale, new.params[player])}), metrics

  compiled = compile_lib.compile_step(
      phase._replace(train_step=poisoned), data_fn=experiment.data_fn,
      steps_per_call=3, donate=False)
  out, _, failure = compiled.step_fn(compiled.put(state),
                                     jax.random.PRNGKey(1))
  assert int(failure.step) == BAD_STEP
  flagged = [p for p, f in zip(compile_lib.players_of(state),
                               np.asarray(failure.players)) if f]
  assert flagged == [player]
  assert int(out.step) == BAD_STEP  # The last finite state is kept.
