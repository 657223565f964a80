r"""Super-resolution: regression, and the inverse problem under a prior.

The low-resolution image is x = U(y), U the average of each f x f block of
the high-resolution y (`downsample`). Three estimates of y from x:

* interpolation: bicubic upsampling of x (`bicubic`);
* regression: a network Phi trained on pairs (x_i, y_i) to minimise
  sum_i ||Phi(x_i) - y_i||^2 (`regression_loss`), which estimates E[y | x];
* the inverse problem (MAP under a prior R):

    y_hat = argmin_y 1/2 ||U(y) - x||^2 + lambda R(y),

  with the total variation R(y) = ||grad y||_1 (`tv_inverse`), or over the
  range of a trained generator G, y = G(z) with R = 1/2 ||z||^2, the
  log-density of its N(0, I) latent (`latent_inverse`).

Both inverses run a fixed number of Adam steps from an initial guess (bicubic;
the encoder's posterior mean of it for the latent one) inside one
`lax.scan`, vmapped over images.

`make_superres` trains what the comparison needs on the same images in one
step: Phi by the regression loss, and a VAE (`gentk.algorithms.vae`) on the
images binarised anew each step, whose decoder's Bernoulli means G(z) are the
learned prior's images.

References:
  Bruna, Sprechmann & LeCun 2016, "Super-resolution with deep convolutional
    sufficient statistics", Section 2 (regression estimates E[y|x]; the
    inverse problem with a prior), https://arxiv.org/abs/1511.05666
  Rudin, Osher & Fatemi 1992, "Nonlinear total variation based noise removal
    algorithms" (the TV prior), https://doi.org/10.1016/0167-2789(92)90242-F
  Bora et al. 2017, "Compressed sensing using generative models" (the
    inverse over a generator's range), https://arxiv.org/abs/1703.03208
"""
from typing import Callable

import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from gentk.algorithms import core
from gentk.algorithms import vae
from gentk.types import Algorithm, Array, ArrayLike, PRNGKey, TrainState

REGRESSOR = "regressor"


