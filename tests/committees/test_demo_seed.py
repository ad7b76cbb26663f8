"""The committees of the demo seed (committees.demo): the 文山州 figures of DOMAIN 0.5,
valid committees (DOMAIN 3.1, 4.1, 7.2), branches where DOMAIN 8.1 puts them, the joint
review's verdicts (DOMAIN §9, E12), the alarm cases and the live elections."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone
from wagtail.models import ModelLogEntry

from committees.choices import (
    BranchKind,
    CandidateStatus,
    CommitteeKind,
    ElectionStatus,
    FindingCategory,
    PartyStatus,
    Position,
    ReviewSource,
    ReviewStatus,
)
from committees.models import (
    Candidate,
    CandidateReview,
    Committee,
    CommitteeMember,
    Election,
    PartyBranch,
    Term,
)
from committees.selectors.alarms import AlarmKind, alarms_for
from committees.selectors.committees import latest_term_q
from disclosures.filings.models import Filing
from estates.choices import DepartmentKind, OwnerKind
from estates.models import Compound, Department, Owner, Ownership, Region, Unit

pytestmark = pytest.mark.django_db

BODIES = (Committee, Term, CommitteeMember, Election, Candidate, CandidateReview, PartyBranch)


def stats_json(capsys) -> dict:
    capsys.readouterr()
    call_command("governance_stats", region="文山州", format="json")
    return json.loads(capsys.readouterr().out)


def current_terms():
    """Current terms of active committees with their serving and formal registered
    members (DOMAIN 8.1 counts formal members registered in the community)."""
    serving = Q(members__left_on__isnull=True) & ~Q(members__position=Position.RESERVE)
    formal = serving & Q(
        members__party_status=PartyStatus.FORMAL, members__party_registered_in_community=True
    )
    return (
        Term.objects.filter(committee__is_active=True)
        .filter(latest_term_q())
        .select_related("committee")
        .annotate(
            serving=Count("members", filter=serving, distinct=True),
            owner_seats=Count(
                "members", filter=serving & Q(members__owner__isnull=False), distinct=True
            ),
            formal=Count("members", filter=formal, distinct=True),
        )
    )


def check_committees(wenshan: Region, below_half: set[int]) -> None:
    compounds = Compound.objects.filter(region_path__startswith=wenshan.path).annotate(
        active=Count("committees", filter=Q(committees__is_active=True))
    )
    assert compounds.count() == 873
    assert set(compounds.values_list("active", flat=True)) == {1}
    for term in current_terms():
        committee = term.committee
        if committee.kind == CommitteeKind.OWNERS:  # DOMAIN 3.1: 5–11, odd
            assert committee.set_size % 2 == 1 and 5 <= committee.set_size <= 11
            assert term.owner_seats == term.serving  # DOMAIN 4.1
        else:  # DOMAIN 7.2: odd, at least 7, owners at least half
            assert committee.set_size % 2 == 1 and committee.set_size >= 7
            assert term.owner_seats * 2 >= committee.set_size
        if committee.pk in below_half:
            assert term.serving * 2 < committee.set_size
        else:
            assert term.serving == committee.set_size
        assert term.elected_on <= timezone.localdate() < term.ends_on
    # Every member who holds an owner seat owns a unit in the compound (DOMAIN 4.1).
    holdings = set(Ownership.objects.values_list("owner_id", "compound_id"))
    seats = CommitteeMember.objects.filter(owner__isnull=False).values_list(
        "owner_id", "compound_id"
    )
    assert seats.exists() and all(pair in holdings for pair in seats)
    assert not CommitteeMember.objects.filter(
        term__committee__kind=CommitteeKind.OWNERS, owner__isnull=True
    ).exists()
    # Only formal members can be registered; probationary members exist (E9).
    assert (
        not CommitteeMember.objects.filter(party_registered_in_community=True)
        .exclude(party_status=PartyStatus.FORMAL)
        .exists()
    )
    assert CommitteeMember.objects.filter(party_status=PartyStatus.PROBATIONARY).exists()


def check_branches(figures: dict, missing: set[int]) -> None:
    """DOMAIN 8.1: own branch exactly where ≥3 formal members are registered in the
    community (but for the committees the E9 alarm shows); joint branches only for
    committees with fewer but some formal members."""
    formal = {t.committee_id: t.formal for t in current_terms()}
    own = Counter(
        PartyBranch.objects.filter(kind=BranchKind.COMMITTEE).values_list("committee_id", flat=True)
    )
    needing = {pk for pk, n in formal.items() if n >= 3}
    assert 1 <= len(missing) <= 2 and missing <= needing
    assert set(own) == needing - missing and set(own.values()) == {1}
    for branch in PartyBranch.objects.filter(kind=BranchKind.COMMITTEE):
        assert branch.member_count == formal[branch.committee_id] <= 50
    joint = PartyBranch.objects.filter(kind=BranchKind.JOINT, committee__isnull=False)
    assert joint.exists()
    assert all(1 <= formal[b.committee_id] < 3 and b.member_count >= 3 for b in joint)
    assert figures["committee_party_branches"] == len(own) + joint.count()


def check_reviews(figures: dict) -> None:
    """DOMAIN §9, E12: one review per county department; any failure fails; flags
    (fee arrears among them) never do."""
    assert figures["candidate_reviews"] >= 6000
    held = Candidate.objects.filter(election__status=ElectionStatus.HELD)
    total = held.count()
    assert 0 < figures["candidates_failed"] < total * 0.1
    departments = Counter(
        CandidateReview.objects.filter(
            source=ReviewSource.DEPARTMENT, candidate__election__status=ElectionStatus.HELD
        ).values_list("candidate_id", flat=True)
    )
    assert set(departments.values()) == {6} and len(departments) == total
    reviews = defaultdict(set)
    for candidate_id, status in CandidateReview.objects.values_list("candidate_id", "status"):
        reviews[candidate_id].add(status)
    for candidate_id, status in held.values_list("pk", "status"):
        failed = ReviewStatus.FAILED in reviews[candidate_id]
        assert failed == (status == CandidateStatus.FAILED)
    arrears = CandidateReview.objects.filter(category=FindingCategory.FEE_ARREARS)
    assert arrears.exists()
    assert set(arrears.values_list("status", flat=True)) == {ReviewStatus.FLAGGED}
    assert arrears.filter(candidate__status=CandidateStatus.PASSED).exists()
    # Every term's election: the elected owners are passed candidates of it.
    for election in Election.objects.filter(status=ElectionStatus.HELD)[:50]:
        term = Term.objects.get(compound=election.compound, elected_on=election.held_on)
        elected = set(term.members.filter(owner__isnull=False).values_list("owner_id", flat=True))
        passed = set(
            election.candidates.filter(status=CandidateStatus.PASSED).values_list(
                "owner_id", flat=True
            )
        )
        assert elected <= passed and len(passed) >= election.seats


def check_live() -> None:
    """One election in vetting, the demo reviewer's police reviews pending; one with the
    vetted list published; both through the workflows (audit log)."""
    shencha = get_user_model().objects.get(username="shencha")
    vetting = Election.objects.get(status=ElectionStatus.VETTING)
    pending = CandidateReview.objects.filter(
        candidate__election=vetting,
        status=ReviewStatus.PENDING,
        department__members__user=shencha,
    )
    assert pending.count() == vetting.candidates.count() >= vetting.seats
    published = Election.objects.get(status=ElectionStatus.PUBLISHED)
    statuses = Counter(published.candidates.values_list("status", flat=True))
    assert statuses[CandidateStatus.FAILED] == 1
    assert statuses[CandidateStatus.PASSED] >= published.seats
    for election in (vetting, published):
        assert election.compound.region.parent.name == "开化街道"
        assert (
            ModelLogEntry.objects.for_instance(election)
            .filter(action="committees.election.start_vetting")
            .exists()
        )
        # 换届 before the term ends (DOMAIN 3.8): no "term ending" alarm for it.
        assert election.committee.is_active and election.term_number >= 2


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="the whole 文山州 seed runs here on SQLite; make bench runs it on PostgreSQL",
)
def test_full_seed_gives_the_wenshan_figures(capsys):
    """The whole 文山州 demo, seeded once for the whole suite (its time is measured by
    make bench, not here): the registry, the committees, and the disclosures' figures."""
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "owners_committees" in out  # the figures are printed at the end
    figures = stats_json(capsys)
    assert figures["owners_committees"] == 768
    assert figures["property_management_committees"] == 105
    assert figures["red_property_compounds"] == 11
    assert figures["disclosing_compounds"] == 579  # DOMAIN §0.5
    # 600+ filings in all states (DOMAIN §0.5); the figure counts the submitted ones.
    filings = Filing.objects.filter(compound__region_path__startswith=wenshan_path())
    assert filings.count() >= 600
    assert figures["filings"] == filings.exclude(status__in=["draft", "withdrawn"]).count()
    assert figures["votes"] > figures["votes_passed"] > 0

    # The registry: 873 compounds, 11 红色物业; several units per owner, co-owned units
    # and one developer per newer compound.
    compounds = Compound.objects.filter(region_path__startswith=wenshan_path())
    assert compounds.count() == 873
    assert compounds.filter(is_red_property=True).count() == 11
    per_unit = Counter(Unit.objects.annotate(n=Count("ownerships")).values_list("n", flat=True))
    assert per_unit[0] == 0 and per_unit[2] > 0
    assert Owner.objects.filter(kind=OwnerKind.DEVELOPER).exists()
    assert Owner.objects.annotate(n=Count("ownerships")).filter(n__gt=1).exists()

    wenshan = Region.objects.get(code="532600")
    admin = get_user_model().objects.get(username="admin")
    alarms = alarms_for(admin, timezone.localdate())
    kinds = Counter(a.kind for a in alarms)
    for kind in (
        AlarmKind.TERM_ENDING,
        AlarmKind.FILING_OVERDUE,
        AlarmKind.BELOW_HALF,
        AlarmKind.BRANCH_MISSING,
    ):
        assert 1 <= kinds[kind] <= 40, kind
    below_half = {a.committee.pk for a in alarms if a.kind == AlarmKind.BELOW_HALF}
    missing = {a.committee.pk for a in alarms if a.kind == AlarmKind.BRANCH_MISSING}
    check_committees(wenshan, below_half)
    check_branches(figures, missing)
    check_reviews(figures)
    check_live()
    # DOMAIN 8.4: each 红色物业 compound's company has a branch, joint branch or instructor.
    red_companies = set(
        Compound.objects.filter(is_red_property=True).values_list("property_company_id", flat=True)
    )
    covered = set(
        PartyBranch.objects.filter(
            committee__isnull=True,
            kind__in=[BranchKind.COMPANY, BranchKind.JOINT, BranchKind.INSTRUCTOR],
        ).values_list("property_company_id", flat=True)
    )
    assert red_companies and red_companies <= covered
    # Six reviewing departments per county (DOMAIN §9 table, 综合执法 with housing).
    assert Department.objects.filter(kind=DepartmentKind.ENFORCEMENT).count() == 8


