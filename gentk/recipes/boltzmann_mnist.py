"""Recipe: an RBM (`gentk.algorithms.rbm`, CD-k or PCD) or a DBM
(`gentk.algorithms.dbm`) on binarised MNIST, scored by annealed importance
sampling (`gentk.sampling.ais`).

Evaluation: $\\log Z$ by AIS from the base-rate model fitted to the training
pixels, with its standard error and $\\pm 3$ standard-error interval; the
test log-likelihood $\\frac1N \\sum_n \\log p^*(v_n) - \\log \\hat Z$, exact
given $Z$ for an RBM ($\\log p^* = -F(v)$) and the variational lower bound
for a DBM ($\\log p^* \\ge -E(v, \\mu) + H(\\mu)$, mean field); a check of
AIS, `log_z_floor`, a sure lower bound on $\\log Z$ (`ais_below_floor` when
the estimate falls under it: AIS missed the model's mass); filters (the
first layer's weights) and samples from long Gibbs chains as PNG.
"""
import functools
import pathlib
import time

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import optax

from gentk import plotting
from gentk.algorithms import dbm
from gentk.algorithms import rbm
from gentk.data import mnist
from gentk.models import boltzmann
from gentk.sampling import ais
from gentk.sampling import gibbs
from gentk.training.loop import Experiment
from gentk.recipes import evaluation
from gentk.data import digits

METHODS = ("rbm", "dbm")
CHUNK = 1_000  # Test images scored per compiled call.
BASE_BATCHES = 20  # Training batches the DBM's AIS base model is fitted to.


def _optimizer(optim: ml_collections.ConfigDict, lr: float, num_steps: int):
  """SGD with momentum and weight decay, the rate decaying linearly from
  `lr` to `lr * optim.final_lr_fraction` over `num_steps`."""
  rate = optax.linear_schedule(lr, lr * optim.final_lr_fraction,
                               max(num_steps, 1))
  return rbm.optimizer(rate, momentum=optim.momentum,
                       weight_decay=optim.weight_decay)


def algorithm_of(config: ml_collections.ConfigDict, visible_bias,
                 axis_name: str | None):
  """`(algorithm, player)`: the RBM or DBM of `config` and the name of the
  player whose machine is scored."""
  m, o, t = config.model, config.optim, config.train
  sizes = (int(np.prod(mnist.IMAGE_SHAPE)),) + tuple(m.hidden)
  if config.method == "rbm":
    if len(sizes) != 2:
      raise ValueError(
          f"config.model.hidden={tuple(m.hidden)} has {len(sizes) - 1} "
          "layers: an RBM has one, e.g. --config.model.hidden='(500,)'.")
    settings = rbm.Settings(k=m.k, persistent=m.persistent,
                            num_chains=m.num_chains,
                            sample_steps=config.eval.sample_steps)
    return rbm.make_rbm(
        sizes[0], sizes[1], optimizer=_optimizer(o, o.lr, t.num_steps),
        settings=settings, visible_bias=visible_bias,
        weight_scale=m.weight_scale, axis_name=axis_name), rbm.RBM
  joint_steps = t.num_steps - (len(sizes) - 1) * m.pretrain_steps
  settings = dbm.Settings(
      pretrain_steps=m.pretrain_steps, pretrain_k=m.k,
      num_chains=m.num_chains, gibbs_steps=m.gibbs_steps,
      mean_field_tolerance=m.mean_field_tolerance,
      mean_field_iterations=m.mean_field_iterations,
      sample_steps=config.eval.sample_steps)
  return dbm.make_dbm(
      sizes, optimizer=_optimizer(o, o.lr, joint_steps),
      pretrain_optimizer=_optimizer(o, o.pretrain_lr, m.pretrain_steps),
      settings=settings, visible_bias=visible_bias,
      weight_scale=m.weight_scale, axis_name=axis_name), dbm.DBM


def log_p_tilde_fn(method: str, config: ml_collections.ConfigDict):
  """`(machine, v [B, V]) -> [B]`: $\\log p^*(v)$ (RBM: $-F(v)$) or its
  mean-field lower bound (DBM)."""
  if method == "rbm":
    return lambda machine, v: -gibbs.free_energy(
        machine, (v, jnp.zeros(v.shape[:-1] + machine.biases[1].shape)))
  m = config.model

  def bound(machine, v):
    mu, _ = dbm.mean_field(machine, v, tolerance=m.mean_field_tolerance,
                           max_iterations=m.mean_field_iterations)
    return dbm.unnormalized_bound(machine, mu)
  return bound


