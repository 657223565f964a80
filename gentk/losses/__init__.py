"""Per-example, unreduced losses of the generative models."""
from gentk.losses import adversarial
from gentk.losses import energy
from gentk.losses import fgan
from gentk.losses import information
from gentk.losses import mmd
from gentk.losses import semi_supervised
from gentk.losses import wasserstein
from gentk.losses.adversarial import discriminator_loss
from gentk.losses.adversarial import generator_loss
from gentk.losses.adversarial import maximum_likelihood_generator_loss
from gentk.losses.adversarial import minimax_generator_loss
from gentk.losses.adversarial import nonsaturating_generator_loss
