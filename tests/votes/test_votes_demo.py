"""The demo's owners' votes (disclosures.votes.demo) go through the services, each step at
an explicit moment derived from the demo's today (Django's clock is never replaced):
votes passed and failed (DOMAIN 1.3 quorum, 1.4 approval), exactly one in its
objection window, every ballot entered by someone, checked by another (four eyes) and
in the audit log; the ``votes`` and ``votes_passed`` figures count them per subtree."""

from __future__ import annotations

import ast
import csv
import inspect
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import ModelLogEntry

from disclosures.filings import services as filing_services
from disclosures.filings.choices import MatterType
from disclosures.filings.demo import seed_filings
from disclosures.votes import demo as votes_demo
from disclosures.votes import publication, services, tally
from disclosures.votes.choices import (
    BallotChoice,
    ObjectionStatus,
    Outcome,
    PublicationStage,
    VoteStatus,
)
from disclosures.votes.importing import ballots_import
from disclosures.votes.models import Ballot, BallotBatch, Objection, Vote
from disclosures.votes.selectors import counted_ballots
from estates.models import Region
from estates.stats import governance_stats
from tests.estates.admin_helpers import officer
from tests.votes.helpers import accepted_filing, confirm_all, open_vote

pytestmark = pytest.mark.django_db

KEYS = ["votes", "votes_passed"]


def seed_small() -> tuple[Region, object]:
    """16 compounds of 文山州 with their committees, 60 filings through the filing
    services, then the votes (larger compounds allowed, so that a handful of compounds
    give every kind of vote)."""
    from committees import demo as committees_demo
    from estates import demo as estates_demo
    from estates.services import roles_sync

    plan = estates_demo.wenshan_plan()
    estates_demo.prefecture_seed(plan, limit=16)
    roles_sync()
    estates_demo.demo_users_ensure()
    committees_demo.seed_demo(plans=[plan], audited=False)
    region = Region.objects.get(code=plan.code)
    admin = get_user_model().objects.get(username="admin")
    today = timezone.localdate()
    seed_filings(region=region, actor=admin, today=today, count=60)
    votes_demo.seed_votes(region=region, today=today, max_units=400)
    return region, plan


def recount(vote: Vote) -> tally.TallyResult:
    """The vote counted again by the pure engine over its frozen electorate and the
    ballots a second person confirmed (not the stored result, not the SQL path)."""
    entries = [
        tally.Entry(unit=e.pk, area=e.area, owner_keys=frozenset(e.owner_keys))
        for e in vote.electorate.all()
    ]
    ballots = dict(counted_ballots(vote).values_list("entry_id", "choice"))
    return tally.tally(entries, ballots, matter_type=vote.matter_type)


