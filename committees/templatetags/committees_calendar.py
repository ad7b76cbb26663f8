"""``{% calendar_warning items "due_on" %}``: a warning line on admin screens whose
deadlines fall in a year without an entered holiday calendar (DOMAIN 1.10). One query
(the years entered), whatever the number of dates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django import template

register = template.Library()


def _dates(items, attribute: str) -> list[date]:
    if items is None or items == "":
        return []
    if isinstance(items, date):
        return [items]
    found = []
    for item in items if isinstance(items, Iterable) else [items]:
        value = item.get(attribute) if isinstance(item, dict) else getattr(item, attribute, None)
        if isinstance(value, date):
            found.append(value)
    return found


def years_without_calendar(dates: Iterable[date]) -> list[int]:
    """The years among ``dates`` that have no holiday or make-up day entered."""
    from ..models.bodies import CalendarDay

    years = {d.year for d in dates}
    if not years:
        return []
    entered = CalendarDay.objects.filter(date__year__in=years).dates("date", "year")
    return sorted(years - {d.year for d in entered})


@register.inclusion_tag("committees/admin/calendar_warning.html")
def calendar_warning(items, attribute: str = "due_on"):
    return {"calendar_years_missing": years_without_calendar(_dates(items, attribute))}
