"""Evaluation metrics."""
from gentk.metrics import modes
from gentk.metrics.modes import mode_metrics
