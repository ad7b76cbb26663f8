"""Choosers of the committees' large lists (common.admin_choosers): committees and the
serving members who may keep a seal, scoped to the user's jurisdiction and searched ten
at a time. Registered with the committees' viewsets (committees.viewsets)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from common.admin_choosers import ScopedChooserViewSet

from .choices import Position
from .models.bodies import Committee, CommitteeMember


class CommitteeChooserViewSet(ScopedChooserViewSet):
    """Active committees only: a dissolved one takes no new term, branch, seal or paper."""

    model = Committee
    name = "committees_committee_chooser"
    icon = "group"
    choose_one_text = _("选择委员会")
    search_fields = ["compound__name", "compound__name_pinyin"]
    select_related = ("compound",)
    ordering = ("compound__region_path", "compound__name", "pk")

    @staticmethod
    def label(obj: Committee) -> str:
        return str(obj)

    @staticmethod
    def base_filter(queryset):
        return queryset.filter(is_active=True)


class SealKeeperChooserViewSet(ScopedChooserViewSet):
    """Serving members (not reserves, not departed) who may keep a seal (DOMAIN 3.6)."""

    model = CommitteeMember
    name = "committees_keeper_chooser"
    icon = "user"
    choose_one_text = _("选择保管人")
    search_fields = ["name", "compound__name"]
    select_related = ("compound", "term")
    ordering = ("compound__name", "name", "pk")

    @staticmethod
    def label(obj: CommitteeMember) -> str:
        return f"{obj.name}（{obj.compound.name} {obj.term}）"

    @staticmethod
    def base_filter(queryset):
        return queryset.filter(left_on__isnull=True).exclude(position=Position.RESERVE)


committee_chooser = CommitteeChooserViewSet()
keeper_chooser = SealKeeperChooserViewSet()
CHOOSERS = (committee_chooser, keeper_chooser)
