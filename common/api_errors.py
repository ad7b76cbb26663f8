"""Chinese for the API's request validation errors.

django-ninja answers a request whose parameters or body do not validate with 422 and
pydantic's English messages ("Input should be greater than or equal to 1"). The answer
keeps ninja's shape (``detail``: a list of ``loc``, ``type``, ``msg``, ``ctx``) so clients
can still point at the field, with ``msg`` in Chinese from pydantic's error type and its
context."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PARTS = {
    "query": gettext_lazy("查询参数"),
    "path": gettext_lazy("路径参数"),
    "body": gettext_lazy("请求体"),
    "form": gettext_lazy("表单"),
    "file": gettext_lazy("文件"),
    "header": gettext_lazy("请求头"),
    "cookie": gettext_lazy("Cookie"),
}


def _messages() -> dict[str, str]:
    """pydantic's error types, in Chinese; ``%(…)s`` takes the error's context."""
    return {
        "missing": _("必填"),
        "int_parsing": _("应为整数"),
        "int_type": _("应为整数"),
        "int_from_float": _("应为整数"),
        "float_parsing": _("应为数字"),
        "float_type": _("应为数字"),
        "decimal_parsing": _("应为数字"),
        "decimal_type": _("应为数字"),
        "decimal_max_digits": _("数字位数不能超过 %(max_digits)s 位"),
        "decimal_max_places": _("小数位数不能超过 %(decimal_places)s 位"),
        "decimal_whole_digits": _("整数部分位数过多"),
        "finite_number": _("应为有限的数字"),
        "bool_parsing": _("应为是或否（true / false）"),
        "bool_type": _("应为是或否（true / false）"),
        "string_type": _("应为文字"),
        "string_too_short": _("至少 %(min_length)s 个字符"),
        "string_too_long": _("不能超过 %(max_length)s 个字符"),
        "string_pattern_mismatch": _("格式不正确"),
        "too_short": _("至少 %(min_length)s 项"),
        "too_long": _("不能超过 %(max_length)s 项"),
        "greater_than": _("应大于 %(gt)s"),
        "greater_than_equal": _("应不小于 %(ge)s"),
        "less_than": _("应小于 %(lt)s"),
        "less_than_equal": _("应不大于 %(le)s"),
        "multiple_of": _("应为 %(multiple_of)s 的倍数"),
        "date_parsing": _("应为日期（年-月-日）"),
        "date_from_datetime_parsing": _("应为日期（年-月-日）"),
        "date_type": _("应为日期（年-月-日）"),
        "datetime_parsing": _("应为日期时间"),
        "datetime_from_date_parsing": _("应为日期时间"),
        "datetime_type": _("应为日期时间"),
        "time_parsing": _("应为时间"),
        "uuid_parsing": _("应为 UUID"),
        "enum": _("应为以下之一：%(expected)s"),
        "literal_error": _("应为以下之一：%(expected)s"),
        "list_type": _("应为列表"),
        "dict_type": _("应为对象"),
        "model_type": _("应为对象"),
        "model_attributes_type": _("应为对象"),
        "json_invalid": _("不是有效的 JSON"),
        "json_type": _("不是有效的 JSON"),
        "extra_forbidden": _("不接受此字段"),
        "url_parsing": _("应为网址"),
        "value_error": _("取值无效：%(error)s"),
        "assertion_error": _("取值无效：%(error)s"),
    }


def _where(loc: Any) -> str:
    parts = list(loc) if isinstance(loc, list | tuple) else [loc]
    if parts and parts[0] in PARTS:
        source, rest = str(PARTS[parts[0]]), parts[1:]
    else:
        source, rest = "", parts
    path = ".".join(str(p) for p in rest)
    return f"{source} {path}".strip() if path else source


def chinese_error(error: dict) -> dict:
    """One ninja validation error with its ``msg`` in Chinese, naming where it is."""
    template = _messages().get(error.get("type", ""))
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    if template is None:
        text = _("取值无效")
    else:
        try:
            text = template % context if "%(" in template else template
        except (KeyError, ValueError):
            text = _("取值无效")
    where = _where(error.get("loc", ()))
    return {**error, "msg": f"{where}：{text}" if where else text}


def chinese_errors(errors: list[dict]) -> list[dict]:
    return [chinese_error(error) for error in errors]
