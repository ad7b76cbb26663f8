"""Validators of registry fields that more than one writer applies (models, import)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Years of buildings: none in the registry before 1900; a few years ahead for compounds
# registered while still being built.
FIRST_YEAR = 1900
YEARS_AHEAD = 5
MSG_YEAR_RANGE = _("年份应在 %(first)s 至 %(last)s 之间。")


def year_range() -> tuple[int, int]:
    """The accepted years, from 1900 to five years after the current one."""
    return FIRST_YEAR, timezone.localdate().year + YEARS_AHEAD


def validate_year(value: int | None) -> None:
    if value is None:
        return
    first, last = year_range()
    if not first <= value <= last:
        raise ValidationError(
            MSG_YEAR_RANGE, code="year_range", params={"first": first, "last": last}
        )
