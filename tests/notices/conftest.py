import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.factories import make_user


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_root(tmp_path, settings):
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def portal(db):
    from cms.setup import ensure_portal

    return ensure_portal()


@pytest.fixture
def world(tree, portal):
    from estates.services import role_assign

    compound = tree.compounds[0]
    drafter = make_user("chair")
    role_assign(user=drafter, role="committee_member", target=compound)
    officer = make_user("officer")
    role_assign(user=officer, role="community_staff", target=tree.communities[0])
    other_officer = make_user("other_officer")
    role_assign(user=other_officer, role="community_staff", target=tree.communities[2])
    return {
        "tree": tree,
        "compound": compound,
        "drafter": drafter,
        "officer": officer,
        "other_officer": other_officer,
    }


def item(code: str):
    from disclosures.notices.models import DisclosureItem

    return DisclosureItem.objects.get(region=None, code=code)


def accounts_block(income=("100.00", "50.50"), expense=("30.00",), total_income="150.50",
                   total_expense="30.00", opening="10.00", closing="130.50"):  # fmt: skip
    rows = [{"side": "income", "item": f"收入{i}", "amount": Decimal(a), "note": ""}
            for i, a in enumerate(income)]  # fmt: skip
    rows += [{"side": "expense", "item": f"支出{i}", "amount": Decimal(a), "note": ""}
             for i, a in enumerate(expense)]  # fmt: skip
    return (
        "accounts",
        {
            "title": "2025年度专项维修资金收支",
            "opening_balance": Decimal(opening) if opening else None,
            "rows": rows,
            "total_income": Decimal(total_income),
            "total_expense": Decimal(total_expense),
            "closing_balance": Decimal(closing) if closing else None,
        },
    )


def make_document(title="附件", content=b"%PDF-1.4 attachment", name="a.pdf", user=None):
    from wagtail.documents import get_document_model

    document = get_document_model()(title=title, uploaded_by_user=user)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def draft(world, *, code="fund-use", title="2025年度专项维修资金使用公示", body=None, **extra):
    from disclosures.notices.services.notices import notice_draft

    extra.setdefault("notice_starts_on", timezone.localdate())
    return notice_draft(
        actor=world["drafter"],
        compound=world["compound"],
        item=item(code),
        title=title,
        issuer="阳光花园小区业主委员会",
        body=body or [("text", "<p>本年度维修资金使用情况如下。</p>"), accounts_block()],
        period_starts_on=datetime.date(2025, 1, 1),
        period_ends_on=datetime.date(2025, 12, 31),
        **extra,
    )


def publish(world, notice):
    """Submit and approve through the community review: the only way to publish."""
    from disclosures.notices.services.notices import notice_review, notice_submit

    notice_submit(actor=world["drafter"], notice=notice)
    return notice_review(actor=world["officer"], notice=notice, approve=True)
