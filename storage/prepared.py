"""The hot statements: written in SQLAlchemy Core, compiled once, run on the driver itself.

Every message a resident sends reads their pending action and their draft and writes the
draft back; every submission looks for a duplicate case and queues the patrol's card. Run
through `Session.execute`, each of those statements pays SQLAlchemy's per-execution work
(session state, connection lookup, compiled-cache lookup, execution context, result
object) and, on PostgreSQL, a greenlet switch per call of the asyncio layer. Measured for
one indexed draft lookup on 2026-12-02: 79 µs through the session against 4 µs on the
sqlite3 cursor; on PostgreSQL 423 µs against 113–254 µs with asyncpg (the rest is the
server's round trip).

`Prepared` keeps what SQLAlchemy is for and skips the rest. The statement is a Core
construct, compiled by SQLAlchemy's own compiler for the session's dialect, once; values
go through the same bind and result processors (UTCDateTime, JSON, Boolean) that
`session.execute` would apply; it runs in the session's own transaction, after pending ORM
changes are flushed (as autoflush would); driver errors come out as SQLAlchemy's
exceptions (IntegrityError and so on), and a lost PostgreSQL connection is invalidated as
SQLAlchemy would invalidate it. What it skips is the per-call machinery. Sessions of other
drivers (aiosqlite's reporting sessions) run the statement the ordinary way.

An IN list given as a parameter (`bindparam("ids", expanding=True)`) is compiled once per
length; an empty list matches nothing, as in SQLAlchemy. Limits, checked when a statement
is first compiled: bind parameters may not have callables; and an INSERT or UPDATE gives every column with a Python-side default
(`default=utcnow`, `onupdate=utcnow`) its value, as nothing evaluates those here. Rows come back as named tuples (`row.id`), read at once.

On PostgreSQL this reaches into SQLAlchemy's asyncpg adapter (its statement cache, its
per-connection mutex and its lazily started transaction), so that a prepared statement and
`session.execute` share one transaction and one statement cache. Those are private names of
the pinned SQLAlchemy release; the tests run every path here on PostgreSQL, so an upgrade
that moves them fails loudly.
"""

from __future__ import annotations

import re
import sqlite3
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement, Select

from storage.pg_session import PgSession, on_adapter
from storage.sqlite_inline import InlineSession, has_unflushed

_NO_PARAMS: Mapping[str, Any] = {}
_STATUS_COUNT = re.compile(r"(?:SELECT|UPDATE|DELETE|INSERT \d+) (\d+)")
_DRIVER = "lantian.prepared.driver"  # the session.info key of the cached driver connection
# Run directly: SQLite's inline sessions (storage.sqlite_inline) and asyncpg's.
_DIRECT = frozenset({"asyncpg"})
# Plans kept per statement: one per dialect and length of its IN list parameters (callers
# cut long lists with storage.db.chunks, so there are only ever a few lengths).
MAX_PLANS = 64