def test_the_demo_votes_reach_every_state_through_the_services():
    region, plan = seed_small()
    today = timezone.localdate()
    # The clock is the real one again once the seed is done.
    assert abs(timezone.now() - datetime.now(UTC)) < timedelta(minutes=1)
    votes = list(Vote.objects.filter(compound__region_path__startswith=region.path))
    final = [v for v in votes if v.publication == PublicationStage.FINAL]
    outcomes = [v.result["outcome"] for v in final]
    # Most passed; some failed for want of participation (1.3) or of approval (1.4).
    assert outcomes.count(Outcome.PASSED) > len(final) / 2
    assert Outcome.NO_QUORUM in outcomes and Outcome.REJECTED in outcomes
    assert all(v.status == VoteStatus.COUNTED for v in final)
    # Exactly one in its objection window, as the owners see it today.
    window = [v for v in votes if publication.in_objection_window(v, today)]
    assert len(window) == 1
    assert window[0].publication == PublicationStage.PRELIMINARY
    assert window[0].objections_until >= today
    assert window[0].objections.filter(status=ObjectionStatus.LODGED).exists()
    # Still open ones (with a batch awaiting its checker) and a cancelled one.
    opened = [v for v in votes if v.status == VoteStatus.OPEN]
    assert len(opened) == 2
    assert any(b.is_pending for v in opened for b in BallotBatch.objects.filter(vote=v)), (
        "an open vote shows today's paper ballots awaiting checking"
    )
    assert sum(v.status == VoteStatus.CANCELLED for v in votes) == 1

    # Each stored result is what the ballots give (DOMAIN 1.3–1.6).
    for vote in final + window:
        result = recount(vote)
        assert (result.outcome, result.passed) == (vote.result["outcome"], vote.result["passed"])
        assert result.total.heads == vote.electorate_heads
        # Ballots for most units in the compound, where the plan says most owners voted.
        if vote.result["outcome"] == Outcome.PASSED:
            assert result.participating.units * 3 >= vote.electorate.count() * 2

    # Every ballot names who entered it, in a batch; those counted were checked by
    # another person, with the check in the audit log; each ballot dated in its period.
    ballots = Ballot.objects.filter(vote__in=votes).select_related("batch", "vote")
    assert ballots.exists()
    for ballot in ballots:
        assert ballot.entered_by_id and ballot.batch_id
        assert ballot.batch.entered_by_id == ballot.entered_by_id
        assert ballot.vote.starts_on <= ballot.cast_on <= min(ballot.vote.ends_on, today)
        assert ballot.entered_at <= timezone.now()
        # Entered on the day on the ballot, in the batch of that sitting (given moments).
        assert timezone.localdate(ballot.entered_at) == ballot.cast_on
        assert timezone.localdate(ballot.batch.created_at) == ballot.cast_on
    confirmed = BallotBatch.objects.filter(vote__in=votes, confirmed_at__isnull=False)
    assert all(b.confirmed_by_id != b.entered_by_id for b in confirmed)
    confirm_logs = set(
        ModelLogEntry.objects.filter(action="votes.ballotbatch.confirm").values_list(
            "object_id", flat=True
        )
    )
    assert {str(b.pk) for b in confirmed} == confirm_logs
    for batch in confirmed:
        entry = ModelLogEntry.objects.for_instance(batch).get(action="votes.ballotbatch.confirm")
        assert entry.timestamp == batch.confirmed_at
        assert timezone.localdate(batch.confirmed_at) == timezone.localdate(batch.created_at)
    for vote in final:
        assert not vote.ballots.filter(batch__confirmed_at__isnull=True, voided=False).exists()
    # Both ways in: sheets imported and paper ballots entered one by one; one batch was
    # sent back by its checker, its ballots kept but void, and entered again.
    assert {b.source for b in confirmed} == {"imported", "entered"}
    rejected = BallotBatch.objects.get(vote__in=votes, rejected_at__isnull=False)
    assert rejected.reject_reason and rejected.ballots.exists()
    assert not rejected.ballots.filter(voided=False).exists()
    assert ModelLogEntry.objects.filter(
        action="votes.ballotbatch.reject", object_id=str(rejected.pk)
    ).exists()

    # The workflows wrote each vote's history, in the order of the plan's clock.
    vote = final[0]
    history = list(
        ModelLogEntry.objects.for_instance(vote)
        .order_by("timestamp", "pk")
        .values_list("action", "timestamp")
    )
    actions = [action for action, _at in history]
    assert actions == [
        "wagtail.create",
        "votes.vote.open",
        "votes.vote.publish_notice",
        "votes.vote.close",
        "votes.vote.count",
        "votes.vote.publish_preliminary",
        "votes.vote.publish_final",
    ]
    opened_at = dict(history)["votes.vote.open"]
    assert timezone.localdate(opened_at) == vote.starts_on
    final_at = dict(history)["votes.vote.publish_final"]
    assert timezone.localdate(final_at) > vote.objections_until
    # Objections answered before the final result.
    answered = Objection.objects.filter(vote__in=final, status=ObjectionStatus.ANSWERED)
    assert answered.exists()
    assert all(o.answer and o.vote.objections_until >= o.lodged_on for o in answered)
    for objection in answered:
        assert timezone.localdate(objection.created_at) == objection.lodged_on
        assert objection.lodged_on <= timezone.localdate(objection.answered_at)
        assert objection.answered_at < objection.vote.final_published_at

    # The figures: an independent count of opened votes and of passed results.
    counted = [v for v in votes if v.status == VoteStatus.COUNTED]
    expected = {
        "votes": sum(v.status in (VoteStatus.OPEN, VoteStatus.CLOSED) for v in votes)
        + len(counted),
        "votes_passed": sum(recount(v).passed for v in counted),
    }
    assert expected["votes"] == len(votes) - 1  # all but the cancelled one
    assert governance_stats(region, KEYS) == expected
    county = Region.objects.get(code="532601")
    assert governance_stats(county, KEYS) == {
        "votes": sum(
            1
            for v in votes
            if v.compound.region_path.startswith(county.path) and v.status != "cancelled"
        ),
        "votes_passed": sum(
            1
            for v in counted
            if v.compound.region_path.startswith(county.path) and recount(v).passed
        ),
    }

    # seed_demo's hook leaves a prefecture that has votes alone.
    before = Vote.objects.count()
    votes_demo.seed_demo(plans=[plan])
    assert Vote.objects.count() == before


