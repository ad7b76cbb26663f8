"""Roles: a Django group per kind of staff (what they may do) plus a jurisdiction grant
(where). Groups are kept in step with ROLES by :func:`roles_sync`."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from common.jurisdiction import MANAGE, VIEW

REGISTRY = ["region", "compound", "building", "unit", "owner", "ownership", "propertycompany"]
GRIDS = ["grid", "gridstaff"]


def _perms(actions: str, models: list[str]) -> list[str]:
    return [f"estates.{a}_{m}" for a in actions.split() for m in models]


@dataclass(frozen=True)
class Role:
    key: str
    name: str
    level: str  # the grant level the role's holders receive
    permissions: tuple[str, ...]
    target: str  # "region" or "compound"

    @property
    def all_permissions(self) -> tuple[str, ...]:
        return (*self.permissions, ADMIN_ACCESS)

    @property
    def group_name(self) -> str:
        """Group names are stored in Chinese whatever the request language."""
        with translation.override("zh-hans"):
            return str(self.name)


# Elections and the joint qualification review (DOMAIN §9): street and community staff
# organise elections and read every department's answer; department reviewers answer the
# reviews sent to their own department (committees.elections.workflows).
ELECTION_STAFF = [
    "committees.manage_election",
    "committees.view_election",
    "committees.view_candidate",
    "committees.view_candidatereview",
    "committees.view_candidate_findings",
]
# Reviewers read only their own queue (committees.elections.selectors.reviews), never other
# departments' answers, so no generic view permission on candidates or reviews.
REVIEWER = ["committees.review_candidate"]

# Committees, terms, members, party branches, seals and archives (committees.models.bodies).
COMMITTEE_BODIES = ["committee", "term", "committeemember", "partybranch", "seal", "archiverecord"]
COMMITTEE_RULES = ["calendarday", "ruleprofile"]


# Wagtail documents are private papers (nomination papers, archives): staff who attach
# them upload and choose; the listing, chooser and files show only documents linked from
# records in their jurisdiction, or their own not yet linked (common.files).
DOCUMENT_ATTACH = ["wagtaildocs.add_document", "wagtaildocs.choose_document"]
DOCUMENT_ALL = ["wagtaildocs.change_document", "wagtaildocs.delete_document", *DOCUMENT_ATTACH]


# Major-decision filings and regular reports (DOMAIN §11, disclosures.filings): the
# committee prepares, the community party organisation reviews, the street receives.
FILING_VIEW = [
    "filings.view_filing",
    "filings.view_filingdocument",
    "filings.view_regularreport",
    "filings.view_filingrules",
]
FILING_RULES = [f"filings.{a}_filingrules" for a in ("add", "change", "delete")]

# Owners' votes (DOMAIN §1, disclosures.votes): the committee organises the vote and enters
# ballots; community and street staff follow participation and results.
VOTE_VIEW = [
    "votes.view_vote",
    "votes.view_ballot",
    "votes.view_ballotbatch",
    "votes.view_electorateentry",
]
VOTE_WORK = ["votes.manage_vote", "votes.enter_ballot"]
VOTE_RULES = [f"votes.{a}_voterules" for a in ("view", "add", "change", "delete")]


# Notices (disclosures.notices): committees and companies draft them for their compound,
# community officers review and publish them, streets configure the catalogue.
# Attachments of notices in their jurisdiction are theirs to read (common.files).
NOTICE_READ = ["notices.view_disclosureitem", "notices.view_noticeattachment"]
NOTICE_DRAFT = ["notices.add_noticepage", *NOTICE_READ]
NOTICE_REVIEW = ["notices.review_noticepage", *NOTICE_READ]
NOTICE_CATALOGUE = [f"notices.{a}_disclosureitem" for a in ("view", "add", "change")]


def _committee_perms(actions: str, models: list[str]) -> list[str]:
    return [f"committees.{a}_{m}" for a in actions.split() for m in models]


# Every staff role may open the Wagtail admin; what it shows is decided per model.
ADMIN_ACCESS = "wagtailadmin.access_admin"

ROLES: dict[str, Role] = {
    r.key: r
    for r in (
        Role(
            "platform_admin",
            _("平台管理员"),
            MANAGE,
            tuple(
                _perms("view add change delete", REGISTRY + GRIDS + ["department"])
                + ["estates.view_owner_identity", "estates.all_jurisdictions"]
                # The public site's footer and hotline (cms.site_settings): this role only.
                + ["cms.change_portalsettings"]
                + _committee_perms("view add change delete", COMMITTEE_BODIES + COMMITTEE_RULES)
                + FILING_VIEW
                + FILING_RULES
                + VOTE_VIEW
                + VOTE_RULES
                + DOCUMENT_ALL
                + NOTICE_CATALOGUE
                + ["notices.delete_disclosureitem"]
            ),
            "region",
        ),
        Role(
            "street_staff",
            _("街道工作人员"),
            MANAGE,
            tuple(
                _perms("view add change", REGISTRY[1:] + GRIDS)
                + _perms("view", ["region", "department"])
                + ["estates.view_owner_identity"]
                + ELECTION_STAFF
                + _committee_perms("view add change", COMMITTEE_BODIES)
                + _committee_perms("view", COMMITTEE_RULES)
                + FILING_VIEW
                + ["filings.accept_filing"]
                + VOTE_VIEW
                + DOCUMENT_ATTACH
                + NOTICE_CATALOGUE
            ),
            "region",
        ),
        Role(
            "community_staff",
            _("社区党组织工作人员"),
            MANAGE,
            tuple(
                _perms("view", REGISTRY)
                + _perms("view add change", GRIDS)
                + _perms("change", ["compound"])
                + ELECTION_STAFF
                + _committee_perms("view add change", COMMITTEE_BODIES[:4])
                + FILING_VIEW
                + ["filings.review_filing", "filings.review_regularreport"]
                + VOTE_VIEW
                + DOCUMENT_ATTACH
                + NOTICE_REVIEW
            ),
            "region",
        ),
        Role(
            "department_reviewer",
            _("部门审查员"),
            VIEW,
            tuple(_perms("view", ["region", "compound", "department"]) + REVIEWER),
            "region",
        ),
        Role(
            "committee_member",
            _("业委会委员"),
            VIEW,
            tuple(
                _perms("view", ["compound", "building", "unit", "owner", "ownership"] + GRIDS)
                + _committee_perms("view", COMMITTEE_BODIES)
                + FILING_VIEW
                + ["filings.prepare_filing", "filings.prepare_regularreport"]
                # The filing's papers (plan, budget, quotations) are uploaded by the committee.
                + DOCUMENT_ATTACH
                + VOTE_VIEW
                + VOTE_WORK
                + NOTICE_DRAFT
                + DOCUMENT_ATTACH
            ),
            "compound",
        ),
        Role(
            "company_staff",
            _("物业企业工作人员"),
            VIEW,
            tuple(
                _perms("view", ["compound", "building", "unit", "propertycompany"] + GRIDS)
                + NOTICE_DRAFT
                + DOCUMENT_ATTACH
            ),
            "compound",
        ),
    )
}
