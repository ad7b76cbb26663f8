"""Who may do what with notice pages: Wagtail's page permissions given by role and
jurisdiction rather than per-page group grants, so one committee member's grant on their
compound is all it takes (STYLE 2.5).

- drafting (``notices.add_noticepage``: committee members, company staff) on a compound
  the user's grant covers: add and change notices there;
- reviewing (``notices.review_noticepage``: community officers) with a manage grant over
  the compound: publish, which the page's own checkpoint allows only for a revision the
  community review approved (models.NoticePage.save).
"""

from __future__ import annotations

from wagtail.models import PagePermissionTester

from common.access import can
from common.jurisdiction import MANAGE, VIEW

DRAFT_PERM = "notices.add_noticepage"
REVIEW_PERM = "notices.review_noticepage"


def notice_actions(user, compound) -> set[str]:
    actions: set[str] = set()
    if compound is None:
        return actions
    if can(user, DRAFT_PERM, compound, level=VIEW):
        actions |= {"add", "change"}
    if can(user, REVIEW_PERM, compound, level=MANAGE):
        actions |= {"change", "publish", "lock", "unlock"}
    return actions


class NoticePagePermissionTester(PagePermissionTester):
    def __init__(self, user, page):
        super().__init__(user, page)
        if user.is_active and not user.is_superuser:
            compound = getattr(page, "compound", None)
            self.permissions = set(self.permissions) | notice_actions(user, compound)
