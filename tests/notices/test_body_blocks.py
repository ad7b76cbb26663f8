"""The body: accounts must add up, scripts are sanitised away (issue 10 §2, bad input)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from disclosures.notices.models import NoticePage

from .conftest import accounts_block, draft, publish


def test_accounts_that_do_not_add_up_are_refused_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as error:
        draft(world, body=[accounts_block(total_income="150.00")])
    assert "收入合计与各项收入之和不符" in str(error.value)
    assert not NoticePage.objects.exists()


def test_closing_balance_must_follow_from_the_totals(world):
    with pytest.raises(ValidationError) as error:
        draft(world, body=[accounts_block(closing="999.00")])
    assert "期末余额" in str(error.value)


def test_accounts_that_add_up_are_kept_exactly(world):
    notice = draft(world, body=[accounts_block(income=("0.10", "0.20"), total_income="0.30",
                                               expense=(), total_expense="0.00",
                                               opening=None, closing=None)])  # fmt: skip
    value = NoticePage.objects.get(pk=notice.pk).get_latest_revision_as_object().body[0].value
    assert value["total_income"] == Decimal("0.30")


def test_script_in_rich_text_is_sanitised(client, world):
    hostile = (
        '<p onclick="steal()">公示内容<script>alert("x")</script>'
        '<a href="javascript:alert(1)">链接</a><img src=x onerror=alert(2)></p>'
    )
    notice = publish(world, draft(world, body=[("text", hostile)]))
    stored = NoticePage.objects.get(pk=notice.pk).body[0].value.source
    assert "script" not in stored and "alert" not in stored
    assert "onclick" not in stored and "onerror" not in stored and "javascript" not in stored
    assert "公示内容" in stored
    page = client.get(notice.url).content.decode()
    assert "公示内容" in page and "<script>alert" not in page and "javascript:" not in page
