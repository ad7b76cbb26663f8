"""The one transition mechanism for every workflow (vetting, filings, orders, disclosures,
complaints).

A workflow is declared once as data: its states and its transitions (verb, allowed sources,
target, the model permission that fires it, the jurisdiction level the actor needs over the
object, whether a reason is required). :meth:`Workflow.fire` is the only code that assigns
a workflow's status field (a test scans the source tree for any other assignment). It

1. locks the row (``select_for_update``) inside a transaction, so two concurrent actions
   cannot both succeed: the second sees the state the first left;
2. refuses a verb the current state does not allow (:class:`InvalidTransition`);
3. refuses an actor without the permission or outside the object's jurisdiction
   (:class:`~django.core.exceptions.PermissionDenied`);
4. runs the transition's guard (domain checks raising ``ValidationError``);
5. sets the status and any extra fields, saves them, and appends an audit entry through
   Wagtail's log (actor, time, object, from → to, reason), so admin history shows it.

Any refusal raises before anything is written, and the transaction leaves state and audit
log as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import get_active_log_context, log
from wagtail.log_actions import registry as log_action_registry

from .access import authorise, can
from .jurisdiction import MANAGE, scope_queryset

MSG_INVALID = _("当前状态为“%(state)s”，不能执行“%(action)s”。")
MSG_DENIED = _("您没有权限对该对象执行“%(action)s”。")
MSG_REASON = _("执行“%(action)s”需要填写理由。")

Guard = Callable[[models.Model, Any], None]


# Sent after Workflow.fire_many's transaction commits (sender: the model), since its bulk
# UPDATE sends no post_save.
fired_in_bulk = Signal()


class InvalidTransition(ValidationError):
    """The object's current state does not allow the requested verb."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: Any
    permission: str
    level: str = MANAGE
    requires_reason: bool = False
    guard: Guard | None = None


