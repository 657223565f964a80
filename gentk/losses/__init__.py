"""Per-example, unreduced losses of the generative models."""
from gentk.losses import adversarial
from gentk.losses.adversarial import discriminator_loss
from gentk.losses.adversarial import generator_loss
from gentk.losses.adversarial import maximum_likelihood_generator_loss
from gentk.losses.adversarial import minimax_generator_loss
from gentk.losses.adversarial import nonsaturating_generator_loss
