"""gentk.metrics."""
