"""One way to fetch and authorise, for every admin view, API module and service.

- :func:`require_role`: the kind of work (a model or custom permission a role group gives),
  for listings and screens before any object is named;
- :func:`fetch`: an object by its lookup *inside the user's jurisdiction*, else 404 with
  the same answer for an id of another jurisdiction as for an id that does not exist, so
  no message tells whether a record exists elsewhere;
- :func:`authorise`: role and jurisdiction over one object together, the check every
  write runs (the transition mechanism runs it too).

Views and API modules do not call ``Model.objects.get(pk=…)`` or Django's
``get_object_or_404`` on registry-backed models themselves: a test scans them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .jurisdiction import MANAGE, VIEW, scope_queryset, user_covers

MSG_FORBIDDEN = _("您没有查看该数据的权限。")
MSG_NOT_FOUND = _("未找到，或不在您的辖区内。")
MSG_DENIED = _("您没有权限执行该操作。")


def require_role(user, permission: str, *, message: Any = MSG_FORBIDDEN) -> None:
    """Refuse (PermissionDenied) a user whose roles do not give ``permission``."""
    if user is None or not user.is_active or not user.has_perm(permission):
        raise PermissionDenied(message)


def scoped[M: Model](source: type[M] | QuerySet[M], *, user, level: str = VIEW) -> QuerySet[M]:
    """``source`` (a model or a queryset) limited to the user's jurisdiction."""
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    return scope_queryset(queryset, user, level)


def fetch[M: Model](
    source: type[M] | QuerySet[M],
    *,
    user,
    level: str = VIEW,
    message: Any = MSG_NOT_FOUND,
    **lookup: Any,
) -> M:
    """The one object matching ``lookup`` inside the user's jurisdiction, else Http404."""
    obj = scoped(source, user=user, level=level).filter(**lookup).first()
    if obj is None:
        raise Http404(message)
    return obj


def can(actor, permission: str, obj: Model, *, level: str = MANAGE) -> bool:
    """Whether the actor's roles give ``permission`` and a grant covers ``obj``."""
    return bool(
        actor is not None
        and actor.is_active
        and actor.has_perm(permission)
        and user_covers(actor, obj, level)
    )


def authorise(
    actor, permission: str, obj: Model, *, level: str = MANAGE, message: Any = MSG_DENIED
) -> None:
    """Refuse (PermissionDenied with ``message``) unless :func:`can` allows it."""
    if not can(actor, permission, obj, level=level):
        raise PermissionDenied(message)
