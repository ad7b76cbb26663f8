"""Facts about owners shared by the election and review services (no writes)."""

from __future__ import annotations

from estates.models import Compound, Owner, Ownership


def is_owner_in(*, owner: Owner, compound: Compound) -> bool:
    """DOMAIN 1.1 / 4.1: an owner holds (registered or not) a unit in the compound."""
    return Ownership.objects.filter(owner=owner, compound=compound).exists()
