"""Governance figures for a region's subtree (the numbers of DOMAIN 0.4–0.5).

Each figure is one aggregate query, registered by key in STATISTICS; other apps add theirs
with ``@statistic("committees")`` in their own module (imported from their AppConfig.ready).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count, Q

from .models import (
    Building,
    Compound,
    Grid,
    GridStaff,
    Ownership,
    PropertyCompany,
    Region,
    Unit,
)

StatFunction = Callable[[Region], int]
STATISTICS: dict[str, StatFunction] = {}


class RegionNotFound(LookupError):
    pass


def statistic(key: str) -> Callable[[StatFunction], StatFunction]:
    """Register a figure: a function of the region returning one number."""

    def register(function: StatFunction) -> StatFunction:
        STATISTICS[key] = function
        return function

    return register


def region_find(value: str) -> Region:
    """A region by code, full name or short name (文山州 = 文山壮族苗族自治州 = 532600)."""
    value = (value or "").strip()
    matches = list(Region.objects.filter(Q(code=value) | Q(name=value) | Q(short_name=value)))
    if not matches:
        raise RegionNotFound(value)
    if len(matches) > 1:
        # A code is exact; otherwise prefer the highest level (a county over a village).
        by_code = [r for r in matches if r.code == value]
        matches = by_code or sorted(matches, key=lambda r: (r.level, r.path))
        if not by_code and matches[0].level == matches[1].level:
            raise RegionNotFound(value)
    return matches[0]


def governance_stats(region: Region, keys: list[str] | None = None) -> dict[str, int]:
    return {key: STATISTICS[key](region) for key in (keys or STATISTICS)}


@statistic("compounds")
def compounds_count(region: Region) -> int:
    return Compound.objects.filter(region_path__startswith=region.path).count()


@statistic("buildings")
def buildings_count(region: Region) -> int:
    return Building.objects.filter(compound__region_path__startswith=region.path).count()


@statistic("units")
def units_count(region: Region) -> int:
    return Unit.objects.filter(compound__region_path__startswith=region.path).count()


@statistic("owners")
def owners_count(region: Region) -> int:
    """Distinct owners holding a unit in the region (a developer counts once)."""
    return Ownership.objects.filter(compound__region_path__startswith=region.path).aggregate(
        n=Count("owner_id", distinct=True)
    )["n"]


@statistic("property_companies")
def property_companies_count(region: Region) -> int:
    """Companies registered in the region or serving a compound in it."""
    serving = Compound.objects.filter(region_path__startswith=region.path).values(
        "property_company_id"
    )
    return PropertyCompany.objects.filter(
        Q(region_path__startswith=region.path) | Q(pk__in=serving)
    ).count()


@statistic("red_property_compounds")
def red_property_count(region: Region) -> int:
    return Compound.objects.filter(
        region_path__startswith=region.path, is_red_property=True
    ).count()


@statistic("grids")
def grids_count(region: Region) -> int:
    return Grid.objects.filter(region_path__startswith=region.path).count()


@statistic("grid_staff")
def grid_staff_count(region: Region) -> int:
    return GridStaff.objects.filter(grid__region_path__startswith=region.path).count()