class _Plan:
    """One statement compiled for one dialect (and one length of each IN list parameter)."""

    __slots__ = ("sql", "plain_read", "binds", "columns", "types", "row", "processors")

    def __init__(self, statement: ClauseElement, dialect: Dialect,
                 lengths: Mapping[str, int]) -> None:
        compiled = statement.compile(dialect=dialect)
        prefetch = [*compiled.insert_prefetch, *compiled.update_prefetch]
        if prefetch:
            raise TypeError("Prepared: give the values of columns with Python-side defaults "
                            f"explicitly ({', '.join(c.name for c in prefetch)})")
        required: set[str] = set()
        for bind, name in compiled.bind_names.items():
            if bind.callable is not None:
                raise TypeError(f"Prepared: bind parameter {bind.key!r} has a callable")
            if bind.required and bind.literal_execute:
                raise TypeError(f"Prepared: bind parameter {bind.key!r} is rendered into the "
                                "SQL at execution (literal_execute)")
            if bind.required or name in lengths:
                required.add(name)
        # An IN list given as a parameter is rendered with as many placeholders as it has
        # values; the values themselves are taken from the parameters at each run.
        placeholders = {name: [None] * lengths[name] if name in lengths else None
                        for name in required}
        expanded = compiled.construct_expanded_state(placeholders)
        element_of = {element: (name, index)
                      for name, elements in expanded.parameter_expansion.items()
                      if name in lengths for index, element in enumerate(elements)}
        processors = dict(compiled._bind_processors)
        processors.update(expanded.processors)
        self.sql = expanded.statement
        # A plain read (a SELECT that locks nothing) may run outside a transaction in a
        # read-only session; anything else begins one there (READ ONLY: a write fails).
        self.plain_read = isinstance(statement, Select) and statement._for_update_arg is None
        # (name, how to get the value, default or list index, bind processor) in the order
        # the driver takes them; how: 0 required, 1 optional, 2 an element of an IN list
        binds = []
        for name in expanded.positiontup or ():
            process = processors.get(name)
            if name in element_of:
                binds.append((*element_of[name][:1], 2, element_of[name][1], process))
            else:
                binds.append((name, 0 if name in required else 1,
                              expanded.parameters.get(name), process))
        self.binds = tuple(binds)
        self.columns = tuple(entry.keyname for entry in compiled._result_columns)
        if len(set(self.columns)) != len(self.columns):
            raise TypeError(f"Prepared: result columns with the same name {self.columns}: "
                            "label them")
        self.types = tuple(entry.type for entry in compiled._result_columns)
        self.row = namedtuple("Row", self.columns, rename=True) if self.columns else None
        # Result processors need the driver's column types on PostgreSQL (a float column's
        # processor depends on them): worked out at the first execution.
        self.processors: tuple[Callable[[Any], Any] | None, ...] | None = None

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        out = []
        try:
            for name, how, extra, process in self.binds:
                if how == 0:
                    value = params[name]
                elif how == 1:
                    value = params.get(name, extra)
                else:
                    value = params[name][extra]
                out.append(process(value) if process is not None else value)
        except KeyError as missing:
            raise exc.ArgumentError(
                f"a value is required for bind parameter {missing.args[0]!r}") from None
        return out

    def result_processors(self, dialect: Dialect, coltypes: list[Any]) -> None:
        processors = tuple(type_._cached_result_processor(dialect, coltype)
                           for type_, coltype in zip(self.types, coltypes, strict=True))
        self.processors = processors

    def rows(self, records: list[Any]) -> list[Any]:
        make = self.row._make
        processors = self.processors
        if not any(processors):
            return [make(record) for record in records]
        return [make([value if process is None else process(value)
                      for process, value in zip(processors, record, strict=True)])
                for record in records]


