"""The catalogue of required disclosures in the admin: national defaults (platform
administrators) and regional overrides (street staff for their regions), each user seeing
the rows of their regions (common.permission_policies)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.permissions import policy_registry, register_permission_policy

from common.admin_forms import ScopedForm
from common.admin_mixins import AppModelViewSet
from common.jurisdiction import MANAGE, jurisdiction_of
from common.permission_policies import JurisdictionPermissionPolicy

from .models import DisclosureItem

MSG_NATIONAL_ONLY_ADMINS = _("全国默认目录只能由平台管理员修改；请为本区域添加同编号的条目。")

if policy_registry.get_by_type(DisclosureItem, fallback=False) is None:
    register_permission_policy(
        DisclosureItem, JurisdictionPermissionPolicy(DisclosureItem), exact_class=True
    )


class DisclosureItemForm(ScopedForm):
    scoped_fields = {"region": MANAGE}

    class Meta:
        model = DisclosureItem
        fields = [
            "region", "code", "name", "frequency", "publisher", "grace_days",
            "withdraw_after_notice", "is_active", "sort_order", "basis",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        national = cleaned.get("region") is None or (
            self.instance.pk is not None and self.instance.region_id is None
        )
        if national and not jurisdiction_of(self.for_user, MANAGE).everything:
            raise ValidationError(MSG_NATIONAL_ONLY_ADMINS)
        return cleaned


class DisclosureItemViewSet(AppModelViewSet):
    model = DisclosureItem
    icon = "list-ul"
    menu_label = _("公示目录")
    add_to_admin_menu = True
    menu_order = 310
    form_class = DisclosureItemForm
    list_display = ["name", "code", "region", "frequency", "publisher", "grace_days", "is_active"]
    list_filter = ["frequency", "publisher", "is_active"]
    list_select_related = ("region",)
    search_fields = ["name", "code"]


disclosure_item_viewset = DisclosureItemViewSet()
