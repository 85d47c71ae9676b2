"""SQLite for SQLAlchemy's asyncio layer without a thread: statements run on the event loop.

SQLAlchemy's `sqlite+aiosqlite` dialect drives aiosqlite, which runs every call (cursor,
execute, fetch, close, commit) in a helper thread and hands the result back through the
event loop: four round trips per statement. A round trip costs far more than the statement
itself (an indexed lookup in a local file takes microseconds), and under load the helper
thread also waits for the GIL while the loop runs Python, up to the interpreter's switch
interval, while the writer holds SQLite's lock. Measured on the intake path: most of the
bot's CPU went into that machinery.

`connect()` returns an object with the part of aiosqlite's API that the dialect uses, doing
the work directly. The dialect, the URL (`sqlite+aiosqlite://…`) and every query stay as they
are; `create_async_engine(url, async_creator=…)` plugs it in (see `storage.db`).

Running on the loop thread is safe only for statements that cannot wait, so `storage.db`
arranges that none do: writes begin with `BEGIN IMMEDIATE` under a zero busy timeout and
retry *asynchronously* while another process holds the write lock (`try_begin_immediate`);
in WAL mode reads never wait for writers; and the heavy read-only reporting queries go
through the threaded aiosqlite engine instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any


class InlineCursor:
    """An aiosqlite-style cursor over a sqlite3 cursor (awaitables that never suspend)."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters if parameters is not None else ())
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _ImmediateQueue:
    """Stands in for aiosqlite's queue to its thread: runs the call now (the dialect's
    isolation-level setter posts `(future, function)` to it)."""

    __slots__ = ()

    @staticmethod
    def put_nowait(item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting future
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection:
    """An aiosqlite-style connection over a sqlite3 connection used on the loop thread."""

    _tx = _ImmediateQueue()

    def __init__(self, database: str, *, busy_timeout_ms: int, uri: bool = False) -> None:
        # isolation_level "" keeps sqlite3's usual (legacy) transaction handling: a DML
        # statement outside a transaction opens one; BEGIN IMMEDIATE issued by us is honoured.
        # check_same_thread is off only because the pool may close a connection from a
        # garbage-collector callback; every statement runs on the event loop's thread.
        self._conn = sqlite3.connect(database, timeout=busy_timeout_ms / 1000, uri=uri,
                                     isolation_level="", check_same_thread=False)
        self._connection: sqlite3.Connection | None = self._conn

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        """Forced close (the dialect's terminate)."""
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    def try_begin_immediate(self) -> bool:
        """See `try_begin_immediate` (the function)."""
        return try_begin_immediate(self._conn)


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


async def connect(database: str, *, busy_timeout_ms: int = 0,
                  uri: bool = False) -> InlineConnection:
    """Open a connection (the `async_creator` of an engine)."""
    return InlineConnection(database, busy_timeout_ms=busy_timeout_ms, uri=uri)


def open_sqlite3(database: str, *, busy_timeout_ms: int) -> sqlite3.Connection:
    """A sqlite3 connection for a synchronous engine used on the loop thread (see
    InlineSession). isolation_level "" keeps sqlite3's legacy transaction handling, as in
    InlineConnection; check_same_thread is off for the same reason."""
    return sqlite3.connect(database, timeout=busy_timeout_ms / 1000, isolation_level="",
                           check_same_thread=False)


class InlineSession:
    """The part of AsyncSession's API this project uses, over a synchronous Session.

    On SQLite every statement runs on the event loop thread anyway, so the asyncio layer
    of SQLAlchemy (a greenlet switch per call, the async adapters, the driver shim) does
    nothing but cost: measured, an empty transaction took 181 µs through AsyncSession and
    64 µs through Session, and five indexed reads 541 µs against 286 µs. The methods are
    coroutines, as AsyncSession's are, so the same code runs on both backends (and the
    PostgreSQL run of the tests catches a lazy load that only SQLite would allow).
    """

    __slots__ = ("sync_session",)

    def __init__(self, sync_session: Any) -> None:
        self.sync_session = sync_session

    @property
    def bind(self) -> Any:
        return self.sync_session.bind

    async def execute(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return self.sync_session.execute(statement, params, **kwargs)

    async def scalar(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return self.sync_session.scalar(statement, params, **kwargs)

    async def scalars(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return self.sync_session.scalars(statement, params, **kwargs)

    async def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        return self.sync_session.get(entity, ident, **kwargs)

    def add(self, instance: Any) -> None:
        self.sync_session.add(instance)

    def add_all(self, instances: Iterable[Any]) -> None:
        self.sync_session.add_all(instances)

    async def delete(self, instance: Any) -> None:
        self.sync_session.delete(instance)

    async def flush(self, objects: Any = None) -> None:
        self.sync_session.flush(objects)

    async def refresh(self, instance: Any, attribute_names: Any = None, **kwargs: Any) -> None:
        self.sync_session.refresh(instance, attribute_names, **kwargs)

    async def stream(self, statement: Any, params: Any = None, **kwargs: Any) -> _AsyncRows:
        return _AsyncRows(self.sync_session.execute(statement, params, **kwargs))

    def expunge(self, instance: Any) -> None:
        self.sync_session.expunge(instance)

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
