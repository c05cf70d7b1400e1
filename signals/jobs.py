"""Stored jobs of the signals app (core.jobs): a large extract's import, and the evaluation of every rule."""
