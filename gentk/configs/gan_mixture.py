"""GAN on the 2-D mixtures of the PacGAN protocol (the quick-start experiment).

MLPs 3 x 128, batch 256, Adam 1e-3, 10,000 steps; scored on 2,500 samples.
  gentk train --config=gan_mixture --workdir=runs/quickstart
Variants: `grid` (default) or `ring`; `seeds5` (5 seeds on the seed axis);
`bn_maxout` (PacGAN's kinds of players), `long` (80,000 steps), `reference`
(the PacGAN code's setting, 400,000 steps: a GPU budget), `reference100k`
(those players over 100,000 steps); `quick` (a few seconds).
Run time (2-core CPU): about a minute (grid, one seed); with `seeds5`,
`bn_maxout` 16 minutes, `long` 25 minutes, `reference100k` 2 h 05 min.
Expected (5 seeds, median (range); modes / high quality / reverse KL): grid
11 (10-12) / 62.0% (54.2-74.0) / 1.30 (1.19-1.51); ring 8 (7-8) / 94.8%
(46.3-96.5) / 0.057 (0.014-0.321); `reference100k` (grid) 18 (15-19) / 92.3%
(87.5-93.4) / 0.61 (0.39-0.84).
Reference (PacGAN, Table 1): GAN ring 6.3 / 98.2% / 0.45, grid 17.3 / 94.8% /
0.70.
"""
import ml_collections

from gentk.configs import groups
from gentk.training import spec

DATASETS = groups.MIXTURE_DATASETS
FLAGS = groups.MIXTURE_FLAGS
# Players and schedules (`groups.MIXTURE_SETTINGS`); `reference` and
# `reference100k` are whole settings: they take neither other players nor
# another schedule.
EXCLUSIVE = (DATASETS, *groups.MIXTURE_SETTING_GROUPS)


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated of {'grid', 'ring', 'quick', 'seeds5',
  'bn_maxout', 'long', 'reference', 'reference100k'}."""
  args = spec.variants(arg, __file__, default="grid", exclusive=EXCLUSIVE,
                       flags=FLAGS)
  # Runner, recipe, seeds, data, players, schedule, Adam, loop and scoring
  # of every mixture config, the variants applied.
  config = groups.mixture_config("gan_mixture", args)
  config.gan = groups.gan_group()
  return config
