"""gentk.models."""
