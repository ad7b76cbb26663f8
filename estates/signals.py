"""Signals other apps listen to. Bulk writes (import, seed) bypass model save signals,
so they announce themselves here once, after the transaction commits."""

from django.dispatch import Signal

# Sent with sender=the loading function's module name and counts=LoadCounts.
registry_bulk_changed = Signal()
