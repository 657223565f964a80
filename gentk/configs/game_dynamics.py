"""Game dynamics: gradient descent-ascent on min_x max_y xy, and a GAN whose
generator hops between the modes of a 1-D and a 2-D mixture.

Writes `bilinear.png` (orbits of simultaneous and alternating steps and of
the continuous-time flow), `<mixture>/snapshots.png` and
`<mixture>/occupancy.png` (the generator's mass moving from mode to mode),
each GAN run's own files under `<mixture>/`, and `metrics.json`.
  gentk train --config=game_dynamics --workdir=runs/game_dynamics
Variant `quick` (a few hundred GAN steps, for tests).
Run time: about 2 minutes on a 2-core CPU.
Expected (seed 0): simultaneous steps grow the distance to the equilibrium by
sqrt(1 + eta^2) = 1.0049876 per step; alternating steps stay within 1.026 of
the start; the ring GAN holds one mode per snapshot (median), its dominant
mode changing 7 times; the line GAN holds 3 of 4 modes per snapshot.
Reference: Goodfellow 2016, NIPS tutorial, Section 8.2 (non-convergence).
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

MIXTURES = ("line", "ring")


def hopping_gan(name: str, quick: bool) -> ml_collections.ConfigDict:
  """A `gan_mixture` config set up to collapse and hop (Metz et al. 2017,
  Figure 1's setting: a small discriminator, a strong latent): mixture
  `name`."""
  config = groups.mixture_config("gan_mixture",
                                 ["ring", "quick"] if quick else ["ring"])
  config.gan = groups.gan_group()
  config.data.name = name
  config.data.batch_size = 128 if quick else 512
  config.model.latent_dim = 64
  config.model.generator_hidden = (128, 128)
  config.model.discriminator_hidden = (128,)
  config.optim.lr = 1e-3
  config.train.num_steps = 200 if quick else 6_000
  config.train.steps_per_call = 50
  config.train.log_every = 300
  config.train.checkpoint_every = 200 if quick else 3_000
  config.train.keep_checkpoints = 1
  config.train.progress_bar = False
  config.eval.num_samples = 500 if quick else 2_500
  return config


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None (the full demo) or 'quick'."""
  args = spec.variants(arg, __file__, flags=("quick",))
  quick = "quick" in args
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(...).
  config.runner = spec.field("game_dynamics",
                             spec.module_in("gentk.runners"))

  config.bilinear = ml_collections.ConfigDict()
  # The start (x_0, y_0) of every trajectory.
  config.bilinear.z0 = spec.field((1.0, 0.0), spec.finite_floats(2))
  # Step size eta of the discrete steps.
  config.bilinear.eta = spec.field(0.1, spec.positive_float)
  # Steps T (the flow is drawn over t in [0, T eta]).
  config.bilinear.num_steps = spec.field(300, spec.positive_int)

  # Panels of the snapshot grid (evenly spaced over each GAN run).
  config.num_snapshots = spec.field(12, spec.integer(2))
  # Samples drawn per snapshot.
  config.snapshot_samples = spec.field(1_000, spec.positive_int)
  # A sample is near a mode when it is its nearest and within this fraction
  # of the least distance between two modes.
  config.near_radius = spec.field(0.25, spec.real(0, 0.5, open_low=True))
  # A mode "holds" the generator at a snapshot when it has this share of the
  # samples near it.
  config.hold_share = spec.field(0.05, spec.real(0, 1, open_low=True))
  # The GAN runs, one per mixture: each a full `gan_mixture` config.
  for name in MIXTURES:
    config[name] = hopping_gan(name, quick)
  # Checked before anything is written: a snapshot at most every step.
  steps = tuple(f"{name}.train.num_steps" for name in MIXTURES)
  spec.constraint(
      config, ("num_snapshots",) + steps,
      lambda num, *run_steps: num - 1 <= min(run_steps),
      "{0} must be at most one more than the steps of each GAN run ("
      + ", ".join(f"{{{i + 1}}}" for i in range(len(steps))) + ")",
      fix=lambda num, *run_steps: {"num_snapshots": min(12, min(run_steps)
                                                        + 1)},
      breaks=lambda num, *run_steps: {"num_snapshots": min(run_steps) + 2})
  return config
