"""Choosers for the large choices of the back office (units, owners, buildings, compounds,
companies, regions, committees): a form field shows the chosen item and a button that
opens Wagtail's chooser modal, which searches and pages through the rows inside the
user's jurisdiction, ten at a time. A form therefore renders no list of options at all,
whatever the size of the jurisdiction.

- :class:`ScopedChooserViewSet` is Wagtail's ``ChooserViewSet`` with every list and every
  "chosen" lookup going through :func:`common.access.scoped` / :func:`common.access.fetch`
  (an id outside the jurisdiction answers 404, like a missing one). The level (view or
  manage) comes from the widget's URL, so a field that places an object offers only what
  the user may manage.
- :class:`ScopedChooserWidget` renders the chosen item's label through the same scoping
  (a posted id outside the jurisdiction shows as empty, never its name) and starts its
  script from a data attribute and a static file, as the admin's content security
  policy refuses inline scripts.

The form field itself stays a ``ModelChoiceField`` whose queryset
:class:`common.admin_forms.ScopedForm` narrows, so validation refuses an id outside the
jurisdiction whatever the browser sends.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlencode

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from .access import fetch, scoped
from .jurisdiction import MANAGE, VIEW

#: A search longer than this is cut (a pasted page of text must not become a query of
#: thousands of LIKE terms); at most this many words are matched.
SEARCH_MAX_CHARS = 100
SEARCH_MAX_WORDS = 5
#: The URL parameter naming the jurisdiction level the chooser lists ("manage" or view).
SCOPE_PARAM = "scope"
CHOOSER_SCRIPT = "estates/js/scoped-chooser.js"


def search_condition(query: str, fields: list[str]) -> Q | None:
    """Every word (up to :data:`SEARCH_MAX_WORDS`) found in one of ``fields``."""
    words = (query or "")[:SEARCH_MAX_CHARS].split()[:SEARCH_MAX_WORDS]
    if not words or not fields:
        return None
    condition = Q()
    for word in words:
        either = Q()
        for field in fields:
            either |= Q(**{f"{field}__icontains": word})
        condition &= either
    return condition


class ChooserSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("输入名称或编号搜索")}),
    )
    search_fields: list[str] = []

    def filter(self, objects: QuerySet) -> QuerySet:
        query = (self.cleaned_data.get("q") or "").strip()
        condition = search_condition(query, self.search_fields)
        if condition is None:
            return objects
        self.is_searching = True
        self.search_query = query
        return objects.filter(condition)


class ScopedChooseMixin:
    """The choose and results views: rows in the user's jurisdiction, searched in
    ``search_fields``, labelled by ``label`` and optional ``extra_columns``."""

    search_fields: list[str] = []
    select_related: tuple[str, ...] = ()
    object_ordering: tuple[str, ...] = ("pk",)
    label: Callable = str
    base_filter: Callable = staticmethod(lambda queryset: queryset)
    url_filter_lookups: dict[str, str] = {}
    extra_columns: tuple[tuple[str, object, Callable], ...] = ()
    per_page = 10

    def level(self) -> str:
        return MANAGE if self.request.GET.get(SCOPE_PARAM) == MANAGE else VIEW

    def get_object_list(self):
        queryset = scoped(self.model_class, user=self.request.user, level=self.level())
        queryset = type(self).base_filter(queryset)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset.order_by(*self.object_ordering)

    def filter_object_list(self, objects):
        # The URL's filters are ids and levels: anything else matches nothing (not a 500).
        for name in [*self.url_filter_parameters, *self.url_filter_lookups]:
            value = self.request.GET.get(name)
            if value is not None and not value.isdigit():
                return objects.none()
        for name, lookup in self.url_filter_lookups.items():
            if value := self.request.GET.get(name):
                # Through a relation (e.g. an owner's ownerships): a subquery, no duplicates.
                matching = self.model_class._default_manager.filter(**{lookup: value})
                objects = objects.filter(pk__in=matching.values("pk"))
        return super().filter_object_list(objects)

    def get_filter_form_class(self):
        return type(
            "ScopedChooserSearchForm", (ChooserSearchForm,), {"search_fields": self.search_fields}
        )

    @property
    def title_column(self):
        return TitleColumn(
            "title",
            label=_("名称"),
            accessor=type(self).label,
            get_url=lambda obj: self.append_preserved_url_parameters(
                reverse(self.chosen_url_name, args=(obj.pk,))
            ),
            link_attrs={"data-chooser-modal-choice": True},
        )

    @property
    def columns(self):
        return [
            self.title_column,
            *(
                Column(name, label=label, accessor=accessor)
                for name, label, accessor in self.extra_columns
            ),
        ]


class ScopedChosenMixin:
    label: Callable = str
    base_filter: Callable = staticmethod(lambda queryset: queryset)

    def get_object(self, pk):
        level = MANAGE if self.request.GET.get(SCOPE_PARAM) == MANAGE else VIEW
        queryset = type(self).base_filter(scoped(self.model_class, user=self.request.user))
        return fetch(queryset, user=self.request.user, level=level, pk=pk)

    def get_display_title(self, instance) -> str:
        return type(self).label(instance)

    def get_edit_item_url(self, instance):
        return None


class ScopedChooserWidget(BaseChooser):
    """Shows the chosen item only if it is inside the user's jurisdiction; no inline
    script (see the module docstring)."""

    show_edit_link = False
    label: Callable = str
    user = None
    level = VIEW
    url_params: dict[str, str] = {}
    select_related: tuple[str, ...] = ()

    def __init__(self, *, user=None, level: str | None = None, url_params=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        if level is not None:
            self.level = level
        if url_params is not None:
            self.url_params = dict(url_params)

    def get_chooser_modal_url(self) -> str:
        params = {**self.url_params}
        if self.level == MANAGE:
            params[SCOPE_PARAM] = MANAGE
        url = reverse(self.chooser_modal_url_name)
        return f"{url}?{urlencode(params)}" if params else url

    def get_instance(self, value):
        if value is None or value == "" or self.user is None:
            return None
        if isinstance(value, self.model_class):
            pk = value.pk
        else:
            pk = str(value)
            if not pk.isdigit():
                return None
        queryset = scoped(self.model_class, user=self.user, level=VIEW)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset.filter(pk=pk).first()

    def get_display_title(self, instance) -> str:
        return type(self).label(instance)

    def get_value_data_from_instance(self, instance):
        return {"id": instance.pk, "edit_url": "", "title": self.get_display_title(instance)}

    def render(self, name, value, attrs=None, renderer=None):
        try:
            id_ = attrs["id"]
        except (KeyError, TypeError) as e:
            raise TypeError("ScopedChooserWidget cannot be rendered without an 'id'") from e
        value_data = self.get_value_data(value)
        html = self.render_html(name, value_data, attrs)
        options = json.dumps(self.get_js_init_options(id_, name, value_data))
        return format_html(
            '{}<span hidden data-scoped-chooser="{}" data-options="{}"></span>', html, id_, options
        )

    @property
    def media(self):
        return forms.Media(js=[*super().media._js, CHOOSER_SCRIPT])


class ScopedChooserViewSet(ChooserViewSet):
    """A chooser of ``model`` scoped to the user's jurisdiction (module docstring).
    Not registered as the default widget of every foreign key: forms opt in with
    :meth:`widget` (see :class:`common.admin_forms.ScopedForm`)."""

    register_widget = False
    per_page = 10
    search_fields: list[str] = []
    select_related: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("pk",)
    url_filter_parameters: list[str] = []
    #: URL parameters filtered through a relation: ``{"compound": "ownerships__compound"}``.
    url_filter_lookups: dict[str, str] = {}
    extra_columns: tuple = ()
    choose_one_text = _("选择")
    choose_another_text = _("重新选择")
    search_tab_label = _("搜索")

    @staticmethod
    def label(obj) -> str:
        return str(obj)

    @staticmethod
    def base_filter(queryset: QuerySet) -> QuerySet:
        """Rows the chooser never offers (e.g. dissolved committees)."""
        return queryset

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.preserve_url_parameters = [
            "multiple",
            SCOPE_PARAM,
            *self.url_filter_parameters,
            *self.url_filter_lookups,
        ]

    def _view_class(self, base, mixin, **attrs):
        return type(
            f"{self.model.__name__}{base.__name__}",
            (mixin, base),
            {
                "label": staticmethod(type(self).label),
                "base_filter": staticmethod(type(self).base_filter),
                **attrs,
            },
        )

    @property
    def choose_view(self):
        view_class = self._view_class(
            chooser_views.ChooseView,
            ScopedChooseMixin,
            search_fields=self.search_fields,
            select_related=self.select_related,
            object_ordering=self.ordering,
            extra_columns=self.extra_columns,
            url_filter_lookups=self.url_filter_lookups,
        )
        return self.construct_view(
            view_class,
            icon=self.icon,
            page_title=self.page_title,
            search_tab_label=self.search_tab_label,
            creation_tab_label=self.creation_tab_label,
        )

    @property
    def choose_results_view(self):
        view_class = self._view_class(
            chooser_views.ChooseResultsView,
            ScopedChooseMixin,
            search_fields=self.search_fields,
            select_related=self.select_related,
            object_ordering=self.ordering,
            extra_columns=self.extra_columns,
            url_filter_lookups=self.url_filter_lookups,
        )
        return self.construct_view(view_class)

    @property
    def chosen_view(self):
        return self.construct_view(self._view_class(chooser_views.ChosenView, ScopedChosenMixin))

    @property
    def chosen_multiple_view(self):
        view_class = type(
            f"{self.model.__name__}ChosenMultipleView",
            (ScopedChosenMixin, chooser_views.ChosenMultipleView),
            {
                "label": staticmethod(type(self).label),
                "get_objects": lambda view, pks: scoped(
                    view.model_class, user=view.request.user
                ).filter(pk__in=[p for p in pks if str(p).isdigit()]),
            },
        )
        return self.construct_view(view_class)

    @property
    def widget_class(self):
        return type(
            f"{self.model.__name__}ScopedChooserWidget",
            (ScopedChooserWidget,),
            {
                "model": self.model,
                "choose_one_text": self.choose_one_text,
                "choose_another_text": self.choose_another_text,
                "chooser_modal_url_name": self.get_url_name("choose"),
                "icon": self.icon,
                "label": staticmethod(type(self).label),
                "select_related": self.select_related,
            },
        )

    def widget(self, **kwargs) -> ScopedChooserWidget:
        return self.widget_class(**kwargs)
