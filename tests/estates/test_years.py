"""Years of buildings are range-checked: 1900 up to five years after the current year,
in the services, the admin forms and the registry import (tests/estates/test_import_bad_input.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from estates import services
from estates.models import Compound
from tests.estates.admin_helpers import officer, url

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.estates.admin_urls")]


@pytest.mark.parametrize("year", [1899, timezone.localdate().year + 6, 0])
def test_compound_year_out_of_range_is_refused(tree, year):
    with pytest.raises(ValidationError) as raised:
        services.compound_create(region=tree.communities[0], name="新小区", completed_year=year)
    assert "completed_year" in raised.value.message_dict
    assert not Compound.objects.filter(name="新小区").exists()


@pytest.mark.parametrize("year", [1900, 1995, timezone.localdate().year + 5])
def test_compound_year_in_range_is_accepted(tree, year):
    compound = services.compound_create(
        region=tree.communities[0], name="新小区", completed_year=year
    )
    assert compound.completed_year == year


def test_admin_compound_form_refuses_a_year_out_of_range(client, tree):
    client.force_login(officer("street_staff", tree.streets[0]))
    response = client.post(
        url("compound", "add"),
        {"region": tree.communities[0].pk, "name": "新小区", "completed_year": "1850"},
    )
    assert response.status_code == 200
    assert "年份应在 1900 至" in response.content.decode()
    assert not Compound.objects.filter(name="新小区").exists()
