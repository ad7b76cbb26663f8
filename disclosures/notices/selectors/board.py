"""A compound's notice board as owners read it: the published notices together with the
other things published to them as notices, the stages of the compound's owners' votes
(vote notice, preliminary result with its objection window, final result) and the
committee election's candidate notice (issue 10 §5); filtered by kind and year, newest
first, a page at a time.

Three queries whatever the number of notices: the notices, the votes with a published
stage and the candidate notice."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.elections.selectors.elections import candidate_notice_for
from disclosures.votes.selectors import public_votes_for
from estates.models import Compound

from .notices import notice_list_public

PER_PAGE = 20
VOTE_KIND = "vote"
CANDIDATES_KIND = "candidates"


@dataclass(frozen=True)
class BoardEntry:
    title: str
    kind: str
    kind_label: str
    issued_on: datetime.date
    url: str
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    sort_at: datetime.datetime | None = None

    def in_notice_period(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.starts_on and self.ends_on and self.starts_on <= today <= self.ends_on)

    @property
    def has_period(self) -> bool:
        return bool(self.starts_on and self.ends_on)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.max, timezone.get_current_timezone())


def _local(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


NOTICE_FIELDS = (
    "title",
    "slug",
    "first_published_at",
    "issued_on",
    "notice_starts_on",
    "notice_ends_on",
    "item__code",
    "item__name",
)


def _notice_entries(compound: Compound, board_url: str):
    for notice in notice_list_public(compound=compound).only(*NOTICE_FIELDS):
        yield BoardEntry(
            title=notice.title,
            kind=notice.item.code,
            kind_label=notice.item.name,
            issued_on=notice.issued_on,
            url=f"{board_url}{notice.slug}/",
            starts_on=notice.notice_starts_on,
            ends_on=notice.ends_on,
            sort_at=notice.first_published_at or _at(notice.issued_on),
        )


def _vote_entries(compound: Compound, compound_url: str):
    label = _("业主表决")
    for vote in public_votes_for(compound):
        url = f"{compound_url}#vote-{vote.pk}-heading"
        preliminary_on = (
            _local(vote.preliminary_published_at) if vote.preliminary_published_at else None
        )
        # (published at, title, notice period) of each stage; the final result has none.
        stages = (
            (vote.notice_published_at, _("%(title)s表决公告"), vote.starts_on, vote.ends_on),
            (
                vote.preliminary_published_at,
                _("%(title)s初步表决结果"),
                preliminary_on,
                vote.objections_until,
            ),
            (vote.final_published_at, _("%(title)s最终表决结果"), None, None),
        )
        for published_at, title, starts_on, ends_on in stages:
            if published_at:
                yield BoardEntry(
                    title=title % {"title": vote.title},
                    kind=VOTE_KIND,
                    kind_label=label,
                    issued_on=_local(published_at),
                    url=url,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    sort_at=published_at,
                )


def _candidate_entries(compound: Compound, compound_url: str):
    notice = candidate_notice_for(compound)
    if notice is None:
        return
    issued_on = notice.notice_from or timezone.localdate()
    yield BoardEntry(
        title=_("%(election)s候选人名单公示") % {"election": notice.election_title},
        kind=CANDIDATES_KIND,
        kind_label=_("候选人公示"),
        issued_on=issued_on,
        url=f"{compound_url}#candidate-list-heading",
        starts_on=notice.notice_from,
        ends_on=notice.notice_until,
        sort_at=_at(issued_on),
    )


def board_entries(*, compound: Compound, board_url: str, compound_url: str) -> list[BoardEntry]:
    """Everything on the board, newest first."""
    entries = [
        *_notice_entries(compound, board_url),
        *_vote_entries(compound, compound_url),
        *_candidate_entries(compound, compound_url),
    ]
    entries.sort(key=lambda e: (e.issued_on, e.sort_at or _at(e.issued_on)), reverse=True)
    return entries


def board_filter(entries: list[BoardEntry], *, kind: str = "", year: str = "") -> list[BoardEntry]:
    """The entries of one kind and/or one year; a filter value that matches nothing the
    board offers is ignored rather than refused."""
    if kind and kind in {e.kind for e in entries}:
        entries = [e for e in entries if e.kind == kind]
    if year.isdigit() and len(year) == 4:
        entries = [e for e in entries if e.issued_on.year == int(year)]
    return entries


def board_years(entries: list[BoardEntry]) -> list[int]:
    return sorted({e.issued_on.year for e in entries}, reverse=True)


def board_kinds(entries: list[BoardEntry]) -> list[tuple[str, str]]:
    """(kind, label) of the kinds present, for the filter."""
    seen: dict[str, str] = {}
    for entry in entries:
        seen.setdefault(entry.kind, entry.kind_label)
    return sorted(seen.items(), key=lambda pair: pair[1])


def board_page(entries: list[BoardEntry], number: str | None) -> Page:
    """The page asked for; a page number that is not one, or past the end, gives the
    nearest page rather than an error."""
    return Paginator(entries, PER_PAGE).get_page(number)
