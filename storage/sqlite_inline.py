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
        """Open a write transaction now; False (nothing opened) while another connection
        holds SQLite's write lock. Needs a zero busy timeout to return at once."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
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
