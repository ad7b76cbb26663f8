"""Form pieces every app's back office shares: forms whose choices are narrowed to the
user's jurisdiction, and whether a user may read owners' identities in full."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.documents import get_document_model

from .files import documents_visible_to
from .jurisdiction import scope_queryset


def can_view_identity(user) -> bool:
    """ID numbers and phones of owners are shown in full only with this permission."""
    return bool(user and user.has_perm("estates.view_owner_identity"))


class ScopedForm(WagtailAdminModelForm):
    """Narrows choice fields to the user's jurisdiction: ``scoped_fields`` maps a field
    name to the level (manage for where the object goes, view for what it refers to)."""

    scoped_fields: dict[str, str] = {}

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