def downsample(y: ArrayLike, factor: int) -> Array:
  """U(y): the mean of each `factor` x `factor` block, `[B, H, W, C]` ->
  `[B, H/f, W/f, C]` (H, W divisible by f)."""
  y = jnp.asarray(y)
  b, h, w, c = y.shape
  return y.reshape(b, h // factor, factor, w // factor, factor, c).mean((2, 4))


def bicubic(x: ArrayLike, factor: int) -> Array:
  """Bicubic upsampling by `factor` (Keys' kernel, a = -0.5; JAX's
  `image.resize`), `[B, h, w, C]` -> `[B, f h, f w, C]`, clipped to
  [0, 1]."""
  x = jnp.asarray(x)
  b, h, w, c = x.shape
  return jnp.clip(jax.image.resize(x, (b, h * factor, w * factor, c),
                                   "bicubic"), 0.0, 1.0)


def total_variation(y: ArrayLike, *, smoothing: float = 0.0) -> Array:
  """Anisotropic TV ||grad y||_1 = sum |y[i+1, j] - y[i, j]| + |y[i, j+1] -
  y[i, j]| per image of `[B, H, W, C]`: `[B]`.

  `smoothing` eps > 0 replaces |d| by sqrt(d^2 + eps^2) - eps (Charbonnier),
  differentiable at 0 (gradient 0 there), within eps of |d| per difference.
  """
  y = jnp.asarray(y)

  def norm(d):
    if smoothing == 0.0:
      return jnp.abs(d)
    return jnp.sqrt(d ** 2 + smoothing ** 2) - smoothing

  dv = norm(y[:, 1:] - y[:, :-1]).sum((1, 2, 3))
  dh = norm(y[:, :, 1:] - y[:, :, :-1]).sum((1, 2, 3))
  return dv + dh


def data_fidelity(y: ArrayLike, x: ArrayLike, factor: int) -> Array:
  """1/2 ||U(y) - x||^2 per image: `[B]`."""
  return 0.5 * jnp.sum((downsample(y, factor) - x) ** 2, axis=(1, 2, 3))


def regression_loss(prediction: ArrayLike, y: ArrayLike) -> Array:
  """||Phi(x) - y||^2 per image: `[B]`."""
  return jnp.sum((jnp.asarray(prediction) - y) ** 2, axis=(1, 2, 3))


def _adam_minimise(objective: Callable, init: Array, *, num_steps: int,
                   learning_rate: float,
                   project: Callable = lambda v: v) -> Array:
  """`num_steps` Adam steps on a scalar `objective` from `init` (one
  `lax.scan`), the rate cosine-decayed to 0 (so the iterates settle),
  projecting after each step."""
  optimizer = optax.adam(optax.cosine_decay_schedule(learning_rate,
                                                     num_steps))

  def step(carry, _):
    v, opt_state = carry
    updates, opt_state = optimizer.update(jax.grad(objective)(v), opt_state)
    return (project(optax.apply_updates(v, updates)), opt_state), None

  (v, _), _ = jax.lax.scan(step, (init, optimizer.init(init)), None,
                           length=num_steps)
  return v


def tv_inverse(x: ArrayLike, factor: int, *, weight: float, num_steps: int,
               learning_rate: float = 0.02, init: ArrayLike | None = None,
               smoothing: float = 1e-3) -> Array:
  """argmin over y in [0, 1] of 1/2 ||U(y) - x||^2 + weight * TV(y), each
  image on its own (TV smoothed by `smoothing`, see `total_variation`).

  Args:
    x: low-resolution images `[B, h, w, C]`.
    factor: f.
    weight: lambda.
    num_steps: Adam steps (projected onto [0, 1]).
    learning_rate: Adam's first rate (in intensity units), cosine-decayed.
    init: the start `[B, f h, f w, C]` (default: `bicubic(x)`).
  Returns:
    y_hat `[B, f h, f w, C]`.
  """
  x = jnp.asarray(x)
  y0 = bicubic(x, factor) if init is None else jnp.asarray(init)

  def one(x_i, y_i):
    def objective(y):
      y = y[None]
      return (data_fidelity(y, x_i[None], factor)
              + weight * total_variation(y, smoothing=smoothing))[0]
    return _adam_minimise(objective, y_i, num_steps=num_steps,
                          learning_rate=learning_rate,
                          project=lambda v: jnp.clip(v, 0.0, 1.0))
  return jax.vmap(one)(x, y0)


def latent_inverse(x: ArrayLike, generate: Callable, z0: ArrayLike,
                   factor: int, *, weight: float, num_steps: int,
                   learning_rate: float = 0.05) -> Array:
  """G(z_hat), z_hat = argmin_z 1/2 ||U(G(z)) - x||^2 + weight/2 ||z||^2,
  each image on its own.

  Args:
    x: low-resolution images `[B, h, w, C]`.
    generate: G, `z [N, D] -> images [N, f h, f w, C]` in [0, 1].
    z0: starts `[B, D]` (e.g. an encoder's posterior means of bicubic(x)).
    factor: f.
    weight: lambda (1: the MAP under G's N(0, I) prior with unit noise).
    num_steps: Adam steps.
    learning_rate: Adam's first rate, cosine-decayed.
  Returns:
    y_hat `[B, f h, f w, C]`.
  """
  x = jnp.asarray(x)

  def one(x_i, z_i):
    def objective(z):
      y = generate(z[None])
      return (data_fidelity(y, x_i[None], factor)[0]
              + 0.5 * weight * jnp.sum(z ** 2))
    return _adam_minimise(objective, z_i, num_steps=num_steps,
                          learning_rate=learning_rate)
  return generate(jax.vmap(one)(x, jnp.asarray(z0)))


def make_superres(regressor: nn.Module, encoder: vae.Recognition,
                  decoder: vae.Generative, *, factor: int,
                  optimizer: optax.GradientTransformation,
                  objective: str = "sgvb_b", num_samples: int = 1,
                  axis_name: str | None = None) -> Algorithm:
  r"""Trains the regression network Phi and the VAE prior on images `y`.

  One step: a regression update of `regressor` (Phi(U(y)) against y, Phi
  mapping `[B, h, w, C]` to `[B, f h, f w, C]`), and a VAE update of
  `encoder` / `decoder` on y binarised with this step's key (Bernoulli(y)).

  Args:
    regressor: Phi.
    encoder, decoder: the VAE (`gentk.algorithms.vae`).
    factor: f.
    optimizer: every player's optimizer.
    objective, num_samples: the VAE's bound and K (see `vae.make_vae`).
    axis_name: the `pmap` axis, or None.
  Returns:
    the `Algorithm` on batches `{"x": y [B, H, W, C]}` in [0, 1]; metrics
    `regressor/loss` (mean squared error per image) and `vae/...`;
    `sample(state, key, n)`: the VAE's samples (Bernoulli means).
  """
  optimizers = {REGRESSOR: optimizer, vae.ENCODER: optimizer,
                vae.DECODER: optimizer}
  negative_bound = vae.negative_bound_fn(encoder, decoder, objective,
                                         num_samples)

  def init(key: PRNGKey, batch) -> TrainState:
    y = batch["x"][:1]
    return core.init_state(
        key, {REGRESSOR: (regressor, (downsample(y, factor),)),
              **vae.players(encoder, decoder, y)}, optimizers)

  def regression(params, ctx: core.Context):
    y = ctx.batch["x"]
    prediction = regressor.apply(params[REGRESSOR], downsample(y, factor))
    return jnp.mean(regression_loss(prediction, y)), {}

  def train_step(state: TrainState, batch, key: PRNGKey):
    key_binary, key_vae = jax.random.split(key)
    state, r_metrics = core.update(
        state, (REGRESSOR,), core.Context(batch, key), optimizers=optimizers,
        objective=regression, axis_name=axis_name)
    binary = jax.random.bernoulli(key_binary, batch["x"]).astype(jnp.float32)
    state, v_metrics = core.update(
        state, (vae.ENCODER, vae.DECODER),
        core.Context({"x": binary}, key_vae), optimizers=optimizers,
        objective=negative_bound, axis_name=axis_name)
    return state, {
        **core.prefixed(REGRESSOR, r_metrics), **core.prefixed("vae",
                                                               v_metrics)}

  def sample(state: TrainState, key: PRNGKey, num: int) -> Array:
    return decoder.apply(state.params[vae.DECODER], key, num,
                         method=vae.Generative.generate)

  return Algorithm.single(init, train_step, sample)
