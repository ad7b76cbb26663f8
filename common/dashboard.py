"""The to-do dashboard on the admin home: each role sees the work waiting for it, not
Wagtail's page, image and document counts.

Apps declare their duties once (:func:`register_duty`): a label, the permission that
makes it the user's work, a counting function (one query, scoped to the user's
jurisdiction) and the filtered list a click opens. :class:`DutyPanel` shows the duties
the user holds the permission for, so the number of queries of the dashboard depends on
the user's role only, never on how much data there is. Staff who do not edit pages do
not see Wagtail's site summary (:func:`hide_site_summary`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.admin.ui.components import Component


@dataclass(frozen=True)
class DutyCount:
    """How much of one duty is waiting: the count, the earliest due date among them and
    how many are already past it."""

    count: int
    due_on: datetime.date | None = None
    overdue: int = 0


@dataclass(frozen=True)
class Duty:
    key: str
    label: Any
    permission: str
    count: Callable[[Any, datetime.date], DutyCount]
    url: Callable[[], str]
    order: int = 100
    # Extra condition beyond the permission (e.g. "is a member of a department").
    applies: Callable[[Any], bool] | None = None


_DUTIES: dict[str, Duty] = {}


def register_duty(duty: Duty) -> Duty:
    """Declare a duty; a second declaration under one key is a programming error."""
    if duty.key in _DUTIES:
        raise ValueError(f"duty {duty.key!r} is declared twice")
    _DUTIES[duty.key] = duty
    return duty


def duties_for(user) -> list[Duty]:
    """The duties that are this user's work, in display order."""
    return sorted(
        (
            duty
            for duty in _DUTIES.values()
            if user.has_perm(duty.permission) and (duty.applies is None or duty.applies(user))
        ),
        key=lambda duty: (duty.order, duty.key),
    )


@dataclass(frozen=True)
class DutyRow:
    key: str
    label: str
    url: str
    count: int
    due_text: str
    overdue_text: str


def _due_text(count: DutyCount, today: datetime.date) -> str:
    if not count.count or count.due_on is None:
        return ""
    if count.due_on < today:
        return str(_("最早%(date)s到期，已逾期")) % {"date": count.due_on.strftime("%m-%d")}
    return str(_("最早%(date)s到期")) % {"date": count.due_on.strftime("%m-%d")}


def duty_rows(user, today: datetime.date | None = None) -> list[DutyRow]:
    """One row per duty of the user (one query each)."""
    today = today or timezone.localdate()
    rows = []
    for duty in duties_for(user):
        count = duty.count(user, today)
        rows.append(
            DutyRow(
                key=duty.key,
                label=str(duty.label),
                url=duty.url(),
                count=count.count,
                due_text=_due_text(count, today),
                overdue_text=ngettext("其中%(n)d件已逾期", "其中%(n)d件已逾期", count.overdue)
                % {"n": count.overdue}
                if count.overdue
                else "",
            )
        )
    return rows


class DutyPanel(Component):
    """The first panel of the admin home: the user's duties with counts, due dates and a
    link to each filtered list."""

    name = "duties"
    template_name = "common/admin/duty_panel.html"
    order = 5

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        rows = duty_rows(self.user)
        return {"rows": rows, "waiting": sum(row.count for row in rows)}

    def render_html(self, parent_context=None):
        if not duties_for(self.user):
            return ""
        return super().render_html(parent_context)


def add_duty_panel(request, panels) -> None:
    """``construct_homepage_panels``: the duties come first."""
    panels.insert(0, DutyPanel(request.user))


def hide_site_summary(request, summary_items) -> None:
    """``construct_homepage_summary_items``: page, image and document counts are for
    those who edit the public site; everyone else sees their duties instead."""
    if not user_has_any_page_permission(request.user):
        summary_items.clear()
