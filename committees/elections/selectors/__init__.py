"""Reads for elections and the joint review, scoped to the user's jurisdiction."""
