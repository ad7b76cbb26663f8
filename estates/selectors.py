"""Reads over the registry.

Public selectors return only what a compound posts on its notice board: names, addresses,
counts, the property company and the grid staff (DOMAIN 0.1). They never touch Owner or
Ownership, so no owner name, ID number or phone can leak into the public site or API.

Registry selectors serve signed-in staff and always go through
``common.jurisdiction.scope_queryset``. Every selector costs a fixed number of queries
whatever the data size (counts and sums are subqueries, breadcrumbs are select_related).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from common.access import MSG_NOT_FOUND
from common.jurisdiction import MANAGE, VIEW, jurisdiction_of, jurisdiction_q, scope_queryset

from .choices import GridRole, RegionLevel
from .models import (
    PATH_SEP,
    Building,
    Compound,
    GridStaff,
    ImportJob,
    Owner,
    Ownership,
    PropertyCompany,
    Region,
    Unit,
)
from .pinyin import is_pinyin_term, pinyin_columns, pinyin_order

# A compound's community and its four ancestors, fetched with the compound in one join.
COMPOUND_REGION_CHAIN = "region__parent__parent__parent__parent"
REGION_PARENT_CHAIN = "parent__parent__parent__parent"
ROLE_ORDER = {role.value: i for i, role in enumerate(GridRole)}


def _count(queryset: QuerySet) -> Subquery:
    """A scalar COUNT subquery (no GROUP BY), usable as an annotation."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def _grouped_counts(prefix: str) -> tuple[Counter[str], Counter[str]]:
    """Compounds, and red-property compounds, under every region whose path starts with
    ``prefix`` (every region when empty), keyed by region path: one indexed prefix query
    grouped by the compounds' community path, summed up the tree in Python. (A count
    subquery per region cannot use the path index: its LIKE pattern comes from the outer
    row, so at province scale each region scanned every compound, 40 ms for the front
    page.)"""
    compounds = Compound.objects.order_by()
    if prefix:
        compounds = compounds.filter(region_path__startswith=prefix)
    rows = compounds.values_list("region_path").annotate(
        n=Count("pk"), red=Count("pk", filter=Q(is_red_property=True))
    )
    counts: Counter[str] = Counter()
    red: Counter[str] = Counter()
    for path, n, n_red in rows:
        end = len(prefix)  # the prefix itself ("" holds the totals), then each region below
        while True:
            counts[path[:end]] += n
            red[path[:end]] += n_red
            if not (end := path.find(PATH_SEP, end) + 1):
                break
    return counts, red


def compound_counts_under(prefix: str = "") -> Counter[str]:
    """Compounds under every region below ``prefix``, keyed by region path (one query)."""
    return _grouped_counts(prefix)[0]


def _with_counts(regions: list[Region], counts: Counter[str]) -> list[Region]:
    for region in regions:
        region.compound_count = counts.get(region.path, 0)
    return regions


def region_ancestors(region: Region) -> list[Region]:
    """The region's ancestors, root first, from an instance fetched with the parent chain
    select_related (no queries)."""
    chain: list[Region] = []
    node = region.parent if region.parent_id else None
    while node is not None:
        chain.append(node)
        node = node.parent if node.parent_id else None
    return chain[::-1]


# ---------------------------------------------------------------- public: regions


def portal_overview() -> tuple[list[Region], dict[str, int]]:
    """The front page: provinces and prefectures (each level in pinyin order) with their
    compound counts, and the headline figures, in two queries."""
    regions = list(
        Region.objects.filter(level__lte=RegionLevel.PREFECTURE).order_by(
            "level", pinyin_order(), "pk"
        )
    )
    counts, red = _grouped_counts("")
    totals = {"compounds": counts[""], "red_property": red[""]}
    return _with_counts(regions, counts), totals


def region_get_public(*, code: str) -> Region | None:
    """One region with its ancestors (for breadcrumbs) and its compound count. The counts
    of its whole subtree ride along as ``subtree_compound_counts``, so listing its
    children costs no second count."""
    region = Region.objects.select_related(REGION_PARENT_CHAIN).filter(code=code).first()
    if region is not None:
        region.subtree_compound_counts = compound_counts_under(region.path)
        region.compound_count = region.subtree_compound_counts.get(region.path, 0)
    return region


def region_list_children(*, parent: Region | None) -> list[Region]:
    """Child regions (or the roots) in pinyin order, with compound counts."""
    counts = getattr(parent, "subtree_compound_counts", None)
    if counts is None:
        counts = compound_counts_under(parent.path if parent else "")
    children = Region.objects.filter(parent=parent).order_by(pinyin_order(), "pk")
    return _with_counts(list(children), counts)


