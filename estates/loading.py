"""Bulk writes of registry rows, shared by the sheet import and the demo seed.

Existing natural keys are resolved with a few set-based queries (never one per row); new
rows are inserted with ids reserved up front, through COPY on PostgreSQL and
``executemany`` on SQLite, so loading 100,000 units costs little more than inserting them.
Natural keys: compound (community, name), building (compound, name), unit (building,
entrance, room), owner (id_number), ownership (owner, unit). Loading only adds and updates
(area, area source, phone, a compound's year when the rows give one); it never deletes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from common.jurisdiction import Jurisdiction

from .choices import AreaSource
from .models import Building, Compound, Owner, Ownership, PinyinNamedMixin, Unit
from .pinyin import pinyin_columns
from .signals import registry_bulk_changed

BATCH = 2000
IN_CHUNK = 5000  # well under SQLite's bound-parameter limit


def _chunks(items: Sequence, size: int = IN_CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rows_where_in(
    model: type[models.Model], columns: Sequence[str], key: str, values: Iterable[Any]
) -> Iterable[tuple]:
    """``SELECT columns FROM table WHERE key IN values`` in chunks, as plain tuples. Raw
    SQL because the ORM spends seconds preparing 100,000 parameters."""
    opts = model._meta
    quote = connection.ops.quote_name
    select = ", ".join(quote(opts.get_field(c).column) for c in columns)
    where = quote(opts.get_field(key).column)
    table = quote(opts.db_table)
    values = list(values)
    with connection.cursor() as cursor:
        for chunk in _chunks(values):
            if connection.vendor == "postgresql":
                sql = f"SELECT {select} FROM {table} WHERE {where} = ANY(%s)"  # one array
                params = [list(chunk)]
            else:
                placeholders = ", ".join(["%s"] * len(chunk))
                sql = f"SELECT {select} FROM {table} WHERE {where} IN ({placeholders})"
                params = list(chunk)
            cursor.execute(sql, params)
            yield from cursor.fetchall()


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for ``count`` new rows. PostgreSQL draws them from the table's
    sequence (safe with concurrent writers); SQLite takes the next free ids inside the
    caller's transaction, where SQLite serialises writers."""
    if count == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # Past the AUTOINCREMENT high-water mark too, so deleted ids are never reused.
        cursor.execute(
            f'SELECT MAX(COALESCE(MAX("{pk}"), 0), COALESCE('
            f'(SELECT seq FROM sqlite_sequence WHERE name = %s), 0)) FROM "{table}"',
            [table],
        )
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


ANALYZE_AFTER_ROWS = 10_000


