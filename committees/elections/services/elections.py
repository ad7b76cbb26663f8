"""Writes for elections and candidates. Every status change goes through
:mod:`committees.elections.workflows` (the shared transition mechanism); creation uses the initial
state of each workflow."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from common.access import authorise
from common.files import document_visible
from common.jurisdiction import MANAGE
from common.transitions import log_many
from estates.models import Compound, Owner

from ...choices import CandidateStatus, CommitteeKind, ElectionStatus, PartyStatus, Position
from ...models import Candidate, CandidateReview, Election
from ...services.owners import is_owner_in, owners_in
from ..signals import candidate_withdrawn
from ..workflows import (
    CANDIDATE_WORKFLOW,
    ELECTION_WORKFLOW,
    MANAGE_ELECTION,
    candidate_verdict,
)
from .reviews import vetting_start

MSG_NOT_OWNER = _("候选人必须是本小区的业主。")
MSG_NOT_NOMINATING = _("选举不在提名阶段，不能提名候选人。")
MSG_ALREADY_NOMINATED = _("该业主已是本次选举的候选人。")
MSG_ELECTION_OPEN = _("该小区已有一场进行中的选举。")
MSG_DENIED = _("您没有组织该小区选举的权限。")
MSG_SEATS = _("应选人数必须大于零。")
MSG_DOCUMENT = _("所选提名材料不存在，或您无权查看。")
MSG_ISSUED_BY = _("请填写发布单位（街道或社区党组织）。")
MSG_OBJECTION_PLACE = _("请填写业主提出异议的地点。")
MSG_NOTICE_DATES = _("公示截止日期不能早于公示开始日期。")
MSG_OBJECTION_UNTIL = _("异议受理截止日期应在公示期内。")
MSG_PLANNED_AFTER_NOTICE = _("计划选举日期应在公示期结束之后。")
MSG_PLANNED_15_DAYS = _("候选人名单须在选举日15日前公示：计划选举日期不能早于%(date)s。")
NOTICE_DAYS_BEFORE_ELECTION = 15  # DOMAIN 2.4 (GR 13)


def _check_manage(*, actor, compound: Compound) -> None:
    """Street and community staff organise elections in their own jurisdiction."""
    authorise(actor, MANAGE_ELECTION, compound, level=MANAGE, message=MSG_DENIED)


@transaction.atomic
def election_open(
    *,
    compound: Compound,
    kind: CommitteeKind | str,
    term_number: int,
    seats: int,
    started_on: datetime.date,
    actor,
    planned_on: datetime.date | None = None,
) -> Election:
    """Create an election and open nominations (one open election per compound)."""
    _check_manage(actor=actor, compound=compound)
    if seats < 1:
        raise ValidationError(MSG_SEATS, code="seats")
    if (
        Election.objects.filter(compound=compound)
        .exclude(status__in=[ElectionStatus.HELD, ElectionStatus.CANCELLED])
        .exists()
    ):
        raise ValidationError(MSG_ELECTION_OPEN, code="election_open")
    election = Election(
        compound=compound,
        committee=compound.committees.filter(is_active=True).first(),
        kind=kind,
        term_number=term_number,
        seats=seats,
        started_on=started_on,
        planned_on=planned_on,
    )
    election.full_clean()
    election.save()
    log(instance=election, action="wagtail.create", user=actor)
    return ELECTION_WORKFLOW.fire(election, "open_nominations", actor=actor)


@transaction.atomic
def candidate_nominate(
    *,
    election: Election,
    owner: Owner,
    position_sought: Position | str = Position.MEMBER,
    nominated_on: datetime.date,
    actor,
    document=None,
    party_status: PartyStatus | str = PartyStatus.NONE,
) -> Candidate:
    """Nominate an owner of the compound (DOMAIN 4.1) while nominations are open."""
    election = Election.objects.select_for_update().select_related("compound").get(pk=election.pk)
    _check_manage(actor=actor, compound=election.compound)
    if election.status not in (ElectionStatus.DRAFT, ElectionStatus.NOMINATING):
        raise ValidationError(MSG_NOT_NOMINATING, code="not_nominating")
    if not is_owner_in(owner=owner, compound=election.compound):
        raise ValidationError(MSG_NOT_OWNER, code="not_owner")
    if election.candidates.filter(owner=owner).exists():
        raise ValidationError(MSG_ALREADY_NOMINATED, code="already_nominated")
    # Nomination papers name people: only a document the nominator may read is attached.
    if document is not None and not document_visible(actor, document):
        raise ValidationError({"document": MSG_DOCUMENT}, code="document")
    candidate = Candidate(
        election=election,
        compound=election.compound,
        owner=owner,
        name=owner.name,
        position_sought=position_sought,
        party_status=party_status,
        nominated_on=nominated_on,
        nomination_document=document,
    )
    candidate.full_clean()
    candidate.save()
    log(instance=candidate, action="wagtail.create", user=actor)
    return candidate


def election_start_vetting(
    *, election: Election, actor, today: datetime.date | None = None
) -> Election:
    """Send every nominated candidate to the joint qualification review (DOMAIN §9)."""
    return vetting_start(election=election, actor=actor, today=today)


@transaction.atomic
def candidate_conclude(
    *, candidate: Candidate, actor, on: datetime.date | None = None
) -> Candidate:
    """The joint verdict once every configured check has its department's answer
    (DOMAIN §9, E12): any failure fails the candidate; a flag alone does not."""
    statuses = list(candidate.reviews.values_list("status", flat=True))
    verdict = candidate_verdict(statuses)
    # With a check unanswered or pending, the guard refuses and says which.
    verb = "fail" if verdict == CandidateStatus.FAILED else "pass"
    return CANDIDATE_WORKFLOW.fire(
        candidate,
        verb,
        actor=actor,
        changes={"concluded_on": on or timezone.localdate()},
    )


@transaction.atomic
def candidate_withdraw(*, candidate: Candidate, actor, reason: str) -> Candidate:
    """Withdraw a candidate through the workflow (audited). The owners' vote holding the
    election answers inside the same transaction (:mod:`..signals`): once its ballot is out
    it refuses the withdrawal before anything is written (DOMAIN 2.3–2.4, 1.9); while it
    is a draft it drops the candidate from the ballot."""
    withdrawn = CANDIDATE_WORKFLOW.fire(candidate, "withdraw", actor=actor, reason=reason)
    candidate_withdrawn.send(sender=Candidate, candidate=withdrawn, actor=actor, reason=reason)
    return withdrawn


@dataclass(frozen=True)
class CandidateNotice:
    """What the public candidate notice (候选人公示) says besides the names: the notice
    period, the planned election date, who issues it, and where and until when an owner
    may object."""

    notice_from: datetime.date
    notice_until: datetime.date
    planned_on: datetime.date
    issued_by: str
    objection_place: str
    objection_until: datetime.date
    objection_phone: str = ""

    def validate(self) -> None:
        """Every problem at once, by field (DOMAIN 2.4: published 15 days ahead)."""
        errors: dict[str, list] = {}
        if not self.issued_by.strip():
            errors.setdefault("issued_by", []).append(MSG_ISSUED_BY)
        if not self.objection_place.strip():
            errors.setdefault("objection_place", []).append(MSG_OBJECTION_PLACE)
        if self.notice_until < self.notice_from:
            errors.setdefault("notice_until", []).append(MSG_NOTICE_DATES)
        if not self.notice_from <= self.objection_until <= self.notice_until:
            errors.setdefault("objection_until", []).append(MSG_OBJECTION_UNTIL)
        earliest = self.notice_from + datetime.timedelta(days=NOTICE_DAYS_BEFORE_ELECTION)
        if self.planned_on <= self.notice_until:
            errors.setdefault("planned_on", []).append(MSG_PLANNED_AFTER_NOTICE)
        elif self.planned_on < earliest:
            errors.setdefault("planned_on", []).append(
                ValidationError(
                    MSG_PLANNED_15_DAYS,
                    code="notice_too_late",
                    params={"date": earliest.strftime("%Y-%m-%d")},
                )
            )
        if errors:
            raise ValidationError(errors)

    def changes(self) -> dict:
        return {
            "notice_from": self.notice_from,
            "notice_until": self.notice_until,
            "planned_on": self.planned_on,
            "issued_by": self.issued_by.strip(),
            "objection_place": self.objection_place.strip(),
            "objection_until": self.objection_until,
            "objection_phone": self.objection_phone.strip(),
        }


def election_publish_candidates(
    *, election: Election, actor, notice: CandidateNotice | None = None
) -> Election:
    """Publish the vetted list once every candidate is concluded; the public list shows
    passed candidates only (selectors.elections.published_candidates_for). With a
    ``notice`` its period, dates, issuing body and objection details are saved in the same
    transition (all or nothing); the admin and the API always give one."""
    if notice is None:
        return ELECTION_WORKFLOW.fire(election, "publish", actor=actor)
    notice.validate()
    return ELECTION_WORKFLOW.fire(election, "publish", actor=actor, changes=notice.changes())


def election_hold(*, election: Election, actor, held_on: datetime.date) -> Election:
    return ELECTION_WORKFLOW.fire(election, "hold", actor=actor, changes={"held_on": held_on})


def election_cancel(*, election: Election, actor, reason: str) -> Election:
    return ELECTION_WORKFLOW.fire(election, "cancel", actor=actor, reason=reason)


# ------------------------------------------------------------------ lists at once


@dataclass(frozen=True)
class Nomination:
    """One owner of a nomination list for :func:`candidates_nominate_bulk`."""

    owner: Owner
    nominated_on: datetime.date
    position_sought: str = Position.MEMBER
    party_status: str = PartyStatus.NONE


@transaction.atomic
def candidates_nominate_bulk(
    *, election: Election, nominations: list[Nomination], actor
) -> list[Candidate]:
    """A whole nomination list entered at once, with :func:`candidate_nominate`'s rules
    for every owner (nominations open, an owner of the compound, DOMAIN 4.1, not yet a
    candidate): all are nominated or none, each with its audit entry."""
    election = Election.objects.select_for_update().select_related("compound").get(pk=election.pk)
    _check_manage(actor=actor, compound=election.compound)
    if election.status not in (ElectionStatus.DRAFT, ElectionStatus.NOMINATING):
        raise ValidationError(MSG_NOT_NOMINATING, code="not_nominating")
    owner_ids = [n.owner.pk for n in nominations]
    if set(owner_ids) - owners_in(owner_ids=owner_ids, compound=election.compound):
        raise ValidationError(MSG_NOT_OWNER, code="not_owner")
    if (
        len(set(owner_ids)) < len(owner_ids)
        or election.candidates.filter(owner_id__in=owner_ids).exists()
    ):
        raise ValidationError(MSG_ALREADY_NOMINATED, code="already_nominated")
    candidates = [
        Candidate(
            election=election,
            compound=election.compound,
            owner=n.owner,
            name=n.owner.name,
            position_sought=n.position_sought,
            party_status=n.party_status,
            nominated_on=n.nominated_on,
        )
        for n in nominations
    ]
    for candidate in candidates:
        # The election, compound and owner were checked above (one query each, not one
        # per candidate).
        candidate.full_clean(exclude=["election", "compound", "owner"])
    Candidate.objects.bulk_create(candidates)
    log_many([(c, {}) for c in candidates], action="wagtail.create", user=actor)
    return candidates


@transaction.atomic
def candidates_conclude_bulk(
    *,
    candidates: list[Candidate],
    actor,
    on: datetime.date | Callable[[Candidate], datetime.date] | None = None,
) -> list[Candidate]:
    """:func:`candidate_conclude` for many candidates (e.g. an election's whole list):
    each verdict from its answers (DOMAIN §9, E12), the workflow's guards for each
    (every check answered, nothing pending), all or nothing, one audit entry each.
    ``on`` is one date or a function giving each candidate's."""
    today = timezone.localdate()
    statuses: dict[int, list[str]] = {c.pk: [] for c in candidates}
    for candidate_id, status in CandidateReview.objects.filter(
        candidate_id__in=list(statuses)
    ).values_list("candidate_id", "status"):
        statuses[candidate_id].append(status)
    by_verb: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        failed = candidate_verdict(statuses[candidate.pk]) == CandidateStatus.FAILED
        by_verb.setdefault("fail" if failed else "pass", []).append(candidate)

    def concluded(candidate: Candidate) -> dict:
        day = on(candidate) if callable(on) else on
        return {"concluded_on": day or today}

    for verb, group in by_verb.items():
        CANDIDATE_WORKFLOW.fire_many(group, verb, actor=actor, changes=concluded)
    return candidates
