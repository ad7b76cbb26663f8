"""Validators for Chinese identifiers: resident ID (GB 11643), credit code (GB 32100), phones."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")

MSG_ID_FORMAT = _("居民身份证号码应为18位：17位数字加1位数字或X。")
MSG_ID_BIRTH = _("居民身份证号码中的出生日期无效。")
MSG_ID_CHECK = _("居民身份证号码校验位不正确（GB 11643）。")
MSG_CREDIT_FORMAT = _("统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）。")
MSG_CREDIT_CHECK = _("统一社会信用代码校验位不正确（GB 32100）。")
MSG_PHONE = _("请输入有效的手机号码（11位，以1开头）或带区号的固定电话。")


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_number_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    """Resident identity card number: 18 chars, birth date, ISO 7064 MOD 11-2 check (GB 11643)."""
    value = normalize_id_number(value)
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(MSG_ID_FORMAT, code="id_format")
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(MSG_ID_BIRTH, code="id_birth") from None
    if birth.year < 1900 or birth > datetime.date.today():
        raise ValidationError(MSG_ID_BIRTH, code="id_birth")
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(MSG_ID_CHECK, code="id_check")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Unified social credit code: 18 chars of the GB 32100 charset with a MOD 31 check char."""
    value = (value or "").strip().upper()
    if len(value) != 18 or any(c not in CREDIT_CHARSET for c in value):
        raise ValidationError(MSG_CREDIT_FORMAT, code="credit_format")
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(MSG_CREDIT_CHECK, code="credit_check")


def normalize_phone(value: str) -> str:
    value = re.sub(r"[\s()（）]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    return value


def validate_phone(value: str) -> None:
    """Mainland mobile (1[3-9] + 9 digits) or a landline with its area code."""
    value = normalize_phone(value)
    if not (MOBILE_RE.match(value) or LANDLINE_RE.match(value)):
        raise ValidationError(MSG_PHONE, code="phone")


def mask_id_number(value: str) -> str:
    return f"{value[:3]}***********{value[-4:]}" if value and len(value) >= 8 else "****"


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if value and len(value) >= 8 else "****"
