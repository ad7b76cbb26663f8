"""Reads for the grid form's building picker (estates.widgets.BuildingPickerWidget): the
buildings of one community matching a few typed words, and each matching compound as a
whole, all limited to what the user may *manage*.

A community outside the user's manage jurisdiction, or an id of no community at all,
answers like a community without buildings: nothing tells whether it exists. The
number of queries does not grow with the community or the matches (one for the user's
grants, then three at most).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import ngettext

from common.access import scoped
from common.admin_choosers import search_condition
from common.jurisdiction import MANAGE

from .choices import RegionLevel
from .models import Building, Compound
from .pinyin import pinyin_order

#: At most this many entries (whole compounds first, then buildings) per answer.
LIMIT = 10
#: At most this many "whole compound" entries.
COMPOUND_LIMIT = 3
#: A query longer than this is not a search for a building (a pasted page): no answer.
QUERY_MAX_CHARS = 100
BUILDING_FIELDS = ["name", "compound__name", "compound__name_pinyin"]
COMPOUND_FIELDS = ["name", "name_pinyin"]


@dataclass(frozen=True)
class PickedBuilding:
    id: int
    label: str


@dataclass(frozen=True)
class PickerOption:
    """One entry of the search box: a building, or a whole compound's buildings."""

    label: str
    detail: str = ""
    buildings: list[PickedBuilding] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "label": self.label,
            "detail": self.detail,
            "buildings": [{"id": b.id, "label": b.label} for b in self.buildings],
        }


def building_label(building: Building) -> str:
    return f"{building.compound.name} {building.name}"


def buildings_for_grid(*, user, community: str | int | None, q: str) -> list[PickerOption]:
    """Whole compounds of ``community`` whose name matches every word of ``q``, then its
    buildings whose name or compound's name (or pinyin) does, ten entries at most."""
    community = str(community or "")
    q = (q or "").strip()
    if not community.isdigit() or not q or len(q) > QUERY_MAX_CHARS:
        return []
    in_community = Q(region_id=community, region__level=RegionLevel.COMMUNITY)
    options = _whole_compounds(user=user, in_community=in_community, q=q)
    condition = search_condition(q, BUILDING_FIELDS)
    if condition is None:
        return options
    buildings = (
        scoped(Building, user=user, level=MANAGE)
        .filter(compound__region_id=community, compound__region__level=RegionLevel.COMMUNITY)
        .filter(condition)
        .select_related("compound")
        .order_by(pinyin_order("compound__name"), "name", "pk")[: LIMIT - len(options)]
    )
    for building in buildings:
        options.append(
            PickerOption(
                label=building_label(building),
                buildings=[PickedBuilding(building.pk, building_label(building))],
            )
        )
    return options


def _whole_compounds(*, user, in_community: Q, q: str) -> list[PickerOption]:
    condition = search_condition(q, COMPOUND_FIELDS)
    if condition is None:
        return []
    compounds = list(
        scoped(Compound, user=user, level=MANAGE)
        .filter(in_community)
        .filter(condition)
        .annotate(building_count=Count("buildings"))
        .filter(building_count__gt=0)
        .order_by(pinyin_order("name"), "pk")[:COMPOUND_LIMIT]
    )
    if not compounds:
        return []
    by_compound: dict[int, list[PickedBuilding]] = {c.pk: [] for c in compounds}
    buildings = (
        scoped(Building, user=user, level=MANAGE)
        .filter(compound__in=list(by_compound))
        .select_related("compound")
        .order_by("compound_id", "name", "pk")
    )
    for building in buildings:
        by_compound[building.compound_id].append(
            PickedBuilding(building.pk, building_label(building))
        )
    return [
        PickerOption(label=compound.name, detail=_whole(len(picked)), buildings=picked)
        for compound in compounds
        if (picked := by_compound[compound.pk])
    ]


def _whole(count: int) -> str:
    return ngettext("整个小区（%(count)d 栋）", "整个小区（%(count)d 栋）", count) % {
        "count": count
    }
