"""common.prepared: a queryset compiled once gives the same rows as the queryset itself,
one query per call, and on PostgreSQL a statement prepared on the server."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.test.utils import CaptureQueriesContext

from common.prepared import PreparedQuery
from estates.models import Compound, Region

pytestmark = pytest.mark.django_db


def regions_under(code: str, level: int) -> QuerySet[Region]:
    """Children of a region, with their parent and grandparent and a child count."""
    return (
        Region.objects.filter(parent__code=code, level=level)
        .select_related("parent__parent")
        .annotate(child_count=Count("children"))
        .order_by("code")
    )


def compound_names(region_id: int) -> QuerySet[Compound]:
    return (
        Compound.objects.filter(region_id=region_id).order_by("name").values_list("name", flat=True)
    )


def test_rows_match_the_queryset_for_each_argument(tree):
    built = []

    def build(code: str, level: int) -> QuerySet[Region]:
        built.append((code, level))
        return regions_under(code, level)

    prepared = PreparedQuery(build, code=str, level=int)
    for region in [tree.county, *tree.streets, tree.communities[0]]:
        level = region.level + 1
        expected = list(regions_under(region.code, level))
        rows = prepared(code=region.code, level=level)
        assert [r.pk for r in rows] == [r.pk for r in expected]
        assert [r.child_count for r in rows] == [r.child_count for r in expected]
        # select_related objects come with the rows: no further query.
        with CaptureQueriesContext(connection) as ctx:
            grandparents = [r.parent.parent.name for r in rows]
        assert len(ctx.captured_queries) == 0
        assert grandparents == [r.parent.parent.name for r in expected]
    assert prepared(code="no-such-code", level=1) == []
    # The queryset was built when first used (twice, with two sets of samples), not per call.
    assert len(built) == 2
    assert tree.county.code not in {code for code, _level in built}


def test_values_and_one_query_per_call(tree):
    prepared = PreparedQuery(compound_names, region_id=int)
    community = tree.communities[1]
    prepared(region_id=community.pk)  # compile outside the count
    with CaptureQueriesContext(connection) as ctx:
        names = prepared(region_id=community.pk)
    assert len(ctx.captured_queries) == 1
    assert names == list(compound_names(community.pk))
    assert names and all(isinstance(name, str) for name in names)


def test_calls_do_not_share_results(tree):
    prepared = PreparedQuery(compound_names, region_id=int)
    first = prepared(region_id=tree.communities[0].pk)
    second = prepared(region_id=tree.communities[1].pk)
    assert first != second
    (stored,) = prepared._prepared.values()
    assert stored.queryset._result_cache is None  # the template is never evaluated


def test_new_rows_are_seen_at_once(tree):
    from tests.factories import make_compound

    prepared = PreparedQuery(compound_names, region_id=int)
    community = tree.communities[2]
    before = prepared(region_id=community.pk)
    make_compound(region=community, name="新建小区")
    assert prepared(region_id=community.pk) == sorted([*before, "新建小区"])


def test_argument_that_does_not_reach_the_sql_is_refused(tree):
    # startswith turns the sample into a LIKE pattern: it cannot be substituted.
    prepared = PreparedQuery(lambda name: Compound.objects.filter(name__startswith=name), name=str)
    with pytest.raises(ValueError, match="does not reach the SQL"):
        prepared(name="开化")


def test_bad_declarations_and_calls():
    with pytest.raises(TypeError, match="int or str"):
        PreparedQuery(lambda day: Compound.objects.filter(created_at__date=day), day=object)
    prepared = PreparedQuery(compound_names, region_id=int)
    with pytest.raises(TypeError, match="expected arguments"):
        prepared(region=1)


def test_selection_filters_keep_working(tree):
    """A query with OR, joins and a subquery count compiles with the samples in place."""
    prepared = PreparedQuery(
        lambda code: (
            Region.objects.filter(Q(code=code) | Q(parent__code=code))
            .annotate(n=Count("compounds"))
            .order_by("code")
        ),
        code=str,
    )
    rows = prepared(code=tree.streets[0].code)
    assert [r.code for r in rows] == [
        tree.streets[0].code,
        *[c.code for c in tree.communities if c.parent_id == tree.streets[0].pk],
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side prepare")
def test_statement_is_prepared_on_the_server_once_per_connection(tree):
    prepared = PreparedQuery(compound_names, region_id=int)
    for community in tree.communities:
        prepared(region_id=community.pk)
    # Small and large ids bind alike (psycopg would pick int2, int4 or int8 by value).
    assert prepared(region_id=3) == prepared(region_id=5_000_000_000) == []
    sql = prepared.sql().replace("%s", "$1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert statements.count(sql) == 1, statements


def test_dates_times_and_decimals_convert_as_django_does(tree):
    from decimal import Decimal

    from django.db.models import Sum

    compound = tree.compounds[0]  # four units with their areas
    prepared = PreparedQuery(
        lambda pk: Compound.objects.filter(pk=pk).annotate(area=Sum("units__exclusive_area")),
        pk=int,
    )
    (row,) = prepared(pk=compound.pk)
    expected = Compound.objects.annotate(area=Sum("units__exclusive_area")).get(pk=compound.pk)
    assert row.created_at == expected.created_at and row.created_at.tzinfo is not None
    assert isinstance(row.area, Decimal) and row.area == expected.area > 0


def test_ids_beyond_any_integer_column_find_nothing(tree):
    prepared = PreparedQuery(compound_names, region_id=int)
    assert prepared(region_id=10**30) == prepared(region_id=-(10**30)) == []


@pytest.mark.django_db(transaction=True)
def test_other_threads_use_their_own_connection(tree):
    """Compiled in one thread, run in another (runserver serves each request in a new
    thread): each call goes through the calling thread's connection."""
    import threading

    from django.db import connections

    prepared = PreparedQuery(compound_names, region_id=int)
    community = tree.communities[0]
    expected = prepared(region_id=community.pk)
    results, errors = [], []

    def worker():
        try:
            results.append(prepared(region_id=community.pk))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == [expected] * 3 and expected
