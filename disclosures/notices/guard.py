"""The personal-data guard: a notice is not published while its text or an attachment's
text holds a valid resident ID number (GB 11643 check digit) or an unmasked mobile number.
Phones that are public on purpose are excepted: the compound's grid staff (DOMAIN 0.1)
and the contact the publishing body gives on the notice. Owners' data is never posted
(DOMAIN 5.2 gives inspection, not publication)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.validators import mask_id_number, mask_phone, normalize_phone, validate_id_number

from .text import attachment_places, body_places, field_places

ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_CANDIDATE = re.compile(
    r"(?<![\d*＊])(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?![\d*＊])"
)

MSG_PERSONAL_DATA = gettext_lazy("公示含有个人信息，不能发布，请删除或打码后再提交：%(places)s")


@dataclass(frozen=True)
class Finding:
    place: str
    kind: str
    masked: str

    def __str__(self) -> str:
        return f"{self.place}（{self.kind} {self.masked}）"


def scan_text(place: str, text: str, *, exempt_phones: frozenset[str]) -> list[Finding]:
    findings = []
    for match in ID_CANDIDATE.finditer(text or ""):
        try:
            validate_id_number(match.group(0))
        except ValidationError:
            continue
        findings.append(Finding(place, _("身份证号码"), mask_id_number(match.group(0))))
    for match in MOBILE_CANDIDATE.finditer(text or ""):
        number = "".join(match.groups())
        if number in exempt_phones:
            continue
        findings.append(Finding(place, _("手机号码"), mask_phone(number)))
    return findings


def exempt_phones_for(notice) -> frozenset[str]:
    """Grid staff of the compound's grids and the notice's published contact."""
    from estates.models import GridStaff

    phones = set()
    if notice.contact_phone:
        phones.add(normalize_phone(notice.contact_phone))
    if notice.compound_id:
        phones |= set(
            GridStaff.objects.filter(grid__buildings__compound_id=notice.compound_id)
            .values_list("phone", flat=True)
            .distinct()
        )
    return frozenset(normalize_phone(p) for p in phones)


def notice_personal_data(notice) -> list[Finding]:
    """Every place of the notice (fields, body, attachments) holding personal data."""
    exempt = exempt_phones_for(notice)
    findings: list[Finding] = []
    for place, text in (*field_places(notice), *body_places(notice), *attachment_places(notice)):
        findings += scan_text(place, text, exempt_phones=exempt)
    return findings


def findings_message(findings: list[Finding]) -> str:
    return MSG_PERSONAL_DATA % {"places": "；".join(str(f) for f in findings)}


def notice_check_personal_data(notice) -> None:
    findings = notice_personal_data(notice)
    if findings:
        raise ValidationError(findings_message(findings), code="personal_data")