def region_list_children_by_code(*, code: str | None) -> list[Region]:
    """Like :func:`region_list_children` but by the parent's code, without fetching it
    (children's paths give the parent's)."""
    regions = list(
        (
            Region.objects.filter(parent__code=code) if code else Region.objects.filter(parent=None)
        ).order_by(pinyin_order(), "pk")
    )
    if not regions:
        return regions
    first = regions[0]
    return _with_counts(
        regions, compound_counts_under(first.path.removesuffix(f"{first.code}{PATH_SEP}"))
    )


# ---------------------------------------------------------------- public: compounds


# A search takes this many words at most; the rest are ignored (the box holds 50 characters).
SEARCH_MAX_TERMS = 5


def search_terms(q: str) -> list[str]:
    """The words of a search, split at any space (an ideographic one too), each once."""
    return list(dict.fromkeys((q or "").split()))[:SEARCH_MAX_TERMS]


def _contains(field: str, term: str, *, start: bool = False) -> Q:
    """A match of term in field. A term with no cased letters (Chinese, digits) matches as
    it is: folding case on every row would only cost time (about half of a search at
    province scale on PostgreSQL)."""
    fold = "i" if term.upper() != term.lower() else ""
    return Q(**{f"{field}__{fold}{'startswith' if start else 'contains'}": term})


def _name_match(term: str, *, start: bool = False) -> Q:
    """The compound's name holds the term, in characters or in pinyin (its syllables
    joined, or their initials: "yangguang", "yghy" find 阳光花园)."""
    condition = _contains("name", term, start=start)
    if is_pinyin_term(term):
        condition |= _contains("name_pinyin", term.lower(), start=start)
    return condition


def _term_match(term: str) -> Q:
    """A word of a search: in the compound's name (characters or pinyin), its address,
    its property company's name, or the name of its community or street. Companies and
    communities are matched in subqueries the database runs once (a hashed lookup per
    compound), not by testing joined names on every compound row."""
    regions = Region.objects.filter(_contains("name", term) | _contains("parent__name", term))
    companies = PropertyCompany.objects.filter(_contains("name", term))
    return (
        _name_match(term)
        | _contains("address", term)
        | Q(region__in=regions.values("pk"))
        | Q(property_company__in=companies.values("pk"))
    )


