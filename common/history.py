"""The audit log, scoped by jurisdiction: what each user may read of Wagtail's history.

Wagtail's site history report lists every log entry of every model the user holds any
permission on, province-wide. Here a log entry is shown only when

1. the user holds a permission on the logged model (Wagtail's own rule), and
2. the logged object lies in the user's view jurisdiction
   (:func:`common.jurisdiction.scope_queryset` on that model), and
3. every ``scope_history_queryset`` hook lets it through: apps narrow further there, e.g.
   a department reviewer reads only their own department's review answers (DOMAIN §9).

Log entries store the object as a content type and a string id, so the filter groups by
content type: one ``object_id IN (scoped ids of that model)`` term per model, all in the
one SQL query of the report, whatever the number of entries or objects. Objects without a
jurisdiction (users, groups, images, deleted objects) are shown only to users whose
jurisdiction is everything; page history keeps Wagtail's page permissions.

The scoped report replaces Wagtail's at its own URL (:data:`urlpatterns`, registered in
``estates.wagtail_hooks``); the stock URLs redirect to it (:func:`stock_report_overrides`,
in ``config.urls``), and the stock menu item is replaced (:func:`replace_stock_menu_item`).
Its CSV export neutralises cells that a spreadsheet would run as a formula
(:mod:`common.exports`).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, IntegerField, Model, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.reports.audit_logging import (
    LogEntriesView,
    SiteHistoryReportFilterSet,
)
from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry, PageLogEntry
from wagtail.permissions import policy_registry

from .exports import NeutralisedCsvExportMixin
from .jurisdiction import MANAGE, VIEW, jurisdiction_of, scope_queryset
from .permission_policies import JurisdictionPermissionPolicy

# Apps narrow what a user reads of one model's history: fn(queryset, user) -> queryset.
SCOPE_HOOK = "scope_history_queryset"

# ------------------------------------------------------------------ scoping


@functools.cache
def jurisdiction_models() -> tuple[type[Model], ...]:
    """Every model that says how it reaches the region tree."""
    return tuple(
        model
        for model in apps.get_models()
        if hasattr(model, "jurisdiction_fields") or hasattr(model, "jurisdiction_q")
    )


def holds_model_permission(user, model: type[Model]) -> bool:
    """Wagtail's rule for the history report: any permission on the model's content type
    (the default ones and those the model declares). No query once the user's
    permissions are cached."""
    opts = model._meta
    codenames = [f"{action}_{opts.model_name}" for action in opts.default_permissions]
    codenames += [codename for codename, _name in opts.permissions]
    return any(user.has_perm(f"{opts.app_label}.{codename}") for codename in codenames)


def scoped_objects(model: type[Model], user) -> QuerySet:
    """The objects of a model whose history the user may read (not evaluated)."""
    queryset = scope_queryset(model._default_manager.all(), user, VIEW)
    for fn in hooks.get_hooks(SCOPE_HOOK):
        queryset = fn(queryset, user)
    return queryset


def history_q(user) -> Q:
    """A filter over ModelLogEntry: the entries of objects in the user's jurisdiction, one
    term per model the user holds a permission on; matches nothing if there is none."""
    models = [m for m in jurisdiction_models() if holds_model_permission(user, m)]
    content_types = ContentType.objects.get_for_models(*models, for_concrete_models=False)
    condition = Q(pk__in=[])
    for model in models:
        # Log entries keep the id as text: compare with the ids cast to text, so an index
        # on object_id serves and no entry id is ever cast to a number.
        ids = (
            scoped_objects(model, user)
            .order_by()
            .values(object_key=Cast("pk", output_field=CharField()))
        )
        condition |= Q(content_type_id=content_types[model].pk, object_id__in=ids)
    return condition


def visible_log_entries(log_model, user) -> QuerySet:
    """The entries of one log model the user may read, as an unevaluated queryset."""
    manager = log_model.objects
    jurisdiction = jurisdiction_of(user, VIEW)
    if user.is_superuser or jurisdiction.everything:
        return manager.viewable_by_user(user)
    if jurisdiction.is_empty:
        return manager.none()
    if issubclass(log_model, PageLogEntry):
        # The public site's pages: Wagtail's page permissions say who reads their history.
        return manager.viewable_by_user(user)
    if issubclass(log_model, ModelLogEntry):
        return manager.filter(history_q(user))
    return manager.none()


def scope_log_entries(queryset: QuerySet, user) -> QuerySet:
    """Narrow any queryset of log entries (e.g. one object's history) to what the user
    may read."""
    return queryset.filter(pk__in=visible_log_entries(queryset.model, user).values("pk"))


def may_view_history(user) -> bool:
    """Only users with somewhere to audit get the report: a role without any grant has
    no menu entry and the URL refuses it."""
    return user.is_superuser or not jurisdiction_of(user, VIEW).is_empty


def edit_urls(user, instances: Iterable[Model]) -> dict[tuple[type[Model], object], str]:
    """Edit links for the logged objects the user may change, keyed by (model, pk).

    Jurisdiction-scoped models are checked in one query per model (manage grants);
    other models go through Wagtail's finder one by one, as the stock report does."""
    finder = AdminURLFinder()  # builds URLs; permissions are checked here
    checked_finder = AdminURLFinder(user)
    by_model: dict[type[Model], list[Model]] = defaultdict(list)
    for instance in instances:
        by_model[type(instance)].append(instance)
    urls = {}
    for model, objects in by_model.items():
        policy = policy_registry.get_by_type(model)
        batched = (
            isinstance(policy, JurisdictionPermissionPolicy)
            and type(policy).user_has_permission_for_instance
            is JurisdictionPermissionPolicy.user_has_permission_for_instance
        )
        if batched:
            if not policy.user_has_permission(user, "change"):
                continue
            pks = {o.pk for o in objects}
            allowed = set(
                scope_queryset(model._default_manager.filter(pk__in=pks), user, MANAGE)
                .order_by()
                .values_list("pk", flat=True)
            )
            for obj in objects:
                if obj.pk in allowed and (url := finder.get_edit_url(obj)):
                    urls[(model, obj.pk)] = url
        else:
            for obj in objects:
                if url := checked_finder.get_edit_url(obj):
                    urls[(model, obj.pk)] = url
    return urls


# ------------------------------------------------------------------ the report


def _log_models() -> list:
    return list(log_registry.get_log_entry_models())


class ScopedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """The report's filters offer only the actions, users and types of visible entries."""

    def __init__(self, *args, request=None, **kwargs):
        self._user = request.user
        super().__init__(*args, request=request, **kwargs)
        if "object_type" in self.filters:
            self.filters["object_type"].queryset = lambda request: self._content_types()

    @functools.cached_property
    def _facets(self) -> tuple[set, set, set]:
        """Actions, user ids and content type ids of the visible entries: one query per
        log model for all three filters."""
        actions, user_ids, content_type_ids = set(), set(), set()
        for log_model in _log_models():
            rows = (
                visible_log_entries(log_model, self._user)
                .order_by()
                .values_list("action", "user_id", "content_type_id")
                .distinct()
            )
            for action, user_id, content_type_id in rows:
                actions.add(action)
                user_ids.add(user_id)
                content_type_ids.add(content_type_id)
        return actions, user_ids, content_type_ids

    def get_action_choices(self):
        actions = self._facets[0]
        return [choice for choice in log_registry.get_choices() if choice[0] in actions]

    def get_users_queryset(self):
        User = get_user_model()
        return User.objects.filter(pk__in=self._facets[1]).order_by(User.USERNAME_FIELD)

    get_user_choices = get_users_queryset

    def _content_types(self):
        return ContentType.objects.filter(pk__in=self._facets[2]).order_by("model")


class ScopedLogEntriesView(NeutralisedCsvExportMixin, LogEntriesView):
    """Wagtail's site history report and its exports, limited to what the user may read;
    the CSV export writes formula-like cells as text (common.exports)."""

    filterset_class = ScopedSiteHistoryFilterSet
    index_url_name = "common_history:site_history"
    index_results_url_name = "common_history:site_history_results"

    def dispatch(self, request, *args, **kwargs):
        if not may_view_history(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filtered_queryset(self):
        """As the stock report: one values() query per log model, joined with UNION ALL
        and ordered by time, but each from the entries the user may read."""
        self.log_models = _log_models()
        queryset = None
        for index, log_model in enumerate(self.log_models):
            part = (
                visible_log_entries(log_model, self.request.user)
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            part = self.filter_queryset(part).order_by()
            queryset = part if queryset is None else queryset.union(part, all=True)
        return queryset.order_by("-timestamp")

    def decorate_paginated_queryset(self, queryset):
        """Entries in report order, each with its edit link: a fixed number of queries per
        log model and logged model, none per row."""
        rows = list(queryset)
        pks_by_index = defaultdict(list)
        for row in rows:
            pks_by_index[row["log_model_index"]].append(row["pk"])
        found = {}
        for index, pks in pks_by_index.items():
            entries = (
                self.log_models[index]
                .objects.prefetch_related("user__wagtail_userprofile", "content_type")
                .filter(pk__in=pks)
                .with_instances()
            )
            for entry, instance in entries:
                found[(index, entry.pk)] = (entry, instance)
        urls = {}
        if not self.is_export:
            instances = [i for _e, i in found.values() if i is not None]
            urls = edit_urls(self.request.user, instances)
        result = []
        for row in rows:
            entry, instance = found[(row["log_model_index"], row["pk"])]
            entry.edit_url = (
                urls.get((type(instance), instance.pk)) if instance is not None else None
            )
            result.append(entry)
        return result


app_name = "common_history"
urlpatterns = [
    path("", ScopedLogEntriesView.as_view(), name="site_history"),
    path("results/", ScopedLogEntriesView.as_view(results_only=True), name="site_history_results"),
]


def register_admin_urls():
    """For the ``register_admin_urls`` hook."""
    return [path("reports/audit-log/", include((urlpatterns, app_name), namespace=app_name))]


class HistoryMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view_history(request.user)


def reports_menu_item():
    """For the ``register_reports_menu_item`` hook: the scoped report, where Wagtail's was."""
    return HistoryMenuItem(
        _("操作记录"),
        reverse("common_history:site_history"),
        name="scoped-site-history",
        icon_name="history",
        order=1000,
    )


def replace_stock_menu_item(request, menu_items):
    """For the ``construct_reports_menu`` hook: drop Wagtail's unscoped report."""
    menu_items[:] = [item for item in menu_items if item.name != "site-history"]


class _ToScopedReport(RedirectView):
    query_string = True  # keeps filters and ?export=csv
    target = ""  # URL name of the scoped view

    def get_redirect_url(self, *args, **kwargs):
        self.url = reverse(self.target)
        return super().get_redirect_url(*args, **kwargs)


def stock_report_overrides(admin_prefix: str = "admin/") -> list:
    """URL patterns to place before Wagtail's admin URLs: the stock site history report
    and its results answer with a redirect to the scoped report, for every user."""
    return [
        path(
            f"{admin_prefix}reports/site-history/",
            _ToScopedReport.as_view(target="common_history:site_history"),
        ),
        path(
            f"{admin_prefix}reports/site-history/results/",
            _ToScopedReport.as_view(target="common_history:site_history_results"),
        ),
    ]
