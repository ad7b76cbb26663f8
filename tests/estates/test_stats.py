"""governance_stats: figures of a region's subtree, each checked against an independent count."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from estates import stats
from estates.models import Compound, Grid, GridStaff, Ownership, PropertyCompany, Unit
from tests.factories import make_compound, valid_credit_code

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("governance_stats", *args, stdout=out)
    return out.getvalue()


def expected_for(path: str) -> dict[str, int]:
    """Counted in Python from whole tables, without the selectors' queries."""
    compounds = [c for c in Compound.objects.all() if c.region.path.startswith(path)]
    ids = {c.pk for c in compounds}
    units = [u for u in Unit.objects.all() if u.building.compound_id in ids]
    owners = {o.owner_id for o in Ownership.objects.all() if o.unit.building.compound_id in ids}
    companies = {
        p.pk
        for p in PropertyCompany.objects.all()
        if p.region.path.startswith(path) or p.compounds.filter(pk__in=ids).exists()
    }
    grids = [g for g in Grid.objects.all() if g.region.path.startswith(path)]
    return {
        "compounds": len(compounds),
        "buildings": len({u.building_id for u in units}),
        "units": len(units),
        "owners": len(owners),
        "property_companies": len(companies),
        "red_property_compounds": sum(c.is_red_property for c in compounds),
        "grids": len(grids),
        "grid_staff": sum(GridStaff.objects.filter(grid=g).count() for g in grids),
    }


@pytest.fixture
def richer_tree(tree):
    from estates import services

    company = services.property_company_create(
        name="文山恒安物业服务有限公司", credit_code=valid_credit_code(4242), region=tree.county
    )
    make_compound(
        region=tree.communities[0],
        name="翠湖花园小区",
        units=7,
        property_company=company,
        is_red_property=True,
    )
    make_compound(region=tree.communities[3], name="滨江雅苑", units=3, property_company=company)
    return tree


@pytest.mark.parametrize("region", ["文山州", "文山壮族苗族自治州", "532600"])
def test_json_for_the_prefecture_matches_independent_counts(richer_tree, region):
    figures = json.loads(run("--region", region, "--format", "json"))
    assert figures.pop("region") == {"code": "532600", "name": "文山壮族苗族自治州"}
    expected = expected_for(richer_tree.prefecture.path)
    assert {k: figures[k] for k in expected} == expected
    assert figures["compounds"] == 6 and figures["red_property_compounds"] == 1


def test_a_street_counts_only_its_subtree(richer_tree):
    street = richer_tree.streets[1]
    figures = json.loads(run("--region", street.name, "--format", "json"))
    figures.pop("region")
    expected = expected_for(street.path)
    assert {k: figures[k] for k in expected} == expected
    assert figures["compounds"] == 3 and figures["units"] == 4 + 4 + 3
    # The company is registered in the county but serves a compound here.
    assert figures["property_companies"] == 1


def test_text_format_lists_every_key(richer_tree):
    text = run("--region", "文山州")
    assert text.startswith("文山壮族苗族自治州（532600）")
    for key in stats.STATISTICS:
        assert key in text


def test_unknown_region_is_an_error(tree):
    with pytest.raises(CommandError, match="找不到区域"):
        run("--region", "火星州")


def test_other_apps_register_figures(tree, django_assert_num_queries):
    @stats.statistic("communities_with_compounds")
    def communities(region):
        return (
            Compound.objects.filter(region_path__startswith=region.path)
            .values("region")
            .distinct()
            .count()
        )

    try:
        figures = json.loads(run("--region", "532601", "--format", "json"))
        assert figures["communities_with_compounds"] == 4
        # One aggregate query per figure.
        with django_assert_num_queries(len(stats.STATISTICS)):
            stats.governance_stats(tree.county)
    finally:
        del stats.STATISTICS["communities_with_compounds"]
