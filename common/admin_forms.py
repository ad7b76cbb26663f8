"""Form pieces every app's back office shares: forms whose choices are narrowed to the
user's jurisdiction, and whether a user may read owners' identities in full."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.documents import get_document_model

from .files import documents_visible_to
from .jurisdiction import VIEW, scope_queryset


def can_view_identity(user) -> bool:
    """ID numbers and phones of owners are shown in full only with this permission."""
    return bool(user and user.has_perm("estates.view_owner_identity"))


class ScopedForm(WagtailAdminModelForm):
    """Narrows choice fields to the user's jurisdiction: ``scoped_fields`` maps a field
    name to the level (manage for where the object goes, view for what it refers to).
    ``choosers`` maps a field name to a :class:`common.admin_choosers.ScopedChooserViewSet`:
    that field is shown as a chooser (a button and a searchable modal, scoped at the same
    level) instead of a list of every row of the jurisdiction."""

    scoped_fields: dict[str, str] = {}
    choosers: dict = {}
    #: Extra filters passed to a chooser's URL, e.g. ``{"region": {"level": "4"}}``.
    chooser_params: dict[str, dict[str, str]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, level in self.scoped_fields.items():
            field = self.fields.get(name)
            if field is not None and hasattr(field, "queryset"):
                field.queryset = scope_queryset(field.queryset, self.for_user, level)
        # Private papers: only a document the user may read can be attached (common.files).
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and queryset.model is get_document_model():
                field.queryset = documents_visible_to(self.for_user, queryset)
        for name, chooser in self.choosers.items():
            field = self.fields.get(name)
            if field is None or field.disabled:
                continue
            widget = chooser.widget(
                user=self.for_user,
                level=self.scoped_fields.get(name, VIEW),
                url_params=self.chooser_params.get(name),
            )
            widget.is_required = field.required
            field.widget = widget
