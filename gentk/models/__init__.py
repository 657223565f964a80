"""Flax modules."""
from gentk.models import autoencoder
from gentk.models import boltzmann
from gentk.models import classifier
from gentk.models import conv
from gentk.models import dcgan
from gentk.models import image_mlp
from gentk.models import lstm
from gentk.models import minibatch_discrimination
from gentk.models import mlp
from gentk.models.mlp import MLP
