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
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from .jurisdiction import MANAGE, user_covers

MSG_INVALID = _("当前状态为“%(state)s”，不能执行“%(action)s”。")
MSG_DENIED = _("您没有权限对该对象执行“%(action)s”。")
MSG_REASON = _("执行“%(action)s”需要填写理由。")

Guard = Callable[[models.Model, Any], None]


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
        return [
            t
            for t in self.allowed_from(state)
            if user.has_perm(t.permission) and user_covers(user, obj, t.level)
        ]

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
    ) -> models.Model:
        """Fire a verb on obj as actor; returns the locked, updated instance."""
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
            if not (
                actor is not None
                and actor.has_perm(transition.permission)
                and user_covers(actor, locked, transition.level)
            ):
                raise PermissionDenied(MSG_DENIED % {"action": transition.label})
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
