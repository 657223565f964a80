r"""The semi-implicit generator (SIG) and the GAN regularised by it (GAN-SI).

SIG: $\theta = g_\phi(z)$, $z \sim N(0, I)$, $x \sim N(\theta, \sigma^2 I)$;
$\phi$ minimises the finite-mixture cross-entropy $H_M$ of a data batch of N
against M generated $\theta$'s (`gentk.losses.semi_implicit`, Eq. 6 of Yin &
Zhou). One player, one objective: maximum likelihood without a
discriminator.

GAN-SI: a GAN whose discriminator loss is unchanged (Eq. 11) and whose
generator loss adds $\lambda H_M$ of the last data batch against the
generated batch (the $\theta_j$ are the generated samples themselves):
$-\frac1M \sum_j \log D(\theta_j) + \lambda H_M$ (Eq. 12, with the sign the
text intends: the paper's Eq. 12 as printed would push the likelihood down).
`with_sig` adds the term to any `Game`.

References:
  Yin & Zhou 2019, "Semi-Implicit Generative Model",
    https://arxiv.org/abs/1905.12659 (Eqs. 3, 6, 11, 12; Algorithm 1)
"""
import flax.linen as nn
import jax
import jax.numpy as jnp
import optax

from gentk.algorithms import adversarial
from gentk.algorithms import core
from gentk.algorithms import gan
from gentk.losses import semi_implicit
from gentk.types import Algorithm, PRNGKey, TrainState

GENERATOR = adversarial.GENERATOR


def make_sig(generator: nn.Module, *, latent_dim: int, sigma: float,
             num_mixture: int, optimizer: optax.GradientTransformation,
             axis_name: str | None = None) -> Algorithm:
  r"""SIG trained on $H_M$.

  Args:
    generator: $g_\phi$, `[M, latent_dim]` -> $\theta$ `[M, ...]` (the data's
      example shape).
    latent_dim: the dimension of z.
    sigma: the Gaussian kernel's standard deviation.
    num_mixture: M, the $\theta$'s drawn per step (against the whole batch).
    optimizer: the generator's optimizer.
    axis_name: the `pmap` axis, or None.
  Returns:
    the `Algorithm` (one phase); metrics `generator/loss` ($H_M$);
    `sample(state, key, n)` draws $x = \theta + \sigma \epsilon$.
  """
  optimizers = {GENERATOR: optimizer}

  def thetas(params, key: PRNGKey, num: int):
    return generator.apply(params, jax.random.normal(key, (num, latent_dim)))

  def objective(params, ctx: core.Context):
    theta = thetas(params[GENERATOR], ctx.key, num_mixture)
    return semi_implicit.sig_loss(ctx.batch["x"], theta, sigma), {}

  def init(key: PRNGKey, batch) -> TrainState:
    return core.init_state(
        key, {GENERATOR: (generator, (jnp.zeros((1, latent_dim)),))},
        optimizers)

  def train_step(state: TrainState, batch, key: PRNGKey):
    ctx = core.Context(batch, key)
    state, metrics = core.update(state, (GENERATOR,), ctx,
                                 optimizers=optimizers, objective=objective,
                                 axis_name=axis_name)
    return state, core.prefixed(GENERATOR,
                                                             metrics)

  def sample(state: TrainState, key: PRNGKey, num: int):
    key_z, key_x = jax.random.split(key)
    theta = thetas(state.params[GENERATOR], key_z, num)
    return theta + sigma * jax.random.normal(key_x, theta.shape)

  return Algorithm.single(init, train_step, sample)


def with_sig(game: adversarial.Game, *, weight: float, sigma: float
             ) -> adversarial.Game:
  r"""`game` with $\lambda H_M$ (`weight` = $\lambda$, Gaussian kernel of
  std `sigma`) added to the generator loss, $H_M$ of the generator step's
  data batch against its generated batch; metric `sig` is $H_M$."""
  def generator_loss(d_variables, ctx):
    loss, metrics = game.generator_loss(d_variables, ctx)
    h_m = semi_implicit.sig_loss(ctx.batch["x"], ctx.samples, sigma)
    return loss + weight * h_m, {**metrics, "sig": h_m}
  return game._replace(generator_loss=generator_loss)


def make_gan_si(generator: nn.Module, discriminator: nn.Module, *,
                latent_dim: int, weight: float, sigma: float,
                generator_cost: str = "nonsaturating", **schedule
                ) -> Algorithm:
  """GAN-SI: the GAN of `gentk.algorithms.gan` with `with_sig`'s generator
  term; `schedule` as `make_gan`'s."""
  game = with_sig(gan.gan_game(adversarial.TrainMode(discriminator),
                               adversarial.gaussian_latent(latent_dim),
                               generator_cost=generator_cost),
                  weight=weight, sigma=sigma)
  return adversarial.make_adversarial(generator, discriminator, game,
                                      **schedule)
