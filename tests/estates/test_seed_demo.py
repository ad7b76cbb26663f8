"""The demo seed: deterministic, through the import's loading code, DOMAIN 0.5 figures."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from common.jurisdiction import MANAGE, VIEW, jurisdiction_of
from common.validators import validate_credit_code, validate_id_number
from estates import demo
from estates.choices import GridRole, OwnerKind, RegionLevel
from estates.models import (
    Building,
    Compound,
    Department,
    Grid,
    GridStaff,
    Owner,
    PropertyCompany,
    Region,
    Unit,
)

pytestmark = pytest.mark.django_db


def test_plan_is_deterministic_and_has_the_wenshan_figures():
    first, second = demo.wenshan_plan(), demo.wenshan_plan()
    assert first == second
    assert len(first.compounds) == 873
    assert sum(p.is_red_property for p in first.compounds) == 11
    assert sum(first.companies.values()) == 157
    counties = {s.name: s.code for s in first.regions if s.level == RegionLevel.COUNTY}
    assert counties == {
        "文山市": "532601",
        "砚山县": "532622",
        "西畴县": "532623",
        "麻栗坡县": "532624",
        "马关县": "532625",
        "丘北县": "532626",
        "广南县": "532627",
        "富宁县": "532628",
    }
    sizes = [p.units for p in first.compounds]
    assert 150_000 <= sum(sizes) <= 250_000
    assert sum(s >= 1000 for s in sizes) >= 5 and sum(s <= 60 for s in sizes) >= 50
    # Compound names are unique in their community (the registry's natural key).
    assert len({(p.community_code, p.name) for p in first.compounds}) == 873


def test_province_plan_keeps_wenshan_identical():
    plans = demo.province_plans()
    assert [p.code for p in plans] == [p[0] for p in demo.PREFECTURES]
    assert len(plans) == 16
    assert sum(len(p.compounds) for p in plans) == 18_800
    wenshan = next(p for p in plans if p.code == "532600")
    assert wenshan == demo.wenshan_plan()
    units = sum(c.units for p in plans for c in p.compounds)
    assert 1_700_000 <= units <= 2_300_000
    names = {p.regions[0].name for p in plans}
    assert {"昆明市", "红河哈尼族彝族自治州", "迪庆藏族自治州", "文山壮族苗族自治州"} <= names


def test_small_seed_builds_a_consistent_registry(capsys):
    call_command("seed_demo", compounds=12)
    out = capsys.readouterr().out
    wenshan = Region.objects.get(code="532600")
    assert wenshan.short_name == "文山州" and wenshan.parent.code == "530000"
    compounds = Compound.objects.filter(region_path__startswith=wenshan.path)
    assert compounds.count() == 12
    planned = demo.wenshan_plan().compounds[:12]
    assert sorted(compounds.values_list("name", flat=True)) == sorted(p.name for p in planned)
    assert Unit.objects.count() == sum(p.units for p in planned)
    # Owners: valid identity numbers; developers hold credit codes.
    for owner in Owner.objects.all()[:500]:
        if owner.kind == OwnerKind.PERSON:
            validate_id_number(owner.id_number)
        else:
            validate_credit_code(owner.id_number)
    for company in PropertyCompany.objects.all():
        validate_credit_code(company.credit_code)
    assert PropertyCompany.objects.filter(region_path__startswith=wenshan.path).count() == 157
    # Every building is in a grid; every grid has the four posts of the sign (DOMAIN 0.1).
    assert not Building.objects.filter(grids__isnull=True).exists()
    roles = Counter(GridStaff.objects.values_list("role", flat=True))
    grids = Grid.objects.count()
    assert grids > 0 and roles == dict.fromkeys(GridRole.values, grids)
    assert Department.objects.filter(region__level=RegionLevel.COUNTY).count() == 8 * 6
    # One login per role, with jurisdiction through role_assign.
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) >= {"admin", "jiedao", "shequ", "shencha", "yewei", "wuye"}
    assert jurisdiction_of(users["jiedao"], MANAGE).paths == (
        Region.objects.get(name="开化街道").path,
    )
    assert jurisdiction_of(users["shencha"], VIEW).paths == (
        Region.objects.get(code="532601").path,
    )
    assert len(jurisdiction_of(users["yewei"], VIEW).compound_ids) == 1
    assert users["jiedao"].check_password(demo.DEMO_PASSWORD)
    assert "jiedao" in out and demo.DEMO_PASSWORD in out


def test_seed_twice_adds_nothing_and_if_empty_only_prints_logins(capsys):
    call_command("seed_demo", compounds=5)
    counts = {m: m.objects.count() for m in (Region, Compound, Unit, Owner, Grid, GridStaff)}
    call_command("seed_demo", compounds=5)
    assert {m: m.objects.count() for m in counts} == counts
    capsys.readouterr()
    call_command("seed_demo", "--if-empty")
    out = capsys.readouterr().out
    assert "admin" in out and Compound.objects.count() == counts[Compound]


# The whole 文山州 seed is checked once, in tests/committees/test_demo_seed.py.


def test_small_seed_gives_streets_and_communities_office_phones_and_pinyin(capsys):
    """Compound pages list the community's and street's office phones; names sort by pinyin."""
    call_command("seed_demo", compounds=5)
    local = Region.objects.filter(level__gte=RegionLevel.STREET)
    assert local.exists() and not local.filter(office_phone="").exists()
    assert not Region.objects.filter(level__lt=RegionLevel.STREET).exclude(office_phone="")
    assert not Compound.objects.filter(name_sort="").exists()
    assert not Region.objects.filter(name_sort="").exists()