class Prepared:
    """A Core statement run on the session's own driver connection (see the module doc)."""

    __slots__ = ("statement", "_lists", "_optional_lists", "_plans")

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        # The IN lists given as parameters (`bindparam("ids", expanding=True)`), and those
        # with a default list a caller may replace.
        binds = statement._get_embedded_bindparams()
        self._lists = tuple(sorted({b.key for b in binds if b.expanding and b.required}))
        self._optional_lists = tuple(sorted({b.key for b in binds
                                             if b.expanding and not b.required}))
        self._plans: dict[tuple[Any, ...], _Plan] = {}

    def _plan(self, dialect: Dialect, params: Mapping[str, Any] = _NO_PARAMS) -> _Plan:
        try:
            lengths = {name: len(params[name]) for name in self._lists}
        except KeyError as missing:
            raise exc.ArgumentError(
                f"a value is required for bind parameter {missing.args[0]!r}") from None
        for name in self._optional_lists:
            if name in params:
                lengths[name] = len(params[name])
        key = (dialect.name, dialect.driver, dialect.paramstyle, *lengths.items())
        plan = self._plans.get(key)
        if plan is None:
            if len(self._plans) >= MAX_PLANS:  # lists of many lengths: start again
                self._plans.clear()
            plan = self._plans[key] = _Plan(self.statement, dialect, lengths)
        return plan

    async def all(self, session: Any, params: Mapping[str, Any] = _NO_PARAMS) -> list[Any]:
        """Every row."""
        return (await self._run(session, params))[0]

    async def first(self, session: Any, params: Mapping[str, Any] = _NO_PARAMS) -> Any:
        """The first row, or None."""
        rows = (await self._run(session, params))[0]
        return rows[0] if rows else None

    async def scalar(self, session: Any, params: Mapping[str, Any] = _NO_PARAMS) -> Any:
        """The first column of the first row, or None."""
        rows = (await self._run(session, params))[0]
        return rows[0][0] if rows else None

    async def run(self, session: Any, params: Mapping[str, Any] = _NO_PARAMS) -> int:
        """Run a statement for its effect; the number of rows it matched."""
        return (await self._run(session, params))[1]

    async def run_many(self, session: Any, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run a statement without results once per parameter set (the driver's
        executemany)."""
        if rows:
            if self._lists or self._optional_lists:
                raise TypeError("Prepared.run_many: no IN list parameters")
            await self._run(session, rows[0], many=rows)

    async def _run(self, session: Any, params: Mapping[str, Any],
                   many: Sequence[Mapping[str, Any]] | None = None) -> tuple[list[Any], int]:
        if type(session) is InlineSession:
            dialect = session.dialect
            plan = self._plan(dialect, params)
            args = [plan.args(p) for p in many] if many is not None else plan.args(params)
            try:
                return _run_sqlite(plan, session.driver(), dialect, args, many is not None)
            except exc.DBAPIError as error:
                if error.connection_invalidated:
                    session.invalidate(error.orig)
                raise
        if type(session) is PgSession:
            dialect = session.dialect
            plan = self._plan(dialect, params)
            args = [plan.args(p) for p in many] if many is not None else plan.args(params)
            return await _run_asyncpg(plan, await session.driver(), dialect, args,
                                      many is not None, session.invalidate,
                                      begin=not (session.autocommit or (
                                          session.read_only and plan.plain_read)))
        sync = session.sync_session
        if has_unflushed(sync):
            await session.flush()  # as autoflush would before session.execute
        dialect = sync.bind.dialect
        if dialect.driver not in _DIRECT:
            # aiosqlite's reporting sessions (storage.db.report_sessions), or another driver:
            # the ordinary way, same rows.
            result = await session.execute(self.statement, list(many) if many else params)
            return (result.all() if result.returns_rows else []), result.rowcount
        # An AsyncSession on asyncpg (PostgreSQL's reporting sessions): its connection.
        plan = self._plan(dialect, params)
        args = [plan.args(p) for p in many] if many is not None else plan.args(params)
        transaction = sync.get_transaction()
        cached = sync.info.get(_DRIVER)
        if cached is None or transaction is None or cached[0] is not transaction:
            connection = await session.connection()
            adapter = (await connection.get_raw_connection()).dbapi_connection
            cached = sync.info[_DRIVER] = (sync.get_transaction(), (connection, adapter))
        connection, adapter = cached[1]

        def invalidate(error: BaseException, renew_pool: bool) -> None:
            sync_connection = connection.sync_connection
            if not sync_connection.invalidated:
                if renew_pool:
                    sync_connection.engine.pool._invalidate(sync_connection.connection, error)
                sync_connection.invalidate(error)

        return await _run_asyncpg(plan, adapter, dialect, args, many is not None, invalidate)


def _run_sqlite(plan: _Plan, raw: sqlite3.Connection, dialect: Dialect, args: list[Any],
                many: bool = False) -> tuple[list[Any], int]:
    """On an inline session's sqlite3 connection (storage.sqlite_inline), on the loop thread."""
    try:
        cursor = raw.executemany(plan.sql, args) if many else raw.execute(plan.sql, args)
        records = cursor.fetchall() if plan.row is not None else []
    except sqlite3.Error as error:
        lost = dialect.is_disconnect(error, raw, None)
        raise exc.DBAPIError.instance(plan.sql, args, error, sqlite3.Error, dialect=dialect,
                                      connection_invalidated=lost) from error
    if plan.row is None:
        return [], cursor.rowcount
    if plan.processors is None:
        plan.result_processors(dialect, [None] * len(plan.columns))
    return plan.rows(records), cursor.rowcount


async def _run_asyncpg(plan: _Plan, adapter: Any, dialect: Dialect, args: list[Any],
                       many: bool, invalidate: Callable[[BaseException, bool], None],
                       begin: bool = True) -> tuple[list[Any], int]:
    """On SQLAlchemy's asyncpg adapter, as its cursor does (storage.pg_session.on_adapter):
    prepared statements from the connection's cache, in the transaction under way."""
    async def call() -> tuple[list[Any], Any, str | None]:
        prepared, attributes = await adapter._prepare(
            plan.sql, dialect._invalidate_schema_cache_asof)
        if many:
            await prepared.executemany(args)
            return [], attributes, None
        return await prepared.fetch(*args), attributes, prepared.get_statusmsg()

    records, attributes, status = await on_adapter(adapter, dialect, plan.sql, args, call,
                                                   invalidate, begin=begin)
    match = _STATUS_COUNT.match(status or "")
    rowcount = int(match.group(1)) if match else -1
    if plan.row is None:
        return [], rowcount
    if plan.processors is None:
        plan.result_processors(dialect, [attribute.type.oid for attribute in attributes])
    return plan.rows(records), rowcount