def wenshan_path() -> str:
    return Region.objects.get(code="532600").path


def test_small_seed_is_idempotent_and_has_the_live_elections(capsys):
    call_command("seed_demo", compounds=12)
    counts = {model: model.objects.count() for model in BODIES}
    assert Committee.objects.filter(is_active=True).count() == 12
    assert {e.status for e in Election.objects.exclude(status=ElectionStatus.HELD)} == {
        ElectionStatus.VETTING,
        ElectionStatus.PUBLISHED,
    }
    call_command("seed_demo", compounds=12)
    assert {model: model.objects.count() for model in BODIES} == counts


# ------------------------------------------------------------------ audit history


def seed_small_through_services(compounds: int) -> None:
    """The registry and logins as ``seed_demo --compounds N`` writes them, then 文山州's
    committees through the services and workflows (committees.demo, audited)."""
    from committees import demo as committees_demo
    from estates import demo as estates_demo
    from estates.services import roles_sync

    plan = estates_demo.wenshan_plan()
    estates_demo.prefecture_seed(plan, limit=compounds)
    roles_sync()
    estates_demo.demo_users_ensure()
    committees_demo.seed_demo(plans=[plan], audited=True)


def logged(model, action: str) -> set[int]:
    """Ids of the objects of ``model`` with an audit entry for ``action``."""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(model)
    return {
        int(pk)
        for pk in ModelLogEntry.objects.filter(
            content_type=content_type, action=action
        ).values_list("object_id", flat=True)
    }


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_small_seed_through_the_services_leaves_each_objects_audit_history():
    """Each committee, term, election, candidate, department review and branch has the
    entries a user's work would write (created, then each transition)."""
    seed_small_through_services(16)
    admin = get_user_model().objects.get(username="admin")
    committees = ids(Committee.objects.all())
    assert len(committees) == 16
    formed = logged(Committee, "committees.committee.form")
    registered = logged(Committee, "committees.committee.register_existing")
    assert formed | registered == committees and formed and registered
    # A committee elected before the system shows as registered, with its reason.
    entry = ModelLogEntry.objects.filter(action="committees.committee.register_existing").first()
    assert entry.user == admin and entry.data["reason"]
    # Terms: the 换届 terms were created from their election; meetings and filings logged.
    later = ids(Term.objects.filter(number__gt=1))
    assert later and logged(Term, "committees.term.create") == later
    assert logged(Term, "committees.term.first_meeting") == ids(
        Term.objects.filter(first_meeting_on__isnull=False)
    )
    assert logged(Term, "committees.term.file") == ids(Term.objects.filter(filed_on__isnull=False))
    assert logged(Term, "committees.term.hand_over") == ids(
        Term.objects.filter(handed_over_on__isnull=False)
    )
    # Elections and candidates: created, then every step of the workflow.
    elections = ids(Election.objects.all())
    held = ids(Election.objects.filter(status=ElectionStatus.HELD))
    assert len(held) == 16 and len(elections) == 18  # and the two live ones
    assert logged(Election, "wagtail.create") == elections
    assert logged(Election, "committees.election.open_nominations") == elections
    assert logged(Election, "committees.election.start_vetting") == elections
    assert logged(Election, "committees.election.hold") == held
    candidates = ids(Candidate.objects.all())
    assert logged(Candidate, "wagtail.create") == candidates
    assert logged(Candidate, "committees.candidate.submit") == candidates
    for status, verb in (
        (CandidateStatus.PASSED, "pass"),
        (CandidateStatus.FAILED, "fail"),
        (CandidateStatus.WITHDRAWN, "withdraw"),
    ):
        assert logged(Candidate, f"committees.candidate.{verb}") == ids(
            Candidate.objects.filter(status=status)
        )
    # Every answered department review has its answer's entry, by the one who answered.
    reviews = CandidateReview.objects.filter(source=ReviewSource.DEPARTMENT)
    for status, verb in (
        (ReviewStatus.PASSED, "pass"),
        (ReviewStatus.FAILED, "fail"),
        (ReviewStatus.FLAGGED, "flag"),
    ):
        assert logged(CandidateReview, f"committees.candidatereview.{verb}") == ids(
            reviews.filter(status=status)
        )
    assert reviews.filter(status=ReviewStatus.FAILED).exists()
    answered = reviews.exclude(status=ReviewStatus.PENDING)
    assert not answered.filter(reviewer__isnull=True).exists()
    assert not answered.filter(answered_on__isnull=True).exists()
    assert all(bool(checks) for checks in answered.values_list("checks", flat=True))
    # Branches and members who left during their term.
    assert logged(PartyBranch, "committees.partybranch.create") == ids(PartyBranch.objects.all())
    assert logged(CommitteeMember, "committees.member.leave") == ids(
        CommitteeMember.objects.filter(left_on__isnull=False).exclude(leave_reason="term_ended")
    )


