"""Data sets drawn inside compiled steps from (key, step)."""
from gentk.data import mixtures
from gentk.data import paths
