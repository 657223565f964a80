"""Evaluation metrics."""
from gentk.metrics import classifier
from gentk.metrics import modes
from gentk.metrics.modes import mode_metrics
