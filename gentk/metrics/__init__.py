"""Evaluation metrics."""
from gentk.metrics import classifier
from gentk.metrics import manifold
from gentk.metrics import modes
from gentk.metrics.manifold import density_coverage
from gentk.metrics.manifold import manifold_metrics
from gentk.metrics.manifold import precision_recall
from gentk.metrics.modes import mode_metrics
