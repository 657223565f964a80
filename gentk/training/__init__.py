"""gentk.training."""
