"""Listing columns every app's back office shares."""

from __future__ import annotations

from collections.abc import Callable

from wagtail.admin.ui.tables import Column

from .admin_forms import can_view_identity


class MaskedColumn(Column):
    """Shows a private value masked unless the viewer may see owners' identities."""

    def __init__(self, name: str, mask: Callable[[str], str], **kwargs):
        super().__init__(name, **kwargs)
        self.mask = mask

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        if not can_view_identity(getattr(request, "user", None)):
            raw = context.get("raw_value") or ""
            context["raw_value"] = context["value"] = self.mask(raw) if raw else ""
        return context
