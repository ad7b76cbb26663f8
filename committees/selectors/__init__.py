"""Reads for committees: scoped querysets, rule profiles, public data and alarms."""
