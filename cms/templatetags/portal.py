"""Formatting and URL helpers for the portal templates."""

from __future__ import annotations

import re
from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


def _unbroken(text: str) -> SafeString:
    """A number and its unit kept on one line: a line break between "1,234" and "平方米"
    (or inside "0876-2123456") makes a notice hard to read on a phone."""
    return format_html('<span class="nowrap">{}</span>', text)


@register.filter
def area_m2(value: Decimal | float | int | None) -> str:
    """12345.67 → "12,345.67 平方米" on one line: thousands separators read naturally to
    Chinese readers on official notices, and two decimals match the property register."""
    if value is None:
        return "—"
    unit = _("平方米")
    return _unbroken(f"{Decimal(value):,.2f}\u00a0{unit}")


@register.filter
def with_unit(value: int | None, unit: str) -> str:
    """56 with "户" → "56 户" on one line, thousands grouped ("1,234 套")."""
    if value is None:
        return "—"
    return _unbroken(f"{int(value):,}\u00a0{unit}")


@register.simple_tag(takes_context=True)
def portal_settings(context):
    """The site's footer and hotline settings (cms.site_settings); no query once loaded."""
    from cms.site_settings import portal_settings as load

    return load(context.get("request"))


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
