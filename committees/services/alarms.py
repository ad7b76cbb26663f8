"""Marking alarms handled. Alarms are computed afresh from the registry each time
(committees.selectors.alarms); what staff did about one is kept as an audit entry on the
committee it is about (action ``committees.alarm.handle``, with the alarm's key and the
note), so the handling is in the committee's history and the site history report, and
:func:`handled_alarms` reads it back in one query."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from common.access import authorise
from common.jurisdiction import MANAGE

from ..models.bodies import Committee
from ..selectors.alarms import Alarm

HANDLE_ACTION = "committees.alarm.handle"
HANDLE_PERM = "committees.change_committee"
NOTE_MAX = 500

MSG_NOTE_REQUIRED = _("请填写处理情况。")
MSG_NOTE_TOO_LONG = _("处理情况不能超过%(max)s字。")
MSG_NOT_HANDLEABLE = _("节假日安排的预警在录入节假日后自动消除，无需标记。")
MSG_NOTHING_CHOSEN = _("请至少选择一条预警。")


def clean_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise ValidationError(MSG_NOTE_REQUIRED, code="note_required")
    if len(note) > NOTE_MAX:
        raise ValidationError(MSG_NOTE_TOO_LONG, params={"max": NOTE_MAX}, code="note_too_long")
    return note


@transaction.atomic
def alarms_mark_handled(*, alarms: Iterable[Alarm], note: str, actor) -> int:
    """Marks each alarm handled with the same note; all or none (one refusal, e.g. a
    committee the actor does not manage, writes nothing). Returns how many were marked."""
    note = clean_note(note)
    alarms = list(alarms)
    if not alarms:
        raise ValidationError(MSG_NOTHING_CHOSEN, code="nothing_chosen")
    if any(not alarm.can_be_handled for alarm in alarms):
        raise ValidationError(MSG_NOT_HANDLEABLE, code="not_handleable")
    committees = {
        c.pk: c
        for c in Committee.objects.select_for_update()
        .select_related("compound")
        .filter(pk__in={a.committee.pk for a in alarms})
    }
    for committee in committees.values():
        authorise(actor, HANDLE_PERM, committee.compound, level=MANAGE)
    for alarm in alarms:
        log(
            instance=committees[alarm.committee.pk],
            action=HANDLE_ACTION,
            user=actor,
            data={
                "key": alarm.key,
                "kind": alarm.kind,
                "message": alarm.message,
                "note": note,
            },
        )
    return len(alarms)


def alarm_mark_handled(*, alarm: Alarm, note: str, actor) -> None:
    alarms_mark_handled(alarms=[alarm], note=note, actor=actor)


def handled_alarms(alarms: Iterable[Alarm]) -> dict[str, ModelLogEntry]:
    """The latest handling entry of each of ``alarms`` that has one, by alarm key. One
    query whatever the number of alarms."""
    alarms = [a for a in alarms if a.committee is not None]
    if not alarms:
        return {}
    keys = {a.key for a in alarms}
    entries = (
        ModelLogEntry.objects.filter(
            action=HANDLE_ACTION,
            content_type=ContentType.objects.get_for_model(Committee),
            object_id__in={str(a.committee.pk) for a in alarms},
        )
        .select_related("user")
        .order_by("timestamp", "pk")
    )
    found: dict[str, ModelLogEntry] = {}
    for entry in entries:
        key = (entry.data or {}).get("key")
        if key in keys:
            found[key] = entry
    return found
