"""SQLite on the event loop thread: synchronous sessions behind AsyncSession's API.

SQLAlchemy's `sqlite+aiosqlite` dialect drives aiosqlite, which runs every call (cursor,
execute, fetch, close, commit) in a helper thread and hands the result back through the
event loop, and SQLAlchemy's asyncio layer adds a greenlet switch per call. All of that
costs far more than the statement itself (an indexed lookup in a local file takes
microseconds); under load the helper thread also waits for the GIL while the writer holds
SQLite's lock. Measured on the intake path: most of the bot's database CPU went there.

So `storage.db` gives SQLite's `transaction()` and `sessions()` a plain synchronous
SQLAlchemy Session on a sqlite3 connection (`open_sqlite3`), wrapped in `InlineSession`,
whose methods are coroutines like AsyncSession's: the code is the same on both backends.
The writer's Session is made on first use, so a transaction of prepared statements
(`storage.prepared`) runs on the raw connection alone.

Running on the loop thread is safe only for statements that cannot wait, so `storage.db`
arranges that none do: writes begin with `BEGIN IMMEDIATE` under a zero busy timeout and
retry *asynchronously* while another process holds the write lock (`try_begin_immediate`);
in WAL mode reads never wait for writers; and the heavy read-only reporting queries go
through the threaded aiosqlite engine instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.util import immutabledict


def try_begin_immediate(conn: sqlite3.Connection) -> bool:
    """Open a write transaction now; False (nothing opened) while another connection holds
    SQLite's write lock. Needs a zero busy timeout to return at once."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            return False
        raise
    return True


def is_busy(exc: BaseException) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text


def open_sqlite3(database: str, *, busy_timeout_ms: int) -> sqlite3.Connection:
    """A sqlite3 connection for a synchronous engine used on the loop thread.

    isolation_level "" keeps sqlite3's usual (legacy) transaction handling: a DML statement
    outside a transaction opens one, and the BEGIN IMMEDIATE we issue is honoured.
    check_same_thread is off only because the pool may close a connection from a
    garbage-collector callback; every statement runs on the event loop's thread."""
    return sqlite3.connect(database, timeout=busy_timeout_ms / 1000, isolation_level="",
                           check_same_thread=False)


_PREBUFFER = immutabledict({"prebuffer_rows": True})


def has_unflushed(session: Session) -> bool:
    """Whether `session` holds ORM changes that autoflush would write before a statement
    (storage.prepared flushes them before running on the driver). Inside
    `session.no_autoflush` nothing is written early, as for the ORM's own statements."""
    return session.autoflush and bool(session.new or session.deleted or session.dirty)


class InlineSession:
    """The part of AsyncSession's API this project uses, over a synchronous Session.

    On SQLite every statement runs on the event loop thread anyway, so the asyncio layer
    of SQLAlchemy (a greenlet switch per call, the async adapters, the driver shim) does
    nothing but cost: measured, an empty transaction took 181 µs through AsyncSession and
    64 µs through Session, and five indexed reads 541 µs against 286 µs. The methods are
    coroutines, as AsyncSession's are, so the same code runs on both backends (and the
    PostgreSQL run of the tests catches a lazy load that only SQLite would allow).

    ORM results are fetched at once, as AsyncSession's are; plain (Core) rows are read from
    the cursor as they are iterated, so read them before the session ends (every caller
    does: a result never leaves its `async with`).
    """

    __slots__ = ("_session", "_connection", "_driver")

    def __init__(self, sync_session: Session | None = None, *,
                 connection: Connection | None = None) -> None:
        # A reader gets its session; the writer gets its connection, already in a
        # transaction, and its ORM session is made on first use: a message that only reads
        # and writes a draft runs prepared statements (storage.prepared) and never pays
        # for a Session's begin, commit and close (about 7 % of the intake CPU).
        self._session = sync_session
        self._connection = connection
        self._driver: sqlite3.Connection | None = None

    @property
    def sync_session(self) -> Session:
        """The ORM session (the writer's is made now if it was not yet)."""
        session = self._session
        if session is None:
            session = self._session = Session(bind=self._connection, expire_on_commit=False)
        return session

    @property
    def bind(self) -> Any:
        return self._session.bind if self._session is not None else self._connection

    @property
    def dialect(self) -> Any:
        return self.bind.dialect

    def driver(self) -> sqlite3.Connection:
        """The sqlite3 connection, for a prepared statement; pending ORM changes are flushed
        first, as autoflush would."""
        if self._session is not None and has_unflushed(self._session):
            self._session.flush()
        driver = self._driver
        if driver is None:
            connection = self._connection or self.sync_session.connection()
            driver = self._driver = connection.connection.driver_connection
        return driver

    def end(self, commit: bool) -> None:
        """The writer's transaction: commit (flushing the ORM session, if one was made) or
        roll back. A failed commit raises; the caller then rolls back."""
        raw = self._connection.connection.driver_connection
        session = self._session
        if commit:
            if session is not None:
                session.commit()
            if raw.in_transaction:
                raw.commit()
            return
        try:
            if session is not None:
                session.rollback()
        finally:
            if raw.in_transaction:  # whatever the session did, nothing of it stays
                raw.rollback()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()

    def invalidate(self, error: BaseException) -> None:
        """The connection failed for good (SQLAlchemy's disconnect errors): never reuse it."""
        if self._connection is not None:
            self._connection.invalidate(error)
        elif self._session is not None:
            self._session.connection().invalidate(error)

    async def execute(self, statement: Any, params: Any = None, *,
                      execution_options: Any = _PREBUFFER, **kwargs: Any) -> Any:
        # ORM rows are fetched at once, as AsyncSession does (so a result read after the
        # session ended fails on neither backend).
        if execution_options is not _PREBUFFER:
            execution_options = _PREBUFFER | execution_options
        return self.sync_session.execute(statement, params,
                                         execution_options=execution_options, **kwargs)

    async def scalar(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return self.sync_session.scalar(statement, params, **kwargs)

    async def scalars(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return (await self.execute(statement, params, **kwargs)).scalars()

    async def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        return self.sync_session.get(entity, ident, **kwargs)

    def add(self, instance: Any) -> None:
        self.sync_session.add(instance)

    def add_all(self, instances: Iterable[Any]) -> None:
        self.sync_session.add_all(instances)

    async def delete(self, instance: Any) -> None:
        self.sync_session.delete(instance)

    @property
    def no_autoflush(self) -> Any:
        """`Session.no_autoflush`: statements in it do not flush pending changes first."""
        return self.sync_session.no_autoflush

    async def flush(self, objects: Any = None) -> None:
        self.sync_session.flush(objects)

    async def stream(self, statement: Any, params: Any = None, **kwargs: Any) -> _AsyncRows:
        return _AsyncRows(self.sync_session.execute(statement, params, **kwargs))

    def __contains__(self, instance: Any) -> bool:
        return instance in self.sync_session


class _AsyncRows:
    """AsyncResult's row iteration over a synchronous result."""

    __slots__ = ("_result",)

    def __init__(self, result: Any) -> None:
        self._result = result

    def __aiter__(self) -> _AsyncRows:
        return self

    async def __anext__(self) -> Any:
        row = self._result.fetchone()
        if row is None:
            raise StopAsyncIteration
        return row