def bulk_insert(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert plain tuples (values for ``fields``, by attname) and return their new ids in
    order. Fields left out get their model default; auto_now fields get now; the pinyin
    of a name is worked out here as ``save()`` would (estates.pinyin)."""
    if not rows:
        return []
    if issubclass(model, PinyinNamedMixin) and "name" in fields and "name_sort" not in fields:
        at = list(fields).index("name")
        fields = [*fields, "name_sort", "name_pinyin"]
        rows = [(*row, *pinyin_columns(row[at])) for row in rows]
    opts = model._meta
    now = timezone.now()
    extra_columns, extra_values = [], []
    for f in opts.concrete_fields:
        if f.primary_key or f.attname in fields:
            continue
        value = (
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else (f.get_default())
        )
        extra_columns.append(f.column)
        extra_values.append(f.get_db_prep_save(value, connection))
    columns = [opts.pk.column] + [opts.get_field(f).column for f in fields] + extra_columns
    ids = _reserve_ids(model, len(rows))
    extra = tuple(extra_values)
    table = connection.ops.quote_name(opts.db_table)
    column_sql = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row, *extra))
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders})"
            data = [(pk, *row, *extra) for pk, row in zip(ids, rows, strict=True)]
            for batch in _chunks(data, BATCH * 10):
                cursor.executemany(sql, batch)
    return ids


@dataclass
class LoadCounts:
    compounds_created: int = 0
    compounds_updated: int = 0
    buildings_created: int = 0
    units_created: int = 0
    units_updated: int = 0
    owners_created: int = 0
    owners_updated: int = 0
    # Phones of owners who also hold units outside the importer's jurisdiction: kept, since
    # only a user covering every holding changes an owner's identity.
    owner_phones_kept: int = 0
    ownerships_created: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class _Plan:
    """Keys gathered from the rows in first-seen order, each numbered so that nested keys
    are flat tuples of small ints and strings (cheap to hash)."""

    compounds: dict[tuple[int, str], int] = field(default_factory=dict)
    compound_keys: list[tuple[int, str]] = field(default_factory=list)
    compound_paths: list[str] = field(default_factory=list)
    compound_years: dict[int, int] = field(default_factory=dict)
    buildings: dict[tuple[int, str], int] = field(default_factory=dict)
    building_keys: list[tuple[int, str]] = field(default_factory=list)
    units: dict[tuple[int, str, str], int] = field(default_factory=dict)
    unit_keys: list[tuple[int, str, str]] = field(default_factory=list)
    unit_values: list[tuple[Decimal, str]] = field(default_factory=list)
    owners: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    pairs: dict[tuple[str, int], None] = field(default_factory=dict)


def _plan(rows: Iterable[Any]) -> _Plan:
    plan = _Plan()
    compounds, buildings, units, owners, pairs = (
        plan.compounds,
        plan.buildings,
        plan.units,
        plan.owners,
        plan.pairs,
    )
    for r in rows:
        key = (r.community_id, r.compound)
        c = compounds.get(key)
        if c is None:
            c = compounds[key] = len(plan.compound_keys)
            plan.compound_keys.append(key)
            plan.compound_paths.append(r.community_path)
        if r.completed_year is not None:
            plan.compound_years.setdefault(c, r.completed_year)
        key = (c, r.building)
        b = buildings.get(key)
        if b is None:
            b = buildings[key] = len(plan.building_keys)
            plan.building_keys.append(key)
        key = (b, r.entrance, r.room)
        u = units.get(key)
        if u is None:
            u = units[key] = len(plan.unit_keys)
            plan.unit_keys.append(key)
            plan.unit_values.append((r.area, r.area_source))
        else:
            plan.unit_values[u] = (r.area, r.area_source)
        owner = owners.get(r.id_number)
        if owner is None or (r.phone and owner[2] != r.phone):
            owners[r.id_number] = (r.owner_name, r.owner_kind, r.phone)
        pairs[(r.id_number, u)] = None
    return plan


def registry_rows_apply(
    rows: Iterable[Any],
    *,
    compound_defaults: dict[tuple[int, str], dict[str, Any]] | None = None,
    progress: Callable[[str], None] | None = None,
    identity_scope: Jurisdiction | None = None,
) -> LoadCounts:
    """Write checked registry rows (estates.importing.RegistryRow or anything with the
    same attributes) in one transaction. Re-applying the same rows changes nothing; a
    changed area, area source or phone is updated, and so is a compound's year where the
    rows give one. ``compound_defaults`` gives extra Compound fields (property company,
    year, ...) for compounds that are created. With ``identity_scope`` (the importer's
    manage jurisdiction) an existing owner's phone changes only when every unit they hold
    lies inside it, as in the owner form (estates.services.owner_update)."""
    counts = LoadCounts()
    plan = _plan(rows)
    note = progress or (lambda stage: None)
    compound_defaults = compound_defaults or {}
    with transaction.atomic():
        # Compounds.
        note("compounds")
        compound_ids: list[int | None] = [None] * len(plan.compound_keys)
        community_ids = sorted({key[0] for key in plan.compound_keys})
        changed_compounds: list[Compound] = []
        years = plan.compound_years
        for region_id, name, pk, year in rows_where_in(
            Compound, ["region_id", "name", "id", "completed_year"], "region_id", community_ids
        ):
            c = plan.compounds.get((region_id, name))
            if c is not None:
                compound_ids[c] = pk
                if c in years and years[c] != year:
                    changed_compounds.append(
                        Compound(pk=pk, completed_year=years[c], updated_at=timezone.now())
                    )
        Compound.objects.bulk_update(changed_compounds, ["completed_year", "updated_at"])
        counts.compounds_updated = len(changed_compounds)
        existing_compounds = {pk: c for c, pk in enumerate(compound_ids) if pk is not None}
        new = [c for c, pk in enumerate(compound_ids) if pk is None]
        defaults_of = {
            c: {
                **compound_defaults.get(plan.compound_keys[c], {}),
                **({"completed_year": years[c]} if c in years else {}),
            }
            for c in new
        }
        extra_fields = sorted({f for c in new for f in defaults_of[c]})
        values = []
        for c in new:
            region_id, name = plan.compound_keys[c]
            defaults = defaults_of[c]
            values.append(
                (region_id, plan.compound_paths[c], name, *(defaults.get(f) for f in extra_fields))
            )
        ids = bulk_insert(Compound, ["region_id", "region_path", "name", *extra_fields], values)
        for c, pk in zip(new, ids, strict=True):
            compound_ids[c] = pk
        counts.compounds_created = len(new)

        # Buildings: only compounds that existed can already have any.
        note("buildings")
        building_ids: list[int | None] = [None] * len(plan.building_keys)
        existing_buildings: dict[int, int] = {}
        for compound_id, name, pk in rows_where_in(
            Building, ["compound_id", "name", "id"], "compound_id", existing_compounds
        ):
            b = plan.buildings.get((existing_compounds[compound_id], name))
            if b is not None:
                building_ids[b] = pk
                existing_buildings[pk] = b
        new = [b for b, pk in enumerate(building_ids) if pk is None]
        ids = bulk_insert(
            Building,
            ["compound_id", "name"],
            [(compound_ids[plan.building_keys[b][0]], plan.building_keys[b][1]) for b in new],
        )
        for b, pk in zip(new, ids, strict=True):
            building_ids[b] = pk
        counts.buildings_created = len(new)

        # Units: insert new ones, update changed areas (DOMAIN 1.6 area and its source).
        note("units")
        unit_ids: list[int | None] = [None] * len(plan.unit_keys)
        unit_compound = [compound_ids[plan.building_keys[b][0]] for b, _e, _r in plan.unit_keys]
        changed: list[Unit] = []
        for building_id, entrance, room, pk, area, source in rows_where_in(
            Unit,
            ["building_id", "entrance", "room", "id", "exclusive_area", "area_source"],
            "compound_id",
            existing_compounds,
        ):
            b = existing_buildings.get(building_id)
            u = plan.units.get((b, entrance, room)) if b is not None else None
            if u is None:
                continue
            unit_ids[u] = pk
            wanted = plan.unit_values[u]
            if (Decimal(str(area)).quantize(Decimal("0.01")), source) != wanted:
                changed.append(Unit(pk=pk, exclusive_area=wanted[0], area_source=wanted[1]))
        new = [u for u, pk in enumerate(unit_ids) if pk is None]
        keys, values_of = plan.unit_keys, plan.unit_values
        ids = bulk_insert(
            Unit,
            ["building_id", "compound_id", "entrance", "room", "exclusive_area", "area_source"],
            [
                (building_ids[keys[u][0]], unit_compound[u], keys[u][1], keys[u][2], *values_of[u])
                for u in new
            ],
        )
        for u, pk in zip(new, ids, strict=True):
            unit_ids[u] = pk
        Unit.objects.bulk_update(changed, ["exclusive_area", "area_source"], batch_size=500)
        counts.units_created, counts.units_updated = len(new), len(changed)

        # Owners by ID number; a changed phone is updated.
        note("owners")
        owner_ids: dict[str, int] = {}
        changed_owners: list[Owner] = []
        now = timezone.now()
        for id_number, pk, phone in rows_where_in(
            Owner, ["id_number", "id", "phone"], "id_number", plan.owners
        ):
            owner_ids[id_number] = pk
            wanted_phone = plan.owners[id_number][2]
            if wanted_phone and wanted_phone != phone:
                changed_owners.append(Owner(pk=pk, phone=wanted_phone, updated_at=now))
        new_owners = [key for key in plan.owners if key not in owner_ids]
        ids = bulk_insert(
            Owner,
            ["id_number", "name", "kind", "phone"],
            [(k, *plan.owners[k]) for k in new_owners],
        )
        owner_ids.update(zip(new_owners, ids, strict=True))
        if changed_owners and identity_scope is not None and not identity_scope.everything:
            elsewhere = set(
                Ownership.objects.filter(owner_id__in=[o.pk for o in changed_owners])
                .exclude(identity_scope.q("compound__region_path", "compound_id"))
                .values_list("owner_id", flat=True)
            )
            counts.owner_phones_kept = len(elsewhere)
            changed_owners = [o for o in changed_owners if o.pk not in elsewhere]
        Owner.objects.bulk_update(changed_owners, ["phone", "updated_at"], batch_size=500)
        counts.owners_created, counts.owners_updated = len(new_owners), len(changed_owners)

        # Ownerships (co-owners: several per unit; one owner: several units).
        note("ownerships")
        existing_pairs = set(
            rows_where_in(Ownership, ["owner_id", "unit_id"], "compound_id", existing_compounds)
        )
        register = AreaSource.REGISTER
        values = []
        for id_number, u in plan.pairs:
            pair = (owner_ids[id_number], unit_ids[u])
            if pair in existing_pairs:
                continue
            # An area taken from the register means the title is registered (DOMAIN 1.1).
            values.append((*pair, unit_compound[u], plan.unit_values[u][1] == register))
        bulk_insert(Ownership, ["owner_id", "unit_id", "compound_id", "is_registered"], values)
        counts.ownerships_created = len(values)
        if connection.vendor == "postgresql" and len(values) >= ANALYZE_AFTER_ROWS:
            # Fresh statistics, or the planner keeps judging the tables by their old size
            # (a nested loop over hundreds of thousands of units after a first import).
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE estates_compound, estates_building, estates_unit, "
                    "estates_owner, estates_ownership"
                )
        # Public pages cache what they read; tell them once the rows are visible.
        transaction.on_commit(lambda: registry_bulk_changed.send(sender=__name__, counts=counts))
    return counts
