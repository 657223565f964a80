"""Tests for gentk.models.lstm."""
import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from gentk.data import paths
from gentk.models import lstm

V, E, H = 7, 4, 3


def _per_gate_arrays(seed=0):
  rng = np.random.default_rng(seed)
  arrays = {"embedding": rng.normal(size=(V, E)), "Wo": rng.normal(size=(H, V)),
            "bo": rng.normal(size=V)}
  for g in ("i", "f", "og", "c"):
    arrays["W" + g] = rng.normal(size=(E, H))
    arrays["U" + g] = rng.normal(size=(H, H))
    arrays["b" + g] = rng.normal(size=H)
  return arrays


def _numpy_step(a, c, h, token):
  """The SeqGAN cell written gate by gate (data README), in float64."""
  sigmoid = lambda z: 1 / (1 + np.exp(-z))
  x = a["embedding"][token]
  gate = lambda g: x @ a["W" + g] + h @ a["U" + g] + a["b" + g]
  c = sigmoid(gate("f")) * c + sigmoid(gate("i")) * np.tanh(gate("c"))
  h = sigmoid(gate("og")) * np.tanh(c)
  return h @ a["Wo"] + a["bo"], c, h


def test_step_matches_the_gate_by_gate_cell():
  arrays = _per_gate_arrays()
  model = lstm.LSTMLanguageModel(V, E, H)
  step = lstm.policy_step_fn(model)
  params = lstm.params_from_gates(arrays)
  state, c, h = model.initial_state(), np.zeros(H), np.zeros(H)
  for token in (0, 3, 6, 1):  # a few steps so c and h are non-zero
    logits, state = step(params, state, token)
    expected, c, h = _numpy_step(arrays, c, h, token)
    np.testing.assert_allclose(logits, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(state.h, h, rtol=1e-5, atol=1e-6)


def test_teacher_forcing_equals_stepping_from_the_start_token():
  model = lstm.LSTMLanguageModel(V, E, H, start_token=2)
  tokens = jnp.array([[1, 4, 0, 6, 5], [3, 3, 2, 1, 0]])
  params = model.init(jax.random.PRNGKey(0), tokens)["params"]
  assert params["input_kernel"].shape == (E, 4 * H)
  logits = model.apply({"params": params}, tokens)
  assert logits.shape == (2, 5, V)
  step = jax.jit(functools.partial(lstm.policy_step_fn(model), params))
  state, token = model.initial_state((2,)), jnp.array([2, 2])
  for t in range(5):
    step_logits, state = step(state, token)
    np.testing.assert_allclose(logits[:, t], step_logits, rtol=1e-5, atol=1e-6)
    token = tokens[:, t]


def test_step_is_vmappable_row_by_row():
  model = lstm.LSTMLanguageModel(V, E, H)
  params = lstm.params_from_gates(_per_gate_arrays(1))
  step = functools.partial(lstm.policy_step_fn(model), params)
  state = lstm.LSTMState(jnp.ones((4, H)), -jnp.ones((4, H)))
  tokens = jnp.array([0, 1, 5, 6])
  batched, _ = step(state, tokens)
  mapped, _ = jax.vmap(step)(state, tokens)
  np.testing.assert_allclose(batched, mapped, rtol=1e-6, atol=1e-6)


def test_oracle_parameters_load_and_score_random_tokens():
  if not (paths.data_dir() / "seqgan/oracle_lstm_params.npz").exists():
    pytest.skip("needs the SeqGAN oracle: gentk data fetch seqgan_oracle")
  arrays = dict(np.load(paths.require("seqgan/oracle_lstm_params.npz")))
  model = lstm.LSTMLanguageModel(5000, 32, 32)
  params = lstm.params_from_gates(arrays)
  tokens = jax.random.randint(jax.random.PRNGKey(0), (200, 20), 0, 5000)
  logits = jax.jit(lambda p, t: model.apply({"params": p}, t))(params, tokens)
  nll = -jnp.take_along_axis(jax.nn.log_softmax(logits), tokens[..., None], -1)
  per_sequence = np.asarray(nll.mean(axis=(1, 2)), np.float64)
  # Data README: 11.44 per token on uniform tokens; 4 SE over 200 sequences.
  se = per_sequence.std(ddof=1) / np.sqrt(per_sequence.size)
  assert abs(per_sequence.mean() - 11.44) < 4 * se + 0.01, (per_sequence.mean(), se)