def compound_list_public(*, region: Region | None = None, q: str = "") -> QuerySet[Compound]:
    """Compounds for listings and search, with their community and street for context, in
    pinyin order of their names within each community.

    Chinese search: a ``contains`` match works for any run of CJK characters on SQLite
    and PostgreSQL (full-text backends treat a CJK run as one token, STACK.md §6); 阳光
    finds 阳光花园小区. Every word of the query must match (阳光 花园; 开化 阳光 for the
    阳光 compounds of 开化街道), each in the name, in its pinyin, in the address, the
    property company's name or the community's or street's name, in one query. Names that
    start with the first word rank first, then names holding every word, then the rest.
    """
    compounds = Compound.objects.select_related("region__parent")
    if region is not None:
        compounds = compounds.filter(region_path__startswith=region.path)
    terms = search_terms(q)
    if not terms:
        return compounds.order_by("region_path", pinyin_order(), "pk")
    condition = Q()
    in_name = Q()
    for term in terms:
        condition &= _term_match(term)
        in_name &= _name_match(term)
    return (
        compounds.filter(condition)
        .annotate(
            rank=Case(
                When(_name_match(terms[0], start=True) & in_name, then=Value(0)),
                When(in_name, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "region_path", pinyin_order(), "pk")
    )


def _with_stats(compounds: QuerySet[Compound]) -> QuerySet[Compound]:
    return compounds.annotate(
        building_count=Coalesce(_count(Building.objects.filter(compound=OuterRef("pk"))), Value(0)),
        unit_count=Coalesce(_count(Unit.objects.filter(compound=OuterRef("pk"))), Value(0)),
        total_area=Coalesce(
            Subquery(
                Unit.objects.filter(compound=OuterRef("pk"))
                .order_by()
                .values("compound")
                .annotate(total=Sum("exclusive_area"))
                .values("total"),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
            Value(Decimal("0.00")),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
    )


# Flags other apps add to the public compound query (e.g. "has an active committee"), so
# a page learns what else it needs to fetch from the one query it makes anyway.
PUBLIC_COMPOUND_FLAGS: list[Callable[[], dict]] = []


def public_compound_flags(provider: Callable[[], dict]) -> Callable[[], dict]:
    """Register a function returning annotations for :func:`compound_get_public`
    (called from the registering app's ``AppConfig.ready``)."""
    PUBLIC_COMPOUND_FLAGS.append(provider)
    return provider


def _compound_public(pk: int) -> QuerySet[Compound]:
    flags = {
        name: value for provider in PUBLIC_COMPOUND_FLAGS for name, value in provider().items()
    }
    return (
        _with_stats(
            Compound.objects.select_related(COMPOUND_REGION_CHAIN, "property_company", "photo")
        )
        .annotate(**flags)
        .filter(pk=pk)
    )


def compound_get_public(*, pk: int) -> Compound | None:
    """One compound with breadcrumbs, company, photo, statistics and the registered flags
    in one query."""
    rows = list(_compound_public(pk)[:1])
    return rows[0] if rows else None


def compound_breadcrumbs(compound: Compound) -> list[Region]:
    """Province → … → community of a compound fetched by :func:`compound_get_public`."""
    return [*region_ancestors(compound.region), compound.region]


def _grid_staff(compound_id: int) -> QuerySet[GridStaff]:
    return (
        GridStaff.objects.filter(grid__buildings__compound=compound_id)
        .select_related("grid")
        .distinct()
        .order_by("grid__code", "name", "pk")
    )


def grid_staff_for_compound(*, compound: Compound) -> list[tuple[object, list[GridStaff]]]:
    """The grid staff covering the compound's buildings, grouped by grid, in one query.
    Their names and phones are posted on every building on purpose (DOMAIN 0.1)."""
    groups: dict[int, tuple[object, list[GridStaff]]] = {}
    labels = dict(GridRole.choices)  # get_role_display() rebuilds this for every call
    for member in _grid_staff(compound.pk):
        member.role_label = labels.get(member.role, member.role)
        groups.setdefault(member.grid_id, (member.grid, []))[1].append(member)
    for _grid, members in groups.values():
        # Posts in the grid sign's order; names of one post in pinyin order.
        members.sort(key=lambda m: (ROLE_ORDER.get(m.role, 99), pinyin_columns(m.name)[0]))
    return list(groups.values())


# ---------------------------------------------------------------- registry (scoped)


def compound_list_visible_to(*, user, level: str = VIEW) -> QuerySet[Compound]:
    """Compounds in the user's jurisdiction, with statistics."""
    return _with_stats(
        scope_queryset(Compound.objects.select_related("region", "property_company"), user, level)
    ).order_by("region_path", "name", "pk")


def import_job_get(*, user, pk: int) -> ImportJob:
    """A registry import job: it shows who lives where, so only its uploader (or a user who
    sees everything) may open it; anyone else gets the 404 a missing job gets."""
    jobs = ImportJob.objects.select_related("community", "uploaded_by")
    if not jurisdiction_of(user).everything:
        jobs = jobs.filter(uploaded_by_id=user.pk)
    job = jobs.filter(pk=pk).first()
    if job is None:
        raise Http404(MSG_NOT_FOUND)
    return job


def unit_list_for_compound(*, compound: Compound) -> QuerySet[Unit]:
    """Units of a compound the caller has already found in scope."""
    return (
        Unit.objects.filter(compound=compound)
        .select_related("building")
        .order_by("building__name", "entrance", "room", "pk")
    )


def owner_list_visible_to(*, user, compound_id: int | None = None) -> QuerySet[Owner]:
    """Owners holding a unit in the user's jurisdiction (optionally in one compound the
    caller has already found in scope)."""
    owners = scope_queryset(Owner.objects.all(), user)
    if compound_id is not None:
        owners = owners.filter(
            pk__in=Ownership.objects.filter(compound_id=compound_id).values("owner_id")
        )
    return owners.order_by("name", "pk")


def owner_holdings_visible_to(*, user, owner: Owner) -> QuerySet[Ownership]:
    """The owner's units inside the user's jurisdiction only: one person may hold units
    in several streets, and linking them to a unit here shows nothing of the others."""
    return scope_queryset(
        Ownership.objects.filter(owner=owner).select_related("unit__building", "compound"),
        user,
    ).order_by("compound__name", "unit__building__name", "unit__entrance", "unit__room")


def owner_identity_editable_by(*, user, owner: Owner) -> bool:
    """Whether the user's manage jurisdiction covers every unit the owner holds: only then
    may they change the owner's name, ID number or phone, which every other street
    holding one of the owner's units relies on too (one query)."""
    manage = jurisdiction_of(user, MANAGE)
    if manage.everything:
        return True
    if manage.is_empty:
        return False
    counts = Ownership.objects.filter(owner=owner).aggregate(
        total=Count("pk"), inside=Count("pk", filter=jurisdiction_q(Ownership, manage))
    )
    return counts["total"] > 0 and counts["inside"] == counts["total"]
