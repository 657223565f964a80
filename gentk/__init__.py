"""gentk: a JAX/Flax toolkit of deep generative models.

The same pieces serve the launcher (`python -m experiments.main`), notebooks
and research code:

  import gentk
  config = ...  # e.g. experiments/configs/gan_mixture.py:get_config()
  summary = gentk.training.train(config, workdir, gentk.recipes.build(config))

Subpackages: `losses`, `estimators`, `sampling`, `models`, `algorithms`,
`training`, `data`, `metrics`.
"""
from gentk import algorithms
from gentk import data
from gentk import estimators
from gentk import losses
from gentk import metrics
from gentk import models
from gentk import parallel
from gentk import recipes
from gentk import sampling
from gentk import training
from gentk.types import Algorithm

__version__ = "0.1.0"