class Workflow:
    """States and transitions of one model's status field."""

    def __init__(
        self,
        *,
        model: str,
        states: type[models.TextChoices],
        transitions: Iterable[Transition],
        initial: str | None = None,
        status_field: str = "status",
    ):
        self.model = model  # "app_label.ModelName"
        self.states = states
        self.transitions = tuple(transitions)
        self.initial = initial
        self.field = status_field
        self.by_name = {t.name: t for t in self.transitions}
        known = set(states.values)
        for t in self.transitions:
            unknown = {t.target, *t.sources} - known
            if unknown:
                raise ValueError(f"{model}.{t.name}: unknown states {sorted(unknown)}")

    @property
    def model_class(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model)

    def action_name(self, verb: str) -> str:
        app_label, model_name = self.model.lower().split(".")
        return f"{app_label}.{model_name}.{verb}"

    def log_actions(self) -> list[tuple[str, Any, Any]]:
        """(action, label, message) triples for Wagtail's register_log_actions hook."""
        return [(self.action_name(t.name), t.label, t.label) for t in self.transitions]

    def allowed_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def available(self, obj: models.Model, user) -> list[Transition]:
        """Verbs the user could fire now (for buttons; fire() checks again under lock)."""
        state = getattr(obj, self.field)
        return [t for t in self.allowed_from(state) if can(user, t.permission, obj, level=t.level)]

    def mermaid(self) -> str:
        lines = ["stateDiagram-v2"]
        if self.initial:
            lines.append(f"    [*] --> {self.initial}")
        for t in self.transitions:
            for source in t.sources:
                lines.append(f"    {source} --> {t.target}: {t.name}")
        return "\n".join(lines)

    def fire(
        self,
        obj: models.Model,
        verb: str,
        *,
        actor,
        reason: str = "",
        changes: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> models.Model:
        """Fire a verb on obj as actor; returns the locked, updated instance. ``at``
        (default now) is the moment the audit entry records, for a history written
        afterwards with explicit dates (the demo seed)."""
        transition = self.by_name[verb]
        model = type(obj)
        with transaction.atomic():
            locked = model._default_manager.select_for_update().get(pk=obj.pk)
            source = getattr(locked, self.field)
            if source not in transition.sources:
                raise InvalidTransition(
                    MSG_INVALID,
                    code="invalid_transition",
                    params={
                        "state": self.states(source).label,
                        "action": transition.label,
                    },
                )
            authorise(
                actor,
                transition.permission,
                locked,
                level=transition.level,
                message=MSG_DENIED % {"action": transition.label},
            )
            if transition.requires_reason and not reason.strip():
                raise ValidationError(
                    MSG_REASON, code="reason_required", params={"action": transition.label}
                )
            # Guards judge the object as it would be saved (e.g. a finding's category);
            # a refusal rolls back, and the unsaved locked copy is discarded.
            for name, value in (changes or {}).items():
                setattr(locked, name, value)
            if transition.guard is not None:
                transition.guard(locked, actor)
            setattr(locked, self.field, transition.target)
            locked.save(update_fields=[self.field, *(changes or {})])
            log(
                instance=locked,
                action=self.action_name(verb),
                user=actor,
                timestamp=at or timezone.now(),
                data={
                    "from": source,
                    "to": transition.target,
                    "reason": reason,
                    **(data or {}),
                },
            )
        # Keep the caller's instance in step with the database.
        for name in [self.field, *(changes or {})]:
            setattr(obj, name, getattr(locked, name))
        return locked

    def fire_many(
        self,
        objs: Iterable[models.Model],
        verb: str,
        *,
        actor,
        reason: str = "",
        changes: dict[str, Any] | Callable[[models.Model], dict[str, Any]] | None = None,
        data: dict[str, Any] | Callable[[models.Model], dict[str, Any]] | None = None,
        batch_size: int = 500,
    ) -> list[models.Model]:
        """:meth:`fire` for many objects of this workflow's model at once, with the same
        guarantees: every row is locked (one query per batch), in a declared source state,
        within the actor's permission and jurisdiction and accepted by the guard, or
        nothing is written; the status and changes are saved with one UPDATE per batch of
        objects whose new values are the same (a batch of answers "passed" on one day is
        one statement), and each object gets its own audit entry (the log entry model Wagtail registers
        for the model, created in bulk). ``changes`` and ``data`` are one dict for every
        object or a function giving each object's own."""
        transition = self.by_name[verb]
        objs = list(objs)
        if not objs:
            return []
        model = type(objs[0])
        if any(type(obj) is not model for obj in objs):
            raise TypeError(f"{self.model}.{verb}: objects of several models")

        def per_object(value, obj) -> dict[str, Any]:
            return dict((value(obj) if callable(value) else value) or {})

        with transaction.atomic():
            locked_by_pk: dict[Any, models.Model] = {}
            pks = [obj.pk for obj in objs]
            for start in range(0, len(pks), batch_size):
                batch = pks[start : start + batch_size]
                # Ordered by pk (no joins from Meta.ordering under FOR UPDATE; rows are
                # locked in one order, so two batches cannot deadlock).
                locked_by_pk.update(
                    model._default_manager.select_for_update().order_by("pk").in_bulk(batch)
                )
            missing = [pk for pk in pks if pk not in locked_by_pk]
            if missing:
                raise model.DoesNotExist(f"{self.model}: {missing[:5]}")
            # The role once for all rows; the jurisdiction through one scoped query per batch.
            allowed = (
                actor is not None and actor.is_active and actor.has_perm(transition.permission)
            )
            if allowed:
                scope = scope_queryset(model._default_manager.all(), actor, transition.level)
                covered: set[Any] = set()
                for start in range(0, len(pks), batch_size):
                    batch = pks[start : start + batch_size]
                    covered.update(scope.filter(pk__in=batch).values_list("pk", flat=True))
            if transition.requires_reason and not reason.strip():
                raise ValidationError(
                    MSG_REASON, code="reason_required", params={"action": transition.label}
                )
            fields = {self.field}
            entries = []
            for obj in objs:
                locked = locked_by_pk[obj.pk]
                source = getattr(locked, self.field)
                if source not in transition.sources:
                    raise InvalidTransition(
                        MSG_INVALID,
                        code="invalid_transition",
                        params={
                            "state": self.states(source).label,
                            "action": transition.label,
                        },
                    )
                if not (allowed and locked.pk in covered):
                    raise PermissionDenied(MSG_DENIED % {"action": transition.label})
                obj_changes = per_object(changes, obj)
                for name, value in obj_changes.items():
                    setattr(locked, name, value)
                fields.update(obj_changes)
                if transition.guard is not None:
                    transition.guard(locked, actor)
                setattr(locked, self.field, transition.target)
                entries.append(
                    (
                        locked,
                        {
                            "from": source,
                            "to": transition.target,
                            "reason": reason,
                            **per_object(data, obj),
                        },
                    )
                )
            locked_all = [locked for locked, _data in entries]
            _update_grouped(model, locked_all, sorted(fields), batch_size=batch_size)
            log_many(entries, action=self.action_name(verb), user=actor, batch_size=batch_size)
            # A bulk UPDATE sends no post_save: tell listeners (e.g. the public pages'
            # cache) once the change is committed.
            transaction.on_commit(
                lambda: fired_in_bulk.send(sender=model, objects=locked_all, verb=verb)
            )
        for obj, locked in zip(objs, locked_all, strict=True):
            for name in fields:
                setattr(obj, name, getattr(locked, name))
        return locked_all


def _update_grouped(
    model: type[models.Model], objs: list[models.Model], fields: list[str], *, batch_size: int
) -> None:
    """Save ``fields`` of ``objs``: one ``UPDATE … WHERE pk IN (…)`` per set of equal
    values (and per batch), far cheaper than a CASE per row for many rows."""
    attnames = [model._meta.get_field(name).attname for name in fields]
    groups: list[tuple[tuple, list[Any]]] = []
    index: dict[tuple, int] = {}
    for obj in objs:
        values = tuple(getattr(obj, attname) for attname in attnames)
        try:
            position = index.get(values)
        except TypeError:  # an unhashable value (e.g. JSON): a statement of its own
            groups.append((values, [obj.pk]))
            continue
        if position is None:
            index[values] = len(groups)
            groups.append((values, []))
            position = index[values]
        groups[position][1].append(obj.pk)
    for values, pks in groups:
        row = dict(zip(attnames, values, strict=True))
        for start in range(0, len(pks), batch_size):
            model._default_manager.filter(pk__in=pks[start : start + batch_size]).update(**row)


def log_many(
    entries: Iterable[tuple[models.Model, dict[str, Any]]],
    *,
    action: str,
    user,
    batch_size: int = 500,
) -> int:
    """One audit entry per (instance, data) pair, as Wagtail's ``log()`` writes it (the log
    entry model registered for the instance's model, its content type, title, action,
    user, time and the log context's uuid), created in bulk. Like ``log()``, a model
    without a registered log entry model is not logged, and an unregistered action is
    refused."""
    from django.contrib.contenttypes.models import ContentType

    entries = list(entries)
    if not entries:
        return 0
    model = type(entries[0][0])
    log_model = log_action_registry.get_log_model_for_model(model)
    if log_model is None:
        return 0
    if not log_action_registry.action_exists(action):
        raise ValueError(f"The log action {action!r} has not been registered.")
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    context = get_active_log_context()
    now = timezone.now()
    rows = []
    for instance, entry_data in entries:
        if instance.pk is None:
            raise ValueError(f"Attempted to log an action for {instance!r} with empty primary key")
        fields = {
            "content_type": content_type,
            "label": log_model.objects.get_instance_title(instance),
            "action": action,
            "timestamp": now,
            "data": entry_data or {},
            "user": user or context.user,
            "uuid": context.uuid,
        }
        if any(f.name == "object_id" for f in log_model._meta.fields):
            fields["object_id"] = str(instance.pk)  # ModelLogEntry
        else:
            fields["page_id"] = instance.pk  # PageLogEntry
        rows.append(log_model(**fields))
    log_model.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
