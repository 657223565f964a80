"""gentk.sampling."""
