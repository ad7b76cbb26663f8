"""Writes for elections and the joint review."""
