"""gentk.algorithms."""
