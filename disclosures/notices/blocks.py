"""The body of a notice: paragraphs of rich text and tables of accounts whose amounts must
add up (DOMAIN 6.6: published totals and each project's cost)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.rich_text import RichText

from .choices import AccountSide
from .sanitise import sanitise_html

RICH_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "hr"]

MSG_INCOME_TOTAL = _("收入合计与各项收入之和不符：各项之和为 %(sum)s 元。")
MSG_EXPENSE_TOTAL = _("支出合计与各项支出之和不符：各项之和为 %(sum)s 元。")
MSG_BALANCE = _("期末余额应等于期初余额加收入合计减支出合计，即 %(expected)s 元。")
MSG_NO_ROWS = _("账目表至少需要一行。")


class SanitisedRichTextBlock(blocks.RichTextBlock):
    """Rich text cleaned again on validation, so HTML that never went through the editor
    (API, imports) is held to the same rules (no scripts, no event handlers)."""

    def clean(self, value):
        value = super().clean(value)
        return RichText(sanitise_html(value.source))


class AccountRowBlock(blocks.StructBlock):
    side = blocks.ChoiceBlock(choices=AccountSide.choices, label=_("收支"))
    item = blocks.CharBlock(max_length=200, label=_("项目"))
    amount = blocks.DecimalBlock(
        min_value=Decimal("0"), max_digits=14, decimal_places=2, label=_("金额（元）")
    )
    note = blocks.CharBlock(max_length=200, required=False, label=_("说明"))

    class Meta:
        label = _("账目")


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


class AccountsTableBlock(blocks.StructBlock):
    """Income and expenses with their totals; the totals must equal the rows' sums and the
    closing balance the opening balance plus income minus expenses (DOMAIN 6.6)."""

    title = blocks.CharBlock(max_length=200, label=_("表名"))
    opening_balance = blocks.DecimalBlock(
        required=False, max_digits=14, decimal_places=2, label=_("期初余额（元）")
    )
    rows = blocks.ListBlock(AccountRowBlock(), label=_("账目"))
    total_income = blocks.DecimalBlock(max_digits=14, decimal_places=2, label=_("收入合计（元）"))
    total_expense = blocks.DecimalBlock(max_digits=14, decimal_places=2, label=_("支出合计（元）"))
    closing_balance = blocks.DecimalBlock(
        required=False, max_digits=14, decimal_places=2, label=_("期末余额（元）")
    )

    class Meta:
        label = _("收支账目表")
        icon = "table"
        template = "notices/blocks/accounts_table.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        rows = list(value["rows"])
        if not rows:
            errors["rows"] = ValidationError(MSG_NO_ROWS)
        income = sum(
            (_money(r["amount"]) for r in rows if r["side"] == AccountSide.INCOME), Decimal(0)
        )
        expense = sum(
            (_money(r["amount"]) for r in rows if r["side"] == AccountSide.EXPENSE), Decimal(0)
        )
        if _money(value["total_income"]) != income:
            errors["total_income"] = ValidationError(MSG_INCOME_TOTAL % {"sum": income})
        if _money(value["total_expense"]) != expense:
            errors["total_expense"] = ValidationError(MSG_EXPENSE_TOTAL % {"sum": expense})
        opening, closing = value.get("opening_balance"), value.get("closing_balance")
        if opening is not None and closing is not None:
            expected = _money(opening) + income - expense
            if _money(closing) != expected:
                errors["closing_balance"] = ValidationError(MSG_BALANCE % {"expected": expected})
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class NoticeBodyBlock(blocks.StreamBlock):
    text = SanitisedRichTextBlock(features=RICH_FEATURES, label=_("正文"))
    accounts = AccountsTableBlock()

    class Meta:
        min_num = 1


def block_error_messages(error: ValidationError, place: str = "") -> list[str]:
    """Nested StreamField errors as plain Chinese messages naming their block, for the
    API and services (the admin shows them inline itself)."""
    from django.utils.translation import gettext as _t

    nested = getattr(error, "block_errors", None)
    if not nested:
        return [f"{place}{m}" if place else m for m in error.messages]
    messages: list[str] = []
    items = nested.items() if isinstance(nested, dict) else enumerate(nested)
    for key, child in items:
        if child is None:
            continue
        if isinstance(key, int):
            label = _t("第%(n)d项") % {"n": key + 1}
        else:
            label = str(_FIELD_LABELS.get(key, key))
        messages += block_error_messages(child, f"{place}{label}：")
    non_block = getattr(error, "non_block_errors", None)
    if non_block:
        messages += [f"{place}{m}" for m in non_block.messages]
    return messages


_FIELD_LABELS = {
    name: block.label
    for struct in (AccountsTableBlock(), AccountRowBlock())
    for name, block in struct.child_blocks.items()
}
