"""The catalogue in force in a region: national defaults overridden, item by item, by the
nearest region that configures the same code (DOMAIN rules marked L are local practice)."""

from __future__ import annotations

from django.db.models import Q

from estates.models import PATH_SEP, Region

from ..models import DisclosureItem


def ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split(PATH_SEP) if p]
    return [PATH_SEP.join(parts[: i + 1]) + PATH_SEP for i in range(len(parts))]


def catalogue_for(region: Region) -> list[DisclosureItem]:
    """The active items for compounds in ``region`` (one query)."""
    rows = DisclosureItem.objects.filter(
        Q(region__isnull=True) | Q(region__path__in=ancestor_paths(region.path))
    ).select_related("region")
    chosen: dict[str, DisclosureItem] = {}
    depth: dict[str, int] = {}
    for row in rows:
        row_depth = len(row.region.path) if row.region_id else 0
        if row.code not in chosen or row_depth > depth[row.code]:
            chosen[row.code], depth[row.code] = row, row_depth
    return sorted(
        (item for item in chosen.values() if item.is_active), key=lambda i: (i.sort_order, i.code)
    )
