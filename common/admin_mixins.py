"""Jurisdiction for Wagtail's generic admin views.

Wagtail's generic views check model permissions only; they fetch objects by primary key
from the whole table. These mixins route every listing and every object lookup through
:func:`common.jurisdiction.scope_queryset`, so an object outside the user's jurisdiction
is never listed and its edit, delete, inspect, history and usage pages answer 404.
Objects the user may see but not manage answer 403 on edit and delete.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.coreutils import multigetattr

from .access import fetch, require_role, scoped
from .admin_choosers import search_condition
from .admin_forms import can_view_identity
from .exports import NeutralisedCsvExportMixin
from .history import scope_log_entries
from .jurisdiction import MANAGE, jurisdiction_of, jurisdiction_q

CAN_MANAGE = "_can_manage"
NOT_AN_ATTRIBUTE = object()  # an inspect field the view computes (not read off the object)


def plain_value(value):
    """Booleans and empty values in words staff read (是/否, 无), never True/False/None."""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if value is None:
        return _("无")
    return value


class PlainColumn(Column):
    """A listing column showing booleans as 是/否 and an empty value as 无."""

    def get_value(self, instance):
        return plain_value(super().get_value(instance))


class ScopedIndexView(NeutralisedCsvExportMixin, generic.IndexView):
    """A listing of the rows in the user's view jurisdiction.

    ``list_select_related`` keeps the query count flat: every column that follows a
    foreign key must be named there. Rows get a ``_can_manage`` flag (one CASE in the
    same query) so edit and delete buttons appear only where a manage grant covers them.
    Its CSV export (``list_export``) writes text a spreadsheet would run as a formula as
    plain text (common.exports); the export holds the same rows as the listing (scoped,
    searched, filtered), ``export_values`` computes a named column from the row, and
    ``export_masks`` masks a column (ID numbers, phones) in the file as on the screen
    unless the user may read identities. Each row's title links to its inspect page.
    A search matches every word (up to a few, of limited length) in one of the fields, so
    a pasted page of text is a short query, not an error.
    """

    list_select_related: tuple[str, ...] = ()
    export_values: dict[str, Callable[[Any], Any]] = {}
    export_masks: dict[str, Callable[[str], str]] = {}

    def search_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.is_searching or self.search_backend_name:
            return super().search_queryset(queryset)
        condition = search_condition(self.search_query, list(self.search_fields or []))
        return queryset if condition is None else queryset.filter(condition)

    def to_row_dict(self, item):
        row = OrderedDict()
        request = getattr(self, "request", None)
        show_identity = can_view_identity(getattr(request, "user", None))
        for field in self.list_export:
            if field in self.export_values:
                value = self.export_values[field](item)
            else:
                try:
                    value = multigetattr(item, field)
                except AttributeError:  # through an empty relation (no company yet)
                    value = ""
            mask = self.export_masks.get(field)
            if mask is not None and value and not show_identity:
                value = mask(str(value))
            row[field] = value
        return row

    @cached_property
    def columns(self):
        columns = super().columns
        if columns and type(columns[0]) in (Column, PlainColumn):
            # A plain column first (e.g. the compound): it becomes the row's link too.
            first = columns[0]
            column_class = self._get_title_column_class(TitleColumn)
            columns[0] = column_class(
                first.name,
                label=first.label,
                accessor=first.accessor,
                sort_key=first.sort_key,
                get_url=self._row_url,
            )
        return columns

    def _row_url(self, instance):
        return self.get_inspect_url(instance) or self.get_edit_url(instance)

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        if column_class is Column:
            column_class = PlainColumn
        return super()._get_custom_column(field_name, column_class, **kwargs)

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        column = super()._get_title_column(field_name, column_class, **kwargs)
        if self.inspect_url_name:
            # The row leads to its detail page; edit stays in the row's buttons.
            column._get_url_func = self._row_url
        return column

    def get_base_queryset(self) -> QuerySet:
        queryset = scoped(super().get_base_queryset(), user=self.request.user)
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return self.annotate_can_manage(queryset)

    def annotate_can_manage(self, queryset: QuerySet) -> QuerySet:
        if not (self.user_has_permission("change") or self.user_has_permission("delete")):
            return queryset.annotate(**{CAN_MANAGE: Value(False)})
        manage = jurisdiction_of(self.request.user, MANAGE)
        if manage.everything:
            return queryset.annotate(**{CAN_MANAGE: Value(True)})
        return queryset.annotate(
            **{
                CAN_MANAGE: Case(
                    When(jurisdiction_q(queryset.model, manage), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            }
        )

    def get_edit_url(self, instance):
        if getattr(instance, CAN_MANAGE, False):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if getattr(instance, CAN_MANAGE, False):
            return super().get_delete_url(instance)
        return None

    def get_copy_url(self, instance):
        return None


class ScopedObjectMixin:
    """Edit and delete: 404 outside the view jurisdiction, 403 without a manage grant."""

    def get_queryset(self) -> QuerySet:
        return scoped(self.model._default_manager.all(), user=self.request.user)

    def get_object(self, queryset=None):
        if getattr(self, "object", None) is not None:
            return self.object
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.permission_required, obj
        ):
            raise PermissionDenied
        return obj


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    @property
    def can_delete(self) -> bool:
        return self.user_has_permission_for_instance("delete", self.object)


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    pass


class ScopedInspectView(generic.InspectView):
    def get_object(self, queryset=None):
        return fetch(self.model, user=self.request.user, pk=unquote(str(self.pk)))

    def get_field_display_value(self, field_name, field):
        if getattr(self.object, field_name, NOT_AN_ATTRIBUTE) in (None, ""):
            return plain_value(None)  # an empty text, image or relation: 无, not blank or "None"
        return plain_value(super().get_field_display_value(field_name, field))

    def get_edit_url(self):
        if self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", self.object
        ):
            return super().get_edit_url()
        return None

    def get_delete_url(self):
        if self.permission_policy.user_has_permission_for_instance(
            self.request.user, "delete", self.object
        ):
            return super().get_delete_url()
        return None


class ScopedHistoryView(history.HistoryView):
    def get_base_object_queryset(self) -> QuerySet:
        return scoped(super().get_base_object_queryset(), user=self.request.user)

    def get_base_queryset(self) -> QuerySet:
        # The object's entries, through the same rules as the site history report.
        return scope_log_entries(super().get_base_queryset(), self.request.user)


class ScopedUsageView(usage.UsageView):
    def get_base_object_queryset(self) -> QuerySet:
        return scoped(super().get_base_object_queryset(), user=self.request.user)


class ScopedViewSetMixin:
    """Plugs the scoped views into a ModelViewSet; copying is off (it would clone private
    fields such as an owner's ID number into a new form)."""

    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    list_select_related: tuple[str, ...] = ()
    export_values: dict[str, Callable[[Any], Any]] = {}
    export_masks: dict[str, Callable[[str], str]] = {}

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            list_select_related=self.list_select_related,
            export_values=self.export_values,
            export_masks=self.export_masks,
            **kwargs,
        )


class AppModelViewSet(ScopedViewSetMixin, ModelViewSet):
    """A scoped viewset named and routed under its app (``estates/compound/``), with
    separate create and edit forms (``form_class``, ``edit_form_class``)."""

    add_to_admin_menu = False
    form_class = None
    edit_form_class = None
    list_per_page = 50

    @cached_property
    def name(self) -> str:
        return f"{self.model._meta.app_label}_{self.model_name}"

    @cached_property
    def url_prefix(self) -> str:
        return f"{self.model._meta.app_label}/{self.model_name}"

    def get_form_class(self, for_update: bool = False):
        if for_update and self.edit_form_class is not None:
            return self.edit_form_class
        return self.form_class


class AdminPageMixin(WagtailAdminTemplateMixin):
    """A plain admin page (dashboards, queues, alarms) whose header names the page:
    breadcrumbs Home › title. ``required_role``, when set, is the permission a user's
    roles must give before anything else happens (:func:`common.access.require_role`)."""

    required_role: str = ""

    def dispatch(self, request, *args, **kwargs):
        if self.required_role:
            require_role(request.user, self.required_role)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]
