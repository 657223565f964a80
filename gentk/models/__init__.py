"""Flax modules."""
from gentk.models.mlp import MLP
