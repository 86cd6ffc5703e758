"""Worked examples that reproduce published numbers."""
