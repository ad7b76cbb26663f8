"""The one scoping helper: turns a user's jurisdiction grants into a queryset filter.

A grant is a django-guardian object permission (``view_jurisdiction`` or
``manage_jurisdiction``) on a Region, meaning the region and its whole subtree, or on one
Compound. Region grants become one indexed prefix match on a materialised path each, so a
street officer over 900 compounds holds one grant row, not 900.

Every listing, view, API endpoint, PDF and export scopes its queryset with
:func:`scope_queryset` (or checks one object with :func:`user_covers`). Models say how
they reach the tree by declaring ``jurisdiction_fields = (path_lookup, compound_lookup)``
or a ``jurisdiction_q(jurisdiction)`` classmethod for indirect cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Model, Q, QuerySet, Value
from django.db.models.fields import CharField

VIEW = "view_jurisdiction"
MANAGE = "manage_jurisdiction"
LEVELS = (VIEW, MANAGE)
# A global permission that makes a platform administrator see every region.
ALL_REGIONS_PERM = "estates.all_jurisdictions"
_CACHE_ATTR = "_jurisdiction_cache"


@dataclass(frozen=True)
class Jurisdiction:
    """What one user may see (or manage): everything, region subtrees, single compounds."""

    everything: bool = False
    paths: tuple[str, ...] = ()
    compound_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.paths or self.compound_ids)

    def q(self, path: str | None, compound: str | None) -> Q:
        """A filter over the given lookups; an empty jurisdiction matches nothing."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        if path:
            for prefix in self.paths:
                condition |= Q(**{f"{path}__startswith": prefix})
        if compound and self.compound_ids:
            condition |= Q(**{f"{compound}__in": sorted(self.compound_ids)})
        return condition

    def covers_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.paths)


def minimal_paths(paths) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor grant: fewer OR terms, same rows."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return tuple(kept)


def _grant_rows(user, codenames: tuple[str, ...]):
    """All region and compound grants of the user and their groups, in one query."""
    model = apps.get_model
    parts = []
    for name, target in (
        ("RegionUserObjectPermission", "r"),
        ("RegionGroupObjectPermission", "r"),
        ("CompoundUserObjectPermission", "c"),
        ("CompoundGroupObjectPermission", "c"),
    ):
        grant_model = model("estates", name)
        holder = Q(user=user) if "User" in name else Q(group__user=user)
        qs = grant_model.objects.filter(holder, permission__codename__in=codenames)
        if target == "r":
            qs = qs.annotate(kind=Value("r", output_field=CharField())).values_list(
                "kind", "content_object__path", "content_object_id", "permission__codename"
            )
        else:
            qs = qs.annotate(kind=Value("c", output_field=CharField())).values_list(
                "kind", "content_object__region_path", "content_object_id", "permission__codename"
            )
        parts.append(qs)
    return parts[0].union(*parts[1:], all=True)


def jurisdiction_of(user, level: str = VIEW) -> Jurisdiction:
    """The user's jurisdiction at a level; manage grants also give view. Cached on the user."""
    if level not in LEVELS:
        raise ValueError(level)
    if user is None or not user.is_authenticated or not user.is_active:
        return Jurisdiction()
    cache = user.__dict__.setdefault(_CACHE_ATTR, {})
    if level in cache:
        return cache[level]
    if user.is_superuser or user.has_perm(ALL_REGIONS_PERM):
        cache[VIEW] = cache[MANAGE] = Jurisdiction(everything=True)
        return cache[level]
    # One query fills both levels: a page usually needs view (listing) and manage (buttons).
    paths: dict[str, list[str]] = {VIEW: [], MANAGE: []}
    compounds: dict[str, set[int]] = {VIEW: set(), MANAGE: set()}
    for kind, path, object_id, codename in _grant_rows(user, LEVELS):
        for granted in (VIEW, MANAGE) if codename == MANAGE else (VIEW,):
            if kind == "r":
                paths[granted].append(path)
            else:
                compounds[granted].add(object_id)
    for granted in LEVELS:
        cache[granted] = Jurisdiction(
            paths=minimal_paths(paths[granted]), compound_ids=frozenset(compounds[granted])
        )
    return cache[level]


def forget_jurisdiction(user) -> None:
    """Drop the cached jurisdiction after grants change."""
    user.__dict__.pop(_CACHE_ATTR, None)


def jurisdiction_q(model: type[Model], jurisdiction: Jurisdiction) -> Q:
    custom = getattr(model, "jurisdiction_q", None)
    if custom is not None:
        return custom(jurisdiction)
    try:
        path, compound = model.jurisdiction_fields
    except AttributeError:
        raise TypeError(f"{model.__name__} declares no jurisdiction_fields") from None
    return jurisdiction.q(path, compound)


def scope_queryset(queryset: QuerySet, user, level: str = VIEW) -> QuerySet:
    """Restrict any registry-backed queryset to the user's jurisdiction."""
    jurisdiction = jurisdiction_of(user, level)
    if jurisdiction.everything:
        return queryset
    if jurisdiction.is_empty:
        return queryset.none()
    return queryset.filter(jurisdiction_q(queryset.model, jurisdiction))


def user_covers(user, obj: Model, level: str = VIEW) -> bool:
    """Whether one object lies in the user's jurisdiction (one query at most)."""
    jurisdiction = jurisdiction_of(user, level)
    if jurisdiction.everything:
        return True
    if jurisdiction.is_empty or obj.pk is None:
        return False
    model = type(obj)
    return (
        model._default_manager.filter(pk=obj.pk)
        .filter(jurisdiction_q(model, jurisdiction))
        .exists()
    )
