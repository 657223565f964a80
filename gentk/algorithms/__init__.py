"""Algorithms: modules + losses + estimators + optimizers as pure functions."""
from gentk.algorithms import adversarial
from gentk.algorithms import gan
from gentk.algorithms.adversarial import Game
from gentk.algorithms.adversarial import make_adversarial
from gentk.algorithms.gan import make_gan