def _all_agree(vote, actor) -> None:
    """Every unit of the electorate agrees, by one imported sheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["楼栋", "单元", "房号", "表决意见"])
    for entry in vote.electorate.all():
        writer.writerow([entry.building_name, entry.entrance, entry.room, "同意"])
    ballots_import(vote=vote, actor=actor, data=out.getvalue().encode(), name="表决票.csv")


def _counted(vote, actor) -> Vote:
    services.vote_close(vote=vote, actor=actor)
    return services.vote_count(vote=vote, actor=actor)


def test_vote_figures_count_a_subtree_only(world):
    """votes / votes_passed per subtree: a passed vote in street 0, a failed one (no
    ballots: DOMAIN 1.3), a draft and a cancelled one not counted as votes; the passed vote
    in street 1 counts for street 1 and the prefecture, never for street 0."""
    tree = world.tree
    passed = open_vote(world)
    _all_agree(passed, world.member)
    confirm_all(world, passed)
    _counted(passed, world.member)
    failed = open_vote(world, accepted_filing(world))
    _counted(failed, world.member)
    services.vote_create(
        filing=accepted_filing(world),
        actor=world.member,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=7),
    )
    cancelled = open_vote(world, accepted_filing(world))
    services.vote_cancel(vote=cancelled, actor=world.member, reason="方案调整，取消表决。")

    # Street 1's compound: its own committee, filing and vote, checked by a second member.
    filing = filing_services.filing_create(
        actor=world.other_member,
        committee=world.other_committee,
        matter_type=MatterType.HIRE_COMPANY,
        title="选聘新的物业服务企业",
        proposal="公开招标选聘物业服务企业。",
        planned_vote_on=timezone.localdate() + timedelta(days=40),
    )
    filing_services.filing_submit(filing=filing, actor=world.other_member)
    filing_services.filing_approve(filing=filing, actor=world.other_community)
    filing_services.filing_accept(
        filing=filing,
        actor=world.other_street,
        on=timezone.localdate() - timedelta(days=20),
    )
    other = services.vote_create(
        filing=filing,
        actor=world.other_member,
        starts_on=timezone.localdate() - timedelta(days=1),
        ends_on=timezone.localdate() + timedelta(days=7),
    )
    services.vote_open(vote=other, actor=world.other_member)
    _all_agree(other, world.other_member)
    checker = officer("committee_member", tree.compounds[2])
    for batch in other.batches.all():
        services.batch_confirm(batch=batch, actor=checker)
    _counted(other, world.other_member)

    assert passed.result["outcome"] == Outcome.PASSED
    assert failed.result["outcome"] == Outcome.NO_QUORUM
    assert other.result["outcome"] == Outcome.PASSED
    assert governance_stats(tree.streets[0], KEYS) == {"votes": 2, "votes_passed": 1}
    assert governance_stats(tree.communities[0], KEYS) == {"votes": 2, "votes_passed": 1}
    assert governance_stats(tree.streets[1], KEYS) == {"votes": 1, "votes_passed": 1}
    assert governance_stats(tree.prefecture, KEYS) == {"votes": 3, "votes_passed": 2}
    # An open vote counts as a vote, not (yet) as passed.
    open_vote(world, accepted_filing(world))
    assert governance_stats(tree.streets[0], KEYS) == {"votes": 3, "votes_passed": 1}
    assert BallotChoice.AGREE in set(passed.ballots.values_list("choice", flat=True))


def test_the_demo_never_replaces_djangos_clock():
    """The demo passes moments to the services; it assigns nothing to ``timezone.now``
    (nor to any attribute of a module it imports)."""
    tree = ast.parse(inspect.getsource(votes_demo))
    assigned = [
        ast.unparse(target)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Attribute) and not ast.unparse(target).startswith("self.")
    ]
    assert assigned == []
    assert not hasattr(votes_demo, "Clock")
    assert "timezone.now =" not in inspect.getsource(votes_demo)
