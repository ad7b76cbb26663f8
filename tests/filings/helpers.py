"""Builders for the filing tests: a committee per compound and officers of each role."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from disclosures.filings import services
from disclosures.filings.choices import MatterType
from tests.committees.committee_helpers import form_committee
from tests.estates.admin_helpers import officer


class World:
    """Compound 0 (street 0, community 0) with its committee, and one officer of each role
    over it; compound 2 (street 1) with its own committee as "another jurisdiction"."""

    def __init__(self, tree):
        self.tree = tree
        self.committee = form_committee(tree, compound=tree.compounds[0])
        self.other_committee = form_committee(tree, compound=tree.compounds[2])
        self.member = officer("committee_member", tree.compounds[0])
        self.community = officer("community_staff", tree.communities[0])
        self.street = officer("street_staff", tree.streets[0])
        self.platform = officer("platform_admin", tree.province)
        self.other_member = officer("committee_member", tree.compounds[2])
        self.other_community = officer("community_staff", tree.communities[2])
        self.other_street = officer("street_staff", tree.streets[1])

    def by_role(self, role: str):
        return {
            "member": self.member,
            "community": self.community,
            "street": self.street,
            "platform": self.platform,
            "other_member": self.other_member,
            "other_community": self.other_community,
            "other_street": self.other_street,
        }[role]


def vote_date(days: int = 40) -> date:
    return timezone.localdate() + timedelta(days=days)


def draft(world: World, *, committee=None, actor=None, **extra):
    committee = committee or world.committee
    actor = actor or (world.member if committee == world.committee else world.other_member)
    fields = {
        "matter_type": MatterType.USE_FUND,
        "title": "1栋电梯大修使用专项维修资金",
        "proposal": "更换1栋两部电梯曳引机，预算由维修资金列支。",
        "amount": Decimal("286500.00"),
        "planned_vote_on": vote_date(),
    }
    fields.update(extra)
    return services.filing_create(actor=actor, committee=committee, **fields)


def submitted(world: World, **extra):
    filing = draft(world, **extra)
    services.filing_submit(filing=filing, actor=world.member)
    return filing


def approved(world: World, **extra):
    filing = submitted(world, **extra)
    services.filing_approve(filing=filing, actor=world.community)
    return filing


def accepted(world: World, **extra):
    filing = approved(world, **extra)
    services.filing_accept(filing=filing, actor=world.street)
    return filing
