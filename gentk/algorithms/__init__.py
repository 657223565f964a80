"""Algorithms: modules + losses + estimators + optimizers as pure functions."""
from gentk.algorithms import gan
from gentk.algorithms.gan import make_gan
