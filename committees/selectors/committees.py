"""Committee reads: local rule profiles, current terms, scoped listings, public data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery

from common.jurisdiction import VIEW, scope_queryset
from estates.models import Compound

from ..choices import BranchKind, Position
from ..models.bodies import Committee, CommitteeMember, PartyBranch, RuleProfile, Term

# Branches that organise a committee's party members (DOMAIN 8.1).
COMMITTEE_BRANCH_KINDS = (BranchKind.COMMITTEE, BranchKind.JOINT)


@dataclass(frozen=True)
class Rules:
    """National defaults; a RuleProfile on a region overrides them below it."""

    small_committee_allowed: bool = False  # DOMAIN 3.1 Hangzhou variant
    small_committee_max_households: int = 100
    management_min_size: int = 7  # DOMAIN 7.2 Beijing
    management_owner_share: Decimal = Decimal("0.50")  # DOMAIN 7.2
    party_share_target: Decimal = Decimal("0.50")  # DOMAIN 8.2
    term_change_lead_months: int = 3  # DOMAIN 3.8
    management_owner_share_required: bool = False  # DOMAIN 7.2 Beijing
    management_community_chair: bool = False  # DOMAIN 7.2 Beijing

    @classmethod
    def from_profile(cls, profile: RuleProfile) -> Rules:
        return cls(**{f: getattr(profile, f) for f in cls.__dataclass_fields__})


NATIONAL_RULES = Rules()


class RuleBook:
    """Every profile loaded once (one query); the deepest region's profile wins."""

    def __init__(self, profiles: list[tuple[str, Rules]]):
        self.profiles = sorted(profiles, key=lambda item: len(item[0]), reverse=True)

    @classmethod
    def load(cls) -> RuleBook:
        return cls([(p.region_path, Rules.from_profile(p)) for p in RuleProfile.objects.all()])

    def for_path(self, region_path: str) -> Rules:
        for path, rules in self.profiles:
            if region_path.startswith(path):
                return rules
        return NATIONAL_RULES


def rules_for(compound: Compound) -> Rules:
    """The rules that apply in one compound (one query over the few profiles)."""
    return RuleBook.load().for_path(compound.region_path)


def current_term(committee: Committee) -> Term | None:
    return committee.terms.order_by("-number").first()


def latest_term_q() -> Exists:
    """True for a term no later term of the same committee follows."""
    return ~Exists(
        Term.objects.filter(committee=OuterRef("committee_id"), number__gt=OuterRef("number"))
    )


def serving_members(term: Term) -> QuerySet[CommitteeMember]:
    return term.members.filter(left_on__isnull=True).exclude(position=Position.RESERVE)


def committee_list_visible_to(*, user) -> QuerySet[Committee]:
    """Committees in the user's view jurisdiction, with the current term and its serving
    members prefetched: three queries whatever the number of committees."""
    current_terms = Term.objects.filter(latest_term_q()).prefetch_related(
        Prefetch(
            "members",
            queryset=CommitteeMember.objects.filter(left_on__isnull=True).order_by(
                "position", "reserve_order", "name"
            ),
            to_attr="current_members",
        )
    )
    return (
        scope_queryset(Committee.objects.all(), user, VIEW)
        .select_related("compound__region")
        .prefetch_related(Prefetch("terms", queryset=current_terms, to_attr="current_terms"))
        .order_by("compound__region_path", "compound__name", "-formed_on")
    )


POSITION_ORDER = {
    Position.CHAIR: 0,
    Position.VICE_CHAIR: 1,
    Position.MEMBER: 2,
    Position.RESERVE: 3,
}


def compound_public_flags() -> dict:
    """Annotations for the public compound query: whether there is anything to show, so
    compounds without a committee or a published election cost no further queries."""
    from ..choices import ElectionStatus
    from ..models import Election

    return {
        "has_active_committee": Exists(
            Committee.objects.filter(compound=OuterRef("pk"), is_active=True)
        ),
        "has_published_election": Exists(
            Election.objects.filter(compound=OuterRef("pk"), status=ElectionStatus.PUBLISHED)
        ),
    }


def _public_members(compound_id: int) -> QuerySet[CommitteeMember]:
    """Serving members of the latest term of the compound's active committee, each
    carrying its term, committee and the committee's open party branch."""
    open_branches = PartyBranch.objects.filter(
        committee=OuterRef("term__committee_id"),
        dissolved_on__isnull=True,
        kind__in=COMMITTEE_BRANCH_KINDS,
    ).order_by("founded_on")
    return (
        CommitteeMember.objects.filter(
            term__committee__compound=compound_id,
            term__committee__is_active=True,
            left_on__isnull=True,
        )
        .filter(Exists(Term.objects.filter(pk=OuterRef("term_id")).filter(latest_term_q())))
        .select_related("term__committee")
        .annotate(
            branch_name=Subquery(open_branches.values("name")[:1]),
            branch_kind=Subquery(open_branches.values("kind")[:1]),
            branch_secretary=Subquery(open_branches.values("secretary")[:1]),
        )
        .only(
            "name",
            "position",
            "reserve_order",
            "party_status",
            "term__number",
            "term__starts_on",
            "term__ends_on",
            "term__filed_on",
            "term__committee__kind",
            "term__committee__set_size",
            "term__committee__formed_on",
        )
    )


def committee_public_for(compound: Compound, *, today: date | None = None) -> dict | None:
    """What the public compound page shows about its active committee: kind, current term,
    members with positions, party branch, filing date. Names only: no phones or ID
    numbers. One query (the members of the latest term, carrying their term, committee
    and open branch); a second only for a committee without serving members."""
    members = list(_public_members(compound.pk))
    if members:
        term = members[0].term
        committee = term.committee
        first = members[0]
        branch = (
            PartyBranch(
                name=first.branch_name, kind=first.branch_kind, secretary=first.branch_secretary
            )
            if first.branch_name
            else None
        )
    else:
        committee = Committee.objects.filter(compound=compound, is_active=True).first()
        if committee is None:
            return None
        term, branch = None, None
    members.sort(key=lambda m: (POSITION_ORDER.get(m.position, 9), m.reserve_order or 0, m.name))
    position_labels = dict(Position.choices)  # not get_position_display(): it rebuilds this
    return {
        "kind": committee.kind,
        "kind_label": committee.get_kind_display(),
        "set_size": committee.set_size,
        "formed_on": committee.formed_on,
        "term": {
            "number": term.number,
            "starts_on": term.starts_on,
            "ends_on": term.ends_on,
            "filed_on": term.filed_on,
        }
        if term
        else None,
        "members": [
            {
                "name": m.name,
                "position": m.position,
                "position_label": position_labels.get(m.position, m.position),
                "is_party_member": m.party_status != "none",
            }
            for m in members
        ],
        "party_branch": {
            "name": branch.name,
            "kind_label": branch.get_kind_display(),
            "secretary": branch.secretary,
        }
        if branch
        else None,
    }
