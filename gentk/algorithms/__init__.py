"""Algorithms: modules + losses + estimators + optimizers as pure functions."""
from gentk.algorithms import adversarial
from gentk.algorithms import began
from gentk.algorithms import classifier
from gentk.algorithms import core
from gentk.algorithms import dcgan
from gentk.algorithms import ebgan
from gentk.algorithms import feature_matching
from gentk.algorithms import fgan
from gentk.algorithms import gan
from gentk.algorithms import infogan
from gentk.algorithms import mmd_gan
from gentk.algorithms import ssgan
from gentk.algorithms import wgan
from gentk.algorithms.adversarial import Game
from gentk.algorithms.adversarial import make_adversarial
from gentk.algorithms.gan import make_gan
