"""gentk.estimators."""
