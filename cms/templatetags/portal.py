"""Formatting and URL helpers for the portal templates."""

from __future__ import annotations

import re
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def area_m2(value: Decimal | float | int | None) -> str:
    """12345.67 → "12,345.67 平方米": thousands separators read naturally to Chinese readers
    on official notices, and two decimals match the property register."""
    if value is None:
        return "—"
    unit = _("平方米")
    return f"{Decimal(value):,.2f} {unit}"


@register.filter
def grouped(value: int | None) -> str:
    """Integers with thousands separators whatever the active locale."""
    return "—" if value is None else f"{int(value):,}"


@register.filter
def tel_href(phone: str) -> str:
    """A tel: URI keeping digits, +, - only, so a tap on a phone number dials it."""
    return "tel:" + re.sub(r"[^\d+\-]", "", phone or "")


def _base(context) -> str:
    return context.get("portal_base", "/")


@register.simple_tag(takes_context=True)
def region_url(context, code: str) -> str:
    return f"{_base(context)}r/{code}/"


@register.simple_tag(takes_context=True)
def compound_url(context, pk: int) -> str:
    return f"{_base(context)}c/{pk}/"


@register.simple_tag(takes_context=True)
def search_url(context) -> str:
    return f"{_base(context)}search/"
