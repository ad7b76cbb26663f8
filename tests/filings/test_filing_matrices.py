"""State × action and role × action matrices of the filing workflow (STYLE §2.5): every
verb from every state, and every role from its own and another jurisdiction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from common.transitions import InvalidTransition
from disclosures.filings import services
from disclosures.filings.choices import FilingStatus
from disclosures.filings.models import Filing
from disclosures.filings.workflows import FILING_WORKFLOW
from tests.filings.helpers import accepted, approved, draft, submitted

pytestmark = pytest.mark.django_db

S = FilingStatus
# The states each verb may start from; anything else is refused by the workflow.
ALLOWED_FROM = {
    "submit": {S.DRAFT, S.RETURNED},
    "approve": {S.SUBMITTED},
    "return": {S.SUBMITTED},
    "accept": {S.APPROVED},
    "withdraw": {S.DRAFT, S.SUBMITTED, S.RETURNED},
}
TARGET = {
    "submit": S.SUBMITTED,
    "approve": S.APPROVED,
    "return": S.RETURNED,
    "accept": S.ACCEPTED,
    "withdraw": S.WITHDRAWN,
}


def test_declared_table_matches_the_matrix():
    assert {t.name: set(t.sources) for t in FILING_WORKFLOW.transitions} == ALLOWED_FROM
    assert {t.name: t.target for t in FILING_WORKFLOW.transitions} == TARGET


def in_state(world, state: str) -> Filing:
    if state == S.DRAFT:
        return draft(world)
    if state == S.SUBMITTED:
        return submitted(world)
    if state == S.APPROVED:
        return approved(world)
    if state == S.ACCEPTED:
        return accepted(world)
    filing = submitted(world)
    if state == S.RETURNED:
        services.filing_return(filing=filing, actor=world.community, reason="材料不全")
    else:
        services.filing_withdraw(filing=filing, actor=world.member, reason="暂缓表决")
    return filing


def fire(world, filing: Filing, verb: str, actor=None) -> None:
    run = {
        "submit": lambda a: services.filing_submit(filing=filing, actor=a or world.member),
        "approve": lambda a: services.filing_approve(filing=filing, actor=a or world.community),
        "return": lambda a: services.filing_return(
            filing=filing, actor=a or world.community, reason="请补充预算明细"
        ),
        "accept": lambda a: services.filing_accept(filing=filing, actor=a or world.street),
        "withdraw": lambda a: services.filing_withdraw(
            filing=filing, actor=a or world.member, reason="业主意见分歧较大"
        ),
    }[verb]
    run(actor)


@pytest.mark.parametrize("verb", sorted(ALLOWED_FROM))
@pytest.mark.parametrize("state", [s.value for s in FilingStatus])
def test_state_x_action(world, state, verb):
    filing = in_state(world, state)
    if state in ALLOWED_FROM[verb]:
        fire(world, filing, verb)
        filing.refresh_from_db()
        assert filing.status == TARGET[verb]
    else:
        with pytest.raises(InvalidTransition, match="不能执行"):
            fire(world, filing, verb)
        filing.refresh_from_db()
        assert filing.status == state


# Who may fire each verb on a filing of compound 0 (street 0, community 0): the committee
# members of the compound prepare, the community party organisation reviews, the street
# receives; nobody acts on another jurisdiction's filing.
ROLES = [
    "member",
    "community",
    "street",
    "platform",
    "other_member",
    "other_community",
    "other_street",
]
MAY = {
    "submit": {"member"},
    "withdraw": {"member"},
    "approve": {"community"},
    "return": {"community"},
    "accept": {"street"},
}
START = {
    "submit": S.DRAFT,
    "withdraw": S.DRAFT,
    "approve": S.SUBMITTED,
    "return": S.SUBMITTED,
    "accept": S.APPROVED,
}


@pytest.mark.parametrize("verb", sorted(MAY))
@pytest.mark.parametrize("role", ROLES)
def test_role_x_action(world, role, verb):
    filing = in_state(world, START[verb])
    actor = world.by_role(role)
    if role in MAY[verb]:
        fire(world, filing, verb, actor)
        filing.refresh_from_db()
        assert filing.status == TARGET[verb]
    else:
        with pytest.raises(PermissionDenied):
            fire(world, filing, verb, actor)
        filing.refresh_from_db()
        assert filing.status == START[verb]
        assert not filing.receipt_number


@pytest.mark.parametrize("role", ROLES)
def test_role_x_draft(world, role):
    """Only the compound's own committee members draft its filings."""
    actor = world.by_role(role)
    if role == "member":
        assert draft(world, actor=actor).status == S.DRAFT
    else:
        with pytest.raises(PermissionDenied):
            draft(world, actor=actor)
        assert not Filing.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_role_x_edit(world, role):
    filing = draft(world)
    actor = world.by_role(role)
    if role == "member":
        services.filing_update(filing=filing, actor=actor, title="新标题")
        filing.refresh_from_db()
        assert filing.title == "新标题"
    else:
        with pytest.raises(PermissionDenied):
            services.filing_update(filing=filing, actor=actor, title="新标题")
