"""Owners' committees, property management committees, elections and vetting."""
