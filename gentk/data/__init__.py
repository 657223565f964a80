"""gentk.data."""
