"""Disclosure duties on the admin home (:mod:`common.dashboard`): the property company's
staff see the items their company must publish for its compounds (DOMAIN 5.4) that are
due or already late, the committee members those of their committee (DOMAIN 5.1, 6.6),
with the earliest due date and how many are overdue; the number opens the compliance
list. Three queries whatever the number of compounds, regions or notices: the compounds
in the user's jurisdiction, every catalogue row that can apply to them, and the notices
published there (the rules of :mod:`.selectors.schedule`)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.access import scoped
from common.dashboard import Duty, DutyCount, register_duty
from common.jurisdiction import VIEW
from estates.models import Compound
from estates.roles import ROLES

from .choices import Compliance, Publisher
from .models import DisclosureItem
from .permissions import DRAFT_PERM, REVIEW_PERM
from .review import notices_awaiting_review
from .selectors.catalogue import ancestor_paths
from .selectors.schedule import _entry, _published_by_compound

#: The role whose members publish each kind of item.
PUBLISHER_ROLES = {Publisher.COMPANY: "company_staff", Publisher.COMMITTEE: "committee_member"}


def _group_names(user) -> frozenset[str]:
    """The user's group names, read once per user object."""
    names = user.__dict__.get("_duty_group_names")
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        user.__dict__["_duty_group_names"] = names
    return names


def _holds(role: str):
    return lambda user: ROLES[role].group_name in _group_names(user)


def _catalogues(compounds: list[Compound]) -> dict[str, list[DisclosureItem]]:
    """The catalogue in force in each compound's region, as ``catalogue_for`` resolves it
    (the nearest region's item of a code wins), from one query for all regions."""
    paths = {path for c in compounds for path in ancestor_paths(c.region.path)}
    rows = list(
        DisclosureItem.objects.filter(Q(region__isnull=True) | Q(region__path__in=paths))
        .select_related("region")
        .order_by("pk")
    )
    catalogues: dict[str, list[DisclosureItem]] = {}
    for compound in compounds:
        region_path = compound.region.path
        if region_path in catalogues:
            continue
        mine = set(ancestor_paths(region_path))
        chosen: dict[str, DisclosureItem] = {}
        for row in rows:
            if row.region_id and row.region.path not in mine:
                continue
            depth = len(row.region.path) if row.region_id else 0
            held = chosen.get(row.code)
            if held is None or depth > (len(held.region.path) if held.region_id else 0):
                chosen[row.code] = row
        catalogues[region_path] = [item for item in chosen.values() if item.is_active]
    return catalogues


def disclosures_pending(user, today: datetime.date, publisher: str) -> DutyCount:
    """Items of ``publisher`` not yet published for the compounds in the user's
    jurisdiction: how many, the earliest due date, how many are past it."""
    compounds = list(scoped(Compound.objects.select_related("region"), user=user, level=VIEW))
    if not compounds:
        return DutyCount(0)
    catalogues = _catalogues(compounds)
    published = _published_by_compound([c.pk for c in compounds])
    pending = []
    for compound in compounds:
        registered = timezone.localdate(compound.created_at)
        for item in catalogues[compound.region.path]:
            if item.publisher != publisher:
                continue
            entry = _entry(item, published.get((compound.pk, item.code), []), registered, today)
            if entry.status != Compliance.DONE:
                pending.append(entry)
    overdue = sum(1 for entry in pending if entry.status == Compliance.OVERDUE)
    due_on = min((entry.due_on for entry in pending), default=None)
    return DutyCount(len(pending), due_on, overdue)


def company_disclosures(user, today: datetime.date) -> DutyCount:
    return disclosures_pending(user, today, Publisher.COMPANY)


def committee_disclosures(user, today: datetime.date) -> DutyCount:
    return disclosures_pending(user, today, Publisher.COMMITTEE)


def _compliance() -> str:
    return reverse("notices_compliance")


register_duty(
    Duty(
        key="notices.company_pending",
        label=_("本企业待公示事项"),
        permission=DRAFT_PERM,
        count=company_disclosures,
        url=_compliance,
        order=50,
        applies=_holds(PUBLISHER_ROLES[Publisher.COMPANY]),
    )
)
register_duty(
    Duty(
        key="notices.committee_pending",
        label=_("本会待公示事项"),
        permission=DRAFT_PERM,
        count=committee_disclosures,
        url=_compliance,
        order=51,
        applies=_holds(PUBLISHER_ROLES[Publisher.COMMITTEE]),
    )
)


def notices_to_review(user, today: datetime.date) -> DutyCount:
    """The community officer's notices waiting for their review (issue 10 §2)."""
    return DutyCount(notices_awaiting_review(user).count())


register_duty(
    Duty(
        key="notices.to_review",
        label=_("待审核公示"),
        permission=REVIEW_PERM,
        count=notices_to_review,
        url=lambda: f"{reverse('notices_compliance')}#awaiting",
        order=20,
    )
)
