"""Optimizers from a config's `optim` group: Adam or RMSProp with an optional
cosine decay, the two time-scale split, and Adam with a scheduled step size
that keeps a constant-rate Adam's state layout.

References:
  Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization",
    https://arxiv.org/abs/1412.6980
  Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge
    to a Local Nash Equilibrium", https://arxiv.org/abs/1706.08500
"""
import functools

import jax
import ml_collections
import optax

from gentk.training import sweep
from gentk.training.config import ConfigError

OPTIMIZERS = ("adam", "rmsprop")


def optimizer(optim: ml_collections.ConfigDict, num_steps: int | None = None,
              rate: optax.Schedule | None = None, lr=None
              ) -> optax.GradientTransformation:
  """Adam (`lr`, `b1`, `b2`, and `eps` when the group has it) or RMSProp
  (`lr`, `decay`) from `optim.name` (Adam when the group has no `name`).
  When the group has `final_lr_fraction` under 1 (the final rate as a
  fraction of `lr`; 1 or no field: a constant rate), the rate decays from
  `lr` to `lr * final_lr_fraction` over `num_steps` (cosine,
  `optax.cosine_decay_schedule`); a `rate` schedule given replaces it.
  `lr`, when given, replaces `optim.lr`: a swept rate
  (`gentk.training.sweep.Hyper`) becomes a schedule read at each update, so
  the rate is the traced run's."""
  name = optim.get("name", "adam")
  lr = optim.lr if lr is None else lr
  if rate is None:
    alpha = optim.get("final_lr_fraction", 1.0)
    if isinstance(lr, sweep.Hyper):
      rate = functools.partial(_swept_rate, lr, num_steps, alpha)
    else:
      rate = _rate(lr, num_steps, alpha)
  if name == "adam":
    return optax.adam(rate, b1=optim.b1, b2=optim.b2,
                      eps=optim.get("eps", 1e-8))
  if name == "rmsprop":
    return optax.rmsprop(rate, decay=optim.decay)
  raise ConfigError(f"config.optim.name={name!r} is unknown: use one of "
                    f"{OPTIMIZERS}, e.g. --config.optim.name=adam.")


def _rate(lr, num_steps: int | None, alpha: float):
  """`lr`, or its cosine decay to `lr * alpha` over `num_steps`."""
  if alpha == 1.0:
    return lr
  return optax.cosine_decay_schedule(lr, num_steps, alpha=alpha)


def _swept_rate(lr: sweep.Hyper, num_steps: int | None, alpha: float, count):
  """The rate at update `count` of a swept `lr`: `_rate` of the traced run's
  value, read when the update is traced."""
  rate = _rate(lr.value(), num_steps, alpha)
  return rate(count) if callable(rate) else rate


def clipped_adam(lr: float | optax.Schedule, max_norm: float
                 ) -> optax.GradientTransformation:
  """Adam on gradients whose global norm is clipped to `max_norm` (the
  sequence GANs' generator, policy-gradient and actor optimizers); `lr` a
  rate or a schedule of the update count (see `scheduled_adam`)."""
  adam = scheduled_adam(lr) if callable(lr) else optax.adam(lr)
  return optax.chain(optax.clip_by_global_norm(max_norm), adam)


def scheduled_adam(rate: optax.Schedule) -> optax.GradientTransformation:
  r"""Adam (Kingma & Ba 2015, Algorithm 1) whose step size at update t is
  `rate(t)`: \theta_{t+1} = \theta_t - rate(t) \hat m_t / (\sqrt{\hat v_t}
  + \epsilon), t being Adam's own update count, with the state layout of a
  constant-rate `optax.adam` (`optax.adam` with a schedule adds a counter of
  its own). A player whose optimizer state is re-initialised between phases
  (SeqGAN's generator: MLE, then a fresh Adam for the policy gradient) can
  then change a constant rate for a decaying one in the same state slot.
  Updates have the shapes of the parameters."""
  inner = optax.scale_by_adam()

  def init(params):
    return (inner.init(params), optax.EmptyState())

  def update(updates, state, params=None):
    adam_state, empty = state
    step_size = rate(adam_state.count)
    updates, adam_state = inner.update(updates, adam_state, params)
    return (jax.tree.map(lambda u: -step_size * u, updates),
            (adam_state, empty))

  return optax.GradientTransformation(init, update)


def optimizers(optim: ml_collections.ConfigDict, num_steps: int | None = None,
               lr=None) -> tuple[optax.GradientTransformation,
                          optax.GradientTransformation]:
  """`(generator, discriminator)` optimizers from `optim` (see `optimizer`;
  `num_steps`, the length of a decaying rate's schedule);
  `optim.generator_lr > 0` gives the generator its own learning rate (the
  two time-scale setting of Heusel et al. 2017; InfoGAN's 1e-3 vs 2e-4)."""
  generator_lr = lr
  if optim.get("generator_lr", 0.0) > 0:
    generator_lr = optim.generator_lr
  return (optimizer(optim, num_steps, lr=generator_lr),
          optimizer(optim, num_steps, lr=lr))
