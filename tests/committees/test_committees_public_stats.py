"""The public committee panel of a compound page, and the governance statistics."""

from __future__ import annotations

from datetime import date

import pytest
from django.template.loader import render_to_string

from committees.choices import CommitteeKind
from committees.selectors.committees import committee_public_for
from committees.services import MemberSpec
from committees.services import committees as svc
from estates.stats import governance_stats
from tests.committees.committee_helpers import (
    PRE_SYSTEM,
    form_committee,
    member_specs,
    street_officer,
)

pytestmark = pytest.mark.django_db


def test_public_data_names_only(tree, django_assert_max_num_queries):
    committee = form_committee(tree, formal=3)
    term = committee.terms.get()
    actor = street_officer(tree)
    svc.term_file(term=term, on=date(2024, 3, 29), reference="开化备〔2024〕5号", actor=actor)
    svc.party_branch_create(
        committee=committee,
        name="阳光花园业委会党支部",
        secretary="王建国",
        founded_on=date(2024, 4, 1),
        actor=actor,
    )
    compound = tree.compounds[0]
    with django_assert_max_num_queries(4):
        data = committee_public_for(compound)
    assert data["kind_label"] == "业主委员会"
    assert data["term"] == {
        "number": 1,
        "starts_on": date(2024, 3, 1),
        "ends_on": date(2029, 2, 28),
        "filed_on": date(2024, 3, 29),
    }
    assert data["members"][0]["position_label"] == "主任"
    assert data["party_branch"]["name"] == "阳光花园业委会党支部"
    html = render_to_string("committees/public/committee_panel.html", {"committee_public": data})
    assert (
        "第1届" in html and "2024年3月29日已向街道备案" in html and "阳光花园业委会党支部" in html
    )
    for member in term.members.select_related("owner"):
        assert member.name in html
        assert member.owner.id_number not in html and member.owner.phone not in html


def test_public_panel_without_committee(tree):
    assert committee_public_for(tree.compounds[3]) is None
    html = render_to_string("committees/public/committee_panel.html", {"committee_public": None})
    assert "尚未成立业主委员会或物业管理委员会" in html


def test_governance_stats_count_active_committees_and_branches(tree):
    owners_committee = form_committee(tree, compound=tree.compounds[0], formal=3)
    compound = tree.compounds[3]
    actor = street_officer(tree, 1)
    svc.committee_register_existing(
        compound=compound,
        kind=CommitteeKind.MANAGEMENT,
        set_size=7,
        elected_on=date(2024, 5, 6),
        members=member_specs(compound, 4)
        + [MemberSpec(name=n) for n in ("刘居委", "陈街道", "杨民警")],
        reason=PRE_SYSTEM,
        actor=actor,
    )
    dissolved = form_committee(tree, compound=tree.compounds[1])
    svc.committee_dissolve(
        committee=dissolved,
        on=date(2024, 9, 1),
        reason="选举产生业主委员会",
        actor=street_officer(tree),
    )
    svc.party_branch_create(
        committee=owners_committee,
        name="业委会党支部",
        founded_on=date(2024, 4, 1),
        actor=street_officer(tree),
    )
    keys = ["owners_committees", "property_management_committees", "committee_party_branches"]
    assert governance_stats(tree.prefecture, keys) == {
        "owners_committees": 1,
        "property_management_committees": 1,
        "committee_party_branches": 1,
    }
    assert governance_stats(tree.streets[1], keys)["owners_committees"] == 0
