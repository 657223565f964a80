"""gentk.losses."""