def score(log_p_tilde, machine, images: np.ndarray) -> np.ndarray:
  """$\\log p^*$ of every image, `CHUNK` per compiled call."""
  fn = jax.jit(log_p_tilde)
  flat = images.reshape(len(images), -1).astype(np.float32)
  return np.concatenate([np.asarray(fn(machine, flat[i:i + CHUNK]))
                         for i in range(0, len(flat), CHUNK)])


def log_z_floor(machine: gibbs.LayeredParams, extras) -> float:
  """A sure lower bound on log Z from the training state: $\max_x -F(x)$
  over the persistent chains (PCD, DBM), since $\log Z = \log \sum_x
  e^{-F(x)} \ge -F(x)$ for every x; -inf without chains. The evaluation
  raises it with the scored images' $\log p^*$ (or its bound)."""
  chains = (extras or {}).get("chains")
  if chains is None:
    return -np.inf
  layers = chains if isinstance(chains, tuple) else (
      chains, jnp.zeros(chains.shape[:-1] + machine.biases[1].shape))
  return float(jnp.max(-gibbs.free_energy(machine, layers)))


def filters_grid(weights: np.ndarray, num: int = evaluation.GRID_SIZE
                 ) -> np.ndarray:
  """The first `num` hidden units' weights as images `[num, 28, 28, 1]`,
  each scaled to [0, 1]."""
  w = np.asarray(weights)[:, :num].T
  low, high = w.min(axis=1, keepdims=True), w.max(axis=1, keepdims=True)
  return ((w - low) / np.maximum(high - low, 1e-8)).reshape(
      (-1,) + mnist.IMAGE_SHAPE)


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """See `experiments/configs/rbm_mnist.py` and `dbm_mnist.py`."""
  e = config.eval
  data = digits.binary_digits(config)
  base_bias = ais.base_rate_bias(data.pixel_means.reshape(-1),
                                 data.num_train)
  visible_bias = base_bias if config.model.base_rate_init else None
  algorithm, player = algorithm_of(config, visible_bias, axis_name)
  log_p_tilde = log_p_tilde_fn(config.method, config)
  betas = (ais.published_betas(e.ais_transitions) if e.ais_schedule ==
           "published" else ais.linear_betas(e.ais_transitions))
  estimate = jax.jit(functools.partial(ais.log_normalizer,
                                       num_runs=e.ais_runs))

  def ais_base(machine):
    """The base-rate visible bias; a DBM's even hidden layers fitted to the
    mean-field marginals of `BASE_BATCHES` training batches."""
    if config.method == "rbm":
      return base_bias
    m = config.model
    x = data.data_fn(jax.random.PRNGKey(config.seed), 0, BASE_BATCHES)["x"]
    v = rbm.flat(x.swapaxes(0, 1).reshape((-1,) + mnist.IMAGE_SHAPE))
    return jax.jit(functools.partial(
        dbm.ais_base_biases, tolerance=m.mean_field_tolerance,
        max_iterations=m.mean_field_iterations))(machine, v, base_bias)

  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    ais_key, sample_key = jax.random.split(key)
    machine = gibbs.LayeredParams(*boltzmann.machine(state.params[player]))
    start = time.perf_counter()
    z = estimate(ais_key, machine, ais_base(machine), betas)
    log_z = float(z.log_z)
    result = {"log_z": log_z, "log_z_stderr": float(z.log_z_stderr),
              "log_z_lower": float(z.log_z_lower),
              "log_z_upper": float(z.log_z_upper),
              "log_z_base": float(z.log_z_base),
              "ais_seconds": time.perf_counter() - start,
              "ais_transitions": len(betas) - 1, "ais_runs": e.ais_runs}
    floor = log_z_floor(machine, state.extras)
    for split, images in (("test", data.test), ("valid", data.valid)):
      log_p = score(log_p_tilde, machine, images)
      floor = max(floor, float(np.max(log_p)))
      values = log_p - log_z
      result[f"{split}_log_likelihood"] = float(np.mean(values))
      # Over images only: the AIS error of log Z is log_z_stderr.
      result[f"{split}_log_likelihood_stderr"] = float(
          np.std(values, ddof=1) / np.sqrt(len(values)))
    result["log_z_floor"] = floor
    # AIS underestimates log Z when it misses modes; below the floor it has.
    result["ais_below_floor"] = bool(log_z < floor)
    result["num_test"] = len(data.test)
    result["test_is_lower_bound"] = config.method == "dbm"
    plotting.image_grid(filters_grid(machine.weights[0]),
                        workdir / evaluation.png_name("filters", tag))
    samples = np.asarray(algorithm.sample(state, sample_key,
                                          evaluation.GRID_SIZE))
    plotting.image_grid(samples.reshape((-1,) + mnist.IMAGE_SHAPE),
                        workdir / evaluation.png_name("samples", tag))
    return result

  return Experiment(algorithm, data.data_fn, evaluate)