def snapshot() -> dict[str, list]:
    """The committee rows of the seed, without ids or audit fields."""
    withdrawn = Q(status=CandidateStatus.WITHDRAWN)
    return {
        "committees": sorted(
            Committee.objects.values_list(
                "compound__name", "kind", "set_size", "formed_on", "is_active"
            )
        ),
        "terms": sorted(
            Term.objects.values_list(
                "compound__name",
                "number",
                "elected_on",
                "starts_on",
                "ends_on",
                "first_meeting_on",
                "filed_on",
                "filing_reference",
                "handed_over_on",
            )
        ),
        "members": sorted(
            CommitteeMember.objects.values_list(
                "compound__name",
                "term__number",
                "owner_id",
                "name",
                "position",
                "reserve_order",
                "started_on",
                "left_on",
                "leave_reason",
                "handed_over_on",
                "party_status",
                "party_registered_in_community",
                "cross_appointment",
            ),
            key=repr,
        ),
        "elections": sorted(
            Election.objects.values_list(
                "compound__name",
                "kind",
                "term_number",
                "seats",
                "status",
                "started_on",
                "review_due_on",
                "planned_on",
                "held_on",
            )
        ),
        # A withdrawal is not a conclusion: the workflow gives it no conclusion date.
        "candidates": sorted(
            Candidate.objects.exclude(withdrawn).values_list(
                "compound__name",
                "owner_id",
                "name",
                "position_sought",
                "party_status",
                "nominated_on",
                "status",
                "concluded_on",
            )
        )
        + sorted(Candidate.objects.filter(withdrawn).values_list("compound__name", "owner_id")),
        "reviews": sorted(
            CandidateReview.objects.values_list(
                "compound__name",
                "candidate__owner_id",
                "source",
                "department_id",
                "status",
                "category",
                "due_on",
                "answered_on",
            ),
            key=repr,
        ),
        "branches": sorted(
            PartyBranch.objects.values_list(
                "kind", "name", "compound__name", "secretary", "member_count", "founded_on"
            )
        ),
    }


def test_the_audited_path_writes_the_same_rows_as_the_bulk_path():
    """Going through the services changes no figure: the same committees, terms,
    members, elections, candidates, answers and branches, dates included."""
    from committees import demo as committees_demo
    from committees.models import ArchiveRecord, Seal
    from estates import demo as estates_demo
    from estates.services import roles_sync

    plan = estates_demo.wenshan_plan()
    estates_demo.prefecture_seed(plan, limit=16)
    roles_sync()
    estates_demo.demo_users_ensure()
    committees_demo.seed_demo(plans=[plan], audited=False)
    bulk = snapshot()
    for model in (PartyBranch, CandidateReview, Candidate, Election, Seal, ArchiveRecord):
        model.objects.all().delete()
    for model in (CommitteeMember, Term, Committee):
        model.objects.all().delete()
    committees_demo.seed_demo(plans=[plan], audited=True)
    audited = snapshot()
    assert audited["candidates"] and audited["reviews"]
    for key, rows in bulk.items():
        assert audited[key] == rows, key
