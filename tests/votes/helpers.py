"""Builders for the vote tests: an accepted filing old enough to vote on, and a vote."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from disclosures.filings import services as filing_services
from disclosures.filings.choices import MatterType, ScopeKind
from disclosures.votes import services
from estates import services as estates_services
from estates.choices import OwnerKind
from estates.models import Building
from tests.factories import valid_credit_code, valid_id_number
from tests.filings.helpers import World


def today() -> date:
    return timezone.localdate()


def accepted_filing(world: World, *, days_ago: int = 20, **extra):
    """A filing the street accepted ``days_ago`` days ago (submitted and approved first)."""
    fields = {
        "matter_type": MatterType.HIRE_COMPANY,
        "title": "选聘新的物业服务企业",
        "proposal": "公开招标选聘物业服务企业，合同期三年。",
        "planned_vote_on": today() + timedelta(days=40),
    }
    fields.update(extra)
    filing = filing_services.filing_create(actor=world.member, committee=world.committee, **fields)
    filing_services.filing_submit(filing=filing, actor=world.member)
    filing_services.filing_approve(filing=filing, actor=world.community)
    filing_services.filing_accept(
        filing=filing, actor=world.street, on=today() - timedelta(days=days_ago)
    )
    return filing


def draft_vote(world: World, filing=None, **extra):
    filing = filing or accepted_filing(world)
    fields = {"starts_on": today() - timedelta(days=2), "ends_on": today() + timedelta(days=10)}
    fields.update(extra)
    return services.vote_create(filing=filing, actor=world.member, **fields)


def open_vote(world: World, filing=None, **extra):
    vote = draft_vote(world, filing, **extra)
    services.vote_open(vote=vote, actor=world.member)
    return vote


def checker(world: World):
    """A second committee member of compound 0, who checks the first one's ballots."""
    if not hasattr(world, "checker"):
        from tests.estates.admin_helpers import officer

        world.checker = officer("committee_member", world.tree.compounds[0])
    return world.checker


def confirm_all(world: World, vote) -> None:
    """Four eyes: the second member confirms every batch awaiting checking."""
    for batch in vote.batches.filter(confirmed_at__isnull=True, rejected_at__isnull=True):
        services.batch_confirm(batch=batch, actor=checker(world))


def add_units(compound, building_name: str, specs, *, owner=None):
    """Units ``(room, area, area_source)`` in a (new) building, each with its own owner
    unless ``owner`` holds them all."""
    building, _ = Building.objects.get_or_create(compound=compound, name=building_name)
    units = []
    for room, area, *source in specs:
        unit = estates_services.unit_create(
            building=building,
            entrance="1单元",
            room=room,
            exclusive_area=Decimal(area),
            **({"area_source": source[0]} if source else {}),
        )
        holder = owner or estates_services.owner_create(
            name=f"业主{room}", id_number=valid_id_number()
        )
        estates_services.ownership_add(owner=holder, unit=unit)
        units.append(unit)
    return units


def developer():
    return estates_services.owner_create(
        name="文山某房地产开发有限公司", id_number=valid_credit_code(), kind=OwnerKind.DEVELOPER
    )


__all__ = ["ScopeKind", "World", "accepted_filing", "add_units", "draft_vote", "open_vote"]


def fuzz_objects(tree, committee) -> dict[str, int]:
    """A counted-to-be vote with one ballot batch and an objection in ``committee``'s
    compound, for the API fuzz run: the ids its vote, batch, unit and objection paths use."""
    from tests.estates.admin_helpers import officer

    compound = committee.compound
    community, street = compound.region, compound.region.parent
    member = officer("committee_member", compound)
    filing = filing_services.filing_create(
        actor=member,
        committee=committee,
        matter_type=MatterType.HIRE_COMPANY,
        title="选聘新的物业服务企业",
        proposal="公开招标选聘物业服务企业。",
        planned_vote_on=today() + timedelta(days=40),
    )
    filing_services.filing_submit(filing=filing, actor=member)
    filing_services.filing_approve(filing=filing, actor=officer("community_staff", community))
    filing_services.filing_accept(
        filing=filing, actor=officer("street_staff", street), on=today() - timedelta(days=20)
    )
    vote = services.vote_create(
        filing=filing,
        actor=member,
        starts_on=today() - timedelta(days=1),
        ends_on=today() + timedelta(days=7),
    )
    services.vote_open(vote=vote, actor=member)
    unit = compound.units.select_related("building").first()
    ballot = services.ballot_enter(
        vote=vote,
        actor=member,
        building=unit.building.name,
        entrance=unit.entrance,
        room=unit.room,
        choice="同意",
    )
    from disclosures.votes.models import Objection

    # Recorded straight away: the fuzz run needs an id, not a vote in its objection window.
    objection = Objection.objects.create(
        vote=vote,
        entry=ballot.entry,
        lodged_by_name="张三",
        content="对表决结果有异议。",
        lodged_on=today(),
        recorded_by=member,
    )
    return {
        "vote_id": vote.pk,
        "batch_id": ballot.batch_id,
        "entry_id": ballot.entry_id,
        "objection_id": objection.pk,
    }
