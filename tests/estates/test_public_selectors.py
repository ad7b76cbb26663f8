"""Public region reads: compound counts of every level from one grouped query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from estates import selectors, services
from estates.choices import RegionLevel
from estates.models import Compound, Region
from tests.factories import make_compound

pytestmark = pytest.mark.django_db


@pytest.fixture
def uneven(tree):
    """The tree's four compounds plus three more in the first community, and a street with
    a community but no compounds at all."""
    for i in range(3):
        make_compound(region=tree.communities[0], name=f"加建{i}号小区", units=1)
    empty_street = services.region_create(
        code="532601009", name="空白街道", level=RegionLevel.STREET, parent=tree.county
    )
    services.region_create(
        code="532601009001", name="空白社区", level=RegionLevel.COMMUNITY, parent=empty_street
    )
    return tree


def _expected(region: Region) -> int:
    return Compound.objects.filter(region_path__startswith=region.path).count()


def test_counts_match_a_count_per_region(uneven):
    counts = selectors.compound_counts_under()
    regions = list(Region.objects.all())
    assert len(regions) == 11
    for region in regions:
        assert counts.get(region.path, 0) == _expected(region), region.name
    assert counts[uneven.province.path] == 7
    assert counts[uneven.communities[0].path] == 4
    assert Region.objects.get(code="532601009").path not in counts  # nothing below it


def test_counts_within_a_subtree_stay_inside_it(uneven):
    street = uneven.streets[1]
    counts = selectors.compound_counts_under(street.path)
    assert counts[street.path] == _expected(street) == 2
    # Only the street and the regions below it: no partial figures for its ancestors.
    assert counts and all(path.startswith(street.path) for path in counts)
    assert uneven.county.path not in counts and uneven.streets[0].path not in counts


def test_region_page_reads_take_fixed_queries(uneven):
    with CaptureQueriesContext(connection) as ctx:
        county = selectors.region_get_public(code=uneven.county.code)
        children = selectors.region_list_children(parent=county)
    assert len(ctx.captured_queries) == 3  # region, its subtree's counts, its children
    assert county.compound_count == 7
    assert {c.name: c.compound_count for c in children} == {
        "开化街道": 5,
        "卧龙街道": 2,
        "空白街道": 0,
    }


def test_children_by_code_and_roots(uneven):
    streets = selectors.region_list_children_by_code(code=uneven.county.code)
    # Pinyin order: 开化 (kai), 空白 (kong), 卧龙 (wo).
    assert [(s.name, s.compound_count) for s in streets] == [
        ("开化街道", 5),
        ("空白街道", 0),
        ("卧龙街道", 2),
    ]
    (province,) = selectors.region_list_children_by_code(code=None)
    assert province.compound_count == 7
    assert selectors.region_list_children_by_code(code="532601009001") == []
    top, totals = selectors.portal_overview()
    assert [(r.code, r.compound_count) for r in top] == [("530000", 7), ("532600", 7)]
    assert totals == {"compounds": 7, "red_property": 0}


def test_search_folds_case_only_where_letters_have_case(uneven):
    make_compound(region=uneven.communities[1], name="SOHO现代城", units=1)

    def names(q: str) -> list[str]:
        return [c.name for c in selectors.compound_list_public(q=q)]

    def sql(q: str) -> str:
        return str(selectors.compound_list_public(q=q).query).upper()

    assert names("soho") == names("SoHo") == ["SOHO现代城"]
    assert names("现代城") == ["SOHO现代城"]
    assert sorted(names("阳光")) == sorted(c.name for c in uneven.compounds)
    # A query without cased letters is matched as it is, with no case folding of every row
    # (on SQLite both are the same LIKE; PostgreSQL folds with UPPER()).
    if connection.vendor == "postgresql":
        assert "UPPER(" not in sql("阳光") and "UPPER(" in sql("soho")


def test_front_page_totals_count_red_property_compounds(uneven):
    make_compound(
        region=uneven.communities[3], name="红色物业示范小区", units=1, is_red_property=True
    )
    with CaptureQueriesContext(connection) as ctx:
        _regions, totals = selectors.portal_overview()
    assert len(ctx.captured_queries) == 2
    assert (
        totals
        == {
            "compounds": Compound.objects.count(),
            "red_property": Compound.objects.filter(is_red_property=True).count(),
        }
        == {"compounds": 8, "red_property": 1}
    )
