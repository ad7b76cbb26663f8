"""Querysets whose SQL is built once per process and database, then run with new arguments.

Django builds the SQL of a queryset afresh every time it is evaluated. For the public
site's richest reads (a compound with its five-level breadcrumb and aggregates, a
committee with its latest term and party branch) building the SQL costs more than ten
times running it (docs/benchmarks.md). A :class:`PreparedQuery` is declared once, at module
level, from a function that builds the queryset. On first use per database it builds
the queryset with sample arguments, compiles it and remembers where each sample landed
among the SQL parameters. Every later call copies that SQL, puts the real arguments in
place and hands the rows to Django's own iterables, so results are the same model
instances, ``values()`` dicts or tuples as the queryset would give (select_related
objects and annotations included).

On PostgreSQL the statement is also prepared on the server, once per connection, so the
planner does not plan it again on every request (planning these joins takes several
times longer than executing them). Django's own cursors bind parameters on the client
and are never prepared; ``prepare_threshold`` in the database OPTIONS (set from
``DB_PREPARE_THRESHOLD``, "none" behind a transaction-pooling proxy) governs only these.

Arguments are integers or strings compared as they are (primary keys, codes, statuses);
a sample that does not reach the SQL unchanged fails loudly when the query is prepared.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
# Sample arguments the queryset is compiled with, one per argument.
_INT_SAMPLE_BASE = 31_000
_STR_SAMPLE = "\x1fprepared-sample-"


@dataclass(frozen=True)
class _Prepared:
    queryset: QuerySet
    compiler: Any
    sql: str
    params: tuple
    slots: tuple[tuple[str, tuple[int, ...]], ...]


class PreparedQuery:
    """``PreparedQuery(build, pk=int)``: ``build(pk=...)`` returns the queryset and
    ``query(pk=7)`` returns its rows as a list. ``arguments`` maps each keyword argument
    of ``build`` to its type (``int`` or ``str``)."""

    def __init__(self, build: Callable[..., QuerySet], **arguments: type):
        for name, kind in arguments.items():
            if kind not in (int, str):
                raise TypeError(f"{name}: prepared arguments are int or str, not {kind}")
        self.build = build
        self.arguments = arguments
        self._prepared: dict[str, _Prepared] = {}
        self._lock = threading.Lock()

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list:
        if values.keys() != self.arguments.keys():
            raise TypeError(f"expected arguments {sorted(self.arguments)}, got {sorted(values)}")
        prepared = self._prepared_for(using)
        connection = connections[using]  # this thread's: Django's connections are per thread
        params = list(prepared.params)
        for name, positions in prepared.slots:
            value = self.arguments[name](values[name])
            if self.arguments[name] is int:
                if not BIGINT_MIN <= value <= BIGINT_MAX:
                    return []  # no integer column holds it (Django too answers "none")
                if connection.vendor == "postgresql":
                    value = _int8(value)  # one statement, not one per int2/int4/int8
            for position in positions:
                params[position] = value
        return list(_queryset_with_sql(prepared, tuple(params), connection))

    def sql(self, using: str = DEFAULT_DB_ALIAS) -> str:
        """The prepared SQL (with placeholders), for tests and EXPLAIN."""
        return self._prepared_for(using).sql

    def _prepared_for(self, using: str) -> _Prepared:
        prepared = self._prepared.get(using)
        if prepared is None:
            with self._lock:
                prepared = self._prepared.get(using) or self._prepare(using)
                self._prepared[using] = prepared
        return prepared

    def _samples(self, offset: int) -> dict[str, int | str]:
        # Integers stay inside every integer field's range (Django turns an out-of-range
        # lookup into an empty result before any SQL exists).
        return {
            name: (_INT_SAMPLE_BASE + offset + i if kind is int else f"{_STR_SAMPLE}{offset}-{i}")
            for i, (name, kind) in enumerate(self.arguments.items())
        }

    def _compile(self, using: str, samples: dict) -> tuple[QuerySet, Any, str, tuple]:
        queryset = self.build(**samples).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        return queryset, compiler, sql, tuple(params)

    def _prepare(self, using: str) -> _Prepared:
        """Compile with two sets of samples: an argument's slots are the parameters that
        follow it, whatever constants happen to equal a sample."""
        samples, others = self._samples(0), self._samples(100)
        queryset, compiler, sql, params = self._compile(using, samples)
        _, _, other_sql, other_params = self._compile(using, others)
        if other_sql != sql or len(other_params) != len(params):
            raise ValueError("the query's SQL depends on its arguments' values")
        slots = []
        for name, sample in samples.items():
            positions = tuple(
                i
                for i, (p, q) in enumerate(zip(params, other_params, strict=True))
                if p == sample and q == others[name]
            )
            if not positions:
                raise ValueError(
                    f"prepared argument {name!r} does not reach the SQL as given "
                    "(transformed by a lookup, or unused)"
                )
            slots.append((name, positions))
        return _Prepared(queryset, compiler, sql, params, tuple(slots))


def _queryset_with_sql(prepared: _Prepared, params: tuple, connection: Any) -> QuerySet:
    """A copy of the prepared queryset whose compiler returns the stored SQL with these
    parameters on this thread's connection; Django's iterable then executes it and builds
    the results as usual."""
    compiler = _shallow_copy(prepared.compiler, connection=connection)
    compiler.as_sql = lambda *args, **kwargs: (prepared.sql, params)
    compiler.execute_sql = lambda *args, **kwargs: _fetch(compiler, prepared.sql, params, *args)
    query = _shallow_copy(prepared.queryset.query)
    query.get_compiler = lambda *args, **kwargs: compiler
    return _shallow_copy(prepared.queryset, _query=query, _result_cache=None)


def _shallow_copy(instance: Any, **changes: Any) -> Any:
    """A copy sharing the attributes. Not ``copy.copy``: it pickles through
    ``__getstate__``, which for a queryset means evaluating it."""
    duplicate = object.__new__(type(instance))
    duplicate.__dict__ = {**instance.__dict__, **changes}
    return duplicate


def _fetch(compiler: Any, sql: str, params: tuple, result_type: str = MULTI) -> list[list[tuple]]:
    """All rows, in the one chunk the compiler's ``results_iter`` expects (the iterables
    only ask for rows; counts and existence checks are not prepared)."""
    if result_type != MULTI:
        raise NotImplementedError(f"prepared queries return rows, not {result_type}")
    with _cursor(compiler.connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if compiler.has_extra_select:
        rows = [row[: compiler.col_count] for row in rows]
    return [rows]


def _cursor(connection: Any) -> Any:
    """A cursor of Django's (query logging and execute wrappers included); on PostgreSQL
    one binding on the server, which psycopg prepares per the connection's
    ``prepare_threshold``."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        return connection.cursor()
    # Django's create_cursor (time zone loaders included) with a server-binding class.
    # This is the calling thread's own connection (see PreparedQuery.__call__), which no
    # other thread uses, so the swap is seen nowhere else.
    factory, raw.cursor_factory = raw.cursor_factory, ServerBindingCursor
    try:
        with connection.wrap_database_errors:
            return connection._prepare_cursor(connection.create_cursor())
    finally:
        raw.cursor_factory = factory


def _int8(value: int) -> Any:
    from psycopg.types.numeric import Int8

    return Int8(value)
