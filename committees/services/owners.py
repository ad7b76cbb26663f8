"""Facts about owners shared by the election and review services (no writes)."""

from __future__ import annotations

from estates.models import Compound, Owner, Ownership


def is_owner_in(*, owner: Owner, compound: Compound) -> bool:
    """DOMAIN 1.1 / 4.1: an owner holds (registered or not) a unit in the compound."""
    return Ownership.objects.filter(owner=owner, compound=compound).exists()


def owners_in(*, owner_ids, compound: Compound) -> set[int]:
    """:func:`is_owner_in` for many owners at once (one query): the ids among
    ``owner_ids`` that hold a unit in the compound."""
    return set(
        Ownership.objects.filter(owner_id__in=list(owner_ids), compound=compound).values_list(
            "owner_id", flat=True
        )
    )
