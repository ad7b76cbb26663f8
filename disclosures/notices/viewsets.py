"""The catalogue of required disclosures in the admin: national defaults and regional
overrides, each staff member seeing the rows of their regions (common.permission_policies)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry, register_permission_policy

from common.permission_policies import JurisdictionPermissionPolicy

from .models import DisclosureItem

if policy_registry.get_by_type(DisclosureItem, fallback=False) is None:
    register_permission_policy(
        DisclosureItem, JurisdictionPermissionPolicy(DisclosureItem), exact_class=True
    )


class DisclosureItemViewSet(ModelViewSet):
    model = DisclosureItem
    icon = "list-ul"
    menu_label = _("公示目录")
    add_to_admin_menu = True
    menu_order = 310
    list_display = ["name", "code", "region", "frequency", "publisher", "grace_days", "is_active"]
    list_filter = ["frequency", "publisher", "is_active"]
    search_fields = ["name", "code"]
    form_fields = [
        "region", "code", "name", "frequency", "publisher", "grace_days",
        "withdraw_after_notice", "is_active", "sort_order", "basis",
    ]  # fmt: skip


disclosure_item_viewset = DisclosureItemViewSet("disclosure_items")
