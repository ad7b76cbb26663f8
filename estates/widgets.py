"""The grid form's building picker: the chosen buildings as a list, each with a remove
button and a hidden input, and a search box that asks
:mod:`estates.views.building_picker` for the buildings and whole compounds of the
community chosen in the form's region field. No list of options is rendered, whatever
the size of the community.

The field stays a ``ModelMultipleChoiceField`` whose queryset
:class:`common.admin_forms.ScopedForm` narrows to what the user manages; the widget
names only chosen buildings found in that same queryset, so a posted id outside the
jurisdiction shows as nothing (never its name), and validation refuses it. The script
starts from data attributes (the admin's content security policy refuses inline ones).
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .building_picker import building_label
from .models import Building
from .views.building_picker import URL_NAME

#: More posted ids than this are not named back (a grid covers a few dozen buildings).
MAX_SHOWN = 1000


class BuildingPickerWidget(forms.Widget):
    template_name = "estates/widgets/building_picker.html"
    texts = {
        "empty": _("本社区没有符合的楼栋或小区。"),
        "no-community": _("请先选择所属社区，再搜索楼栋。"),
        "remove": _("移除"),
        "added": _("已添加"),
        "removed": _("已移除"),
        "failed": _("搜索失败，请稍后重试。"),
    }

    def __init__(self, *, queryset: QuerySet | None = None, region_input: str = "", **kwargs):
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Building.objects.none()
        self.region_input = region_input

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter is not None else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        # Removing every building posts no input at all: that is an empty choice.
        return False

    def format_value(self, value) -> list[str]:
        if value is None:
            return []
        values = value if isinstance(value, list | tuple | set) else [value]
        ids = (str(getattr(v, "pk", v)) for v in values)
        return list(dict.fromkeys(i for i in ids if i.isdigit()))[:MAX_SHOWN]

    def chosen(self, ids: list[str]) -> list[dict]:
        if not ids:
            return []
        buildings = self.queryset.filter(pk__in=ids).select_related("compound")
        buildings = sorted(buildings, key=lambda b: (b.compound.name, b.name, b.pk))
        return [{"id": b.pk, "label": building_label(b)} for b in buildings]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["chosen"] = self.chosen(widget["value"])
        widget["search_url"] = reverse(URL_NAME)
        widget["region_input"] = self.region_input
        widget["texts"] = self.texts
        return context

    def id_for_label(self, id_):
        return id_

    @property
    def media(self):
        return forms.Media(
            js=["estates/js/combobox.js", "estates/js/building-picker.js"],
            css={"all": ["estates/css/building-picker.css"]},
        )
