"""Engines and sessions for both backends.

Four ways in, one for each kind of work:

- `transaction()`: a session in one read-write transaction, committed on success. Every
  change goes through it, and so do reads that a change depends on, except:
- `autocommit()`: prepared statements that each commit on their own, for writes that
  stand alone and check what they change (a resident's draft, written back only if its
  version is the one read). On PostgreSQL that saves BEGIN and COMMIT, two of the three
  round trips of a one-statement transaction.
- `sessions()`: read-only sessions for quick queries that change nothing (a person's
  language, a case, the catalogue, a list of ten reports).
- `report_sessions()`: read-only sessions for the heavy reporting queries (figures,
  bulletins, exports over months of cases).

PostgreSQL serves them all from one asyncpg engine. `transaction()` and `sessions()` hand
out a `storage.pg_session.PgSession`: a pooled connection on which prepared statements run
directly, with an ORM session bound to it made only when the code first uses the ORM (a
one-statement transaction: 1,580 µs of CPU through AsyncSession, 530 µs now). Quick reads
run their prepared statements without BEGIN and ROLLBACK, and anything else they do runs
in a READ ONLY transaction. `report_sessions()` are plain AsyncSessions.

SQLite (the embedded default, one process) gets three engines on the same file:

- the writer runs statements on the event loop thread (`storage.sqlite_inline`). Writers
  queue on an asyncio lock, and each transaction starts with `BEGIN IMMEDIATE` under a zero
  busy timeout, retried asynchronously while another process (an import, a migration)
  holds the write lock, so no statement ever waits inside the loop. One held connection
  serves them all, and a transaction makes its ORM session only when it first uses the
  ORM (prepared statements, `storage.prepared`, need none);
- quick readers run on the loop thread too: in WAL mode a reader never waits for a writer,
  and an indexed lookup takes microseconds, where a round trip to a helper thread costs
  about a millisecond of CPU (measured: 1.2 ms per one-query session through aiosqlite,
  most of it thread hand-offs);
- reporting readers use aiosqlite's thread, so a long query (a month's bulletin over a big
  table) never holds up the loop.

Both readers set `PRAGMA query_only`, so a write there fails loudly instead of racing the
writer. WAL mode lets the readers and the writer work at the same time.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TypeVar

from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from storage import sqlite_inline
from storage.pg_session import PgSession

T = TypeVar("T")
log = logging.getLogger(__name__)

# How long a writer keeps retrying while another process holds SQLite's write lock.
LOCK_WAIT_SECONDS = 30.0
# The longest a quick reader on the loop thread may wait for SQLite (see create_inline_engine).
READER_BUSY_MS = 100
# A PostgreSQL connection idle for longer than this is pinged before use (_check_on_checkout).
IDLE_PING_SECONDS = 10.0


# At most this many values in one IN list (asyncpg takes 32,767 bind parameters).
IN_CHUNK = 500


def chunks(values: Sequence[T], size: int = IN_CHUNK) -> list[Sequence[T]]:
    """`values` cut into pieces of at most `size`, for bounded IN lists."""
    return [values[i:i + size] for i in range(0, len(values), size)]


class NotWalError(RuntimeError):
    """SQLite refused write-ahead logging, which the concurrency design needs."""


class DatabaseLocked(RuntimeError):
    """Another process held SQLite's write lock for longer than LOCK_WAIT_SECONDS."""


def _sqlite_pragmas(engine: AsyncEngine | Engine, *extra: str) -> None:
    @event.listens_for(getattr(engine, "sync_engine", engine), "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        mode = cursor.fetchone()[0]
        if str(mode).lower() not in ("wal", "memory"):
            # Without WAL a reader blocks the writer's commit, which runs with a zero busy
            # timeout on the loop: refuse rather than fail at random under load.
            cursor.close()
            raise NotWalError(f"SQLite would not switch to WAL mode (it stays in {mode} "
                              "mode; a network filesystem?): put the database on a local disk")
        for pragma in ("PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL", *extra):
            cursor.execute(pragma)
        cursor.close()


PG_POOL_SIZE = 20


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """The async engine: asyncpg; on SQLite, aiosqlite's helper thread (migrations, health
    checks and reports use it; `transaction()` and `sessions()` have their own, see
    Database)."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        _sqlite_pragmas(engine, "PRAGMA busy_timeout=30000")
        return engine
    # Twenty connections, all kept: each holds its prepared statements (about thirty), so an
    # "overflow" connection, closed after every burst and opened again for the next, would
    # reconnect and prepare them all anew. Measured in the intake benchmark (60 residents at
    # once): with 10 kept + 10 overflow, 42 connections and 1,062 PREPAREs for 181 reports;
    # with 20 kept, 21 and 648 (each statement once per connection), and about a quarter
    # less CPU per update. Beyond twenty, work waits for a connection (for milliseconds).
    engine = create_async_engine(url, echo=echo, pool_size=PG_POOL_SIZE, max_overflow=0)
    _check_on_checkout(engine)
    return engine


def _check_on_checkout(engine: AsyncEngine) -> None:
    """Hand out only live PostgreSQL connections, at almost no cost per checkout.

    SQLAlchemy's `pool_pre_ping` pings on every checkout, and through asyncpg a ping outside
    a transaction is three round trips (BEGIN, `;`, ROLLBACK): on the intake path that was
    three of every eight round trips to the server. Instead:

    - a connection the server closed (a restart, an administrator's terminate) is seen
      without a round trip: asyncpg marks it closed as soon as the socket drops;
    - a connection idle for longer than IDLE_PING_SECONDS (where a firewall may have dropped
      it silently) is pinged first.

    Either way a dead connection is replaced before use (DisconnectionError makes the pool
    connect afresh). What remains uncovered is a connection lost silently within the last
    IDLE_PING_SECONDS: its first statement fails, SQLAlchemy then recycles the whole pool.
    """
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "checkin")
    def _idle_since(_dbapi_conn, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _check(dbapi_conn, record, _proxy) -> None:
        if record.driver_connection.is_closed():
            raise DisconnectionError("the server closed the connection")
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since > IDLE_PING_SECONDS:
            try:
                dbapi_conn.ping()
            except Exception as exc:  # whatever the driver raises, the connection is gone
                raise DisconnectionError(str(exc)) from exc


def _sqlite_path(url: str) -> str:
    return make_url(url).database or ":memory:"


def create_inline_engine(url: str, *, read_only: bool, echo: bool = False) -> Engine:
    """SQLite for `transaction()` (the writer) or `sessions()` (quick reads): a synchronous
    engine whose statements run on the loop thread (see sqlite_inline.InlineSession)."""
    path = _sqlite_path(url)
    # The writer never waits inside SQLite (BEGIN IMMEDIATE is retried asynchronously, see
    # _begin_immediate_raw); a reader waits only in rare moments (another process recovering
    # the WAL after a crash): a short, bounded wait then, never one behind a writer.
    busy_ms = READER_BUSY_MS if read_only else 0
    engine = create_sync_engine(
        "sqlite://", echo=echo, poolclass=QueuePool,
        creator=lambda: sqlite_inline.open_sqlite3(path, busy_timeout_ms=busy_ms),
        # Writers take turns on the asyncio lock, so one or two connections are plenty.
        pool_size=2, max_overflow=8 if read_only else 4)
    _sqlite_pragmas(engine, *(["PRAGMA query_only=ON"] if read_only else []))
    return engine


def create_report_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """SQLite's read-only engine for reporting (aiosqlite, one helper thread per
    connection)."""
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
    _sqlite_pragmas(engine, "PRAGMA busy_timeout=30000", "PRAGMA query_only=ON")
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (handlers render after committing)."""
    return async_sessionmaker(engine, expire_on_commit=False)


class Database:
    """The engines plus their session factories; one per process."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = create_engine(url, echo=echo)
        sqlite = url.startswith("sqlite")
        self.report_engine = create_report_engine(url, echo=echo) if sqlite else self.engine
        self.report_sessions = session_factory(self.report_engine)
        self._sessions = session_factory(self.engine)  # PostgreSQL's sessions of every kind
        # SQLite: synchronous sessions on the loop thread for transaction() and sessions().
        self._inline_engines: list[Engine] = []
        if sqlite:
            writer = create_inline_engine(url, read_only=False, echo=echo)
            reader = create_inline_engine(url, read_only=True, echo=echo)
            self._inline_engines = [writer, reader]
            self._writer_engine = writer
            self._writer_connection: Connection | None = None
            self._inline_reader = sessionmaker(reader, expire_on_commit=False)
        # SQLite has one writer at a time: in this process writers queue here (and never
        # inside SQLite, which would block the loop); other processes are waited for in
        # `begin_immediate`.
        self._write_lock = asyncio.Lock() if sqlite else None

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def sessions(self) -> AsyncIterator[AsyncSession]:
        """A read-only session for quick queries."""
        if self._write_lock is None:
            session = await PgSession.open(self.engine, self._sessions, read_only=True)
            try:
                yield session  # type: ignore[misc]
            finally:
                await session.close()
            return
        with self._inline_reader() as session:
            yield sqlite_inline.InlineSession(session)  # type: ignore[misc]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        if self._write_lock is None:
            session = await PgSession.open(self.engine, self._sessions)
            try:
                yield session  # type: ignore[misc]
                await session.end(commit=True)
            except BaseException:
                await session.end(commit=False)
                raise
            finally:
                await session.close()
            return
        async with self._write_lock:
            connection = self._writer()
            raw = connection.connection.driver_connection
            if raw.in_transaction:  # never join what an earlier writer left behind
                log.error("SQLite's writer connection was left in a transaction: rolled back")
                raw.rollback()
            await _begin_immediate_raw(raw)
            session = sqlite_inline.InlineSession(connection=connection)
            try:
                yield session  # type: ignore[misc]
                session.end(commit=True)
            except BaseException:
                session.end(commit=False)
                raise
            finally:
                session.close()

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[AsyncSession]:
        """A session whose prepared statements (storage.prepared) each commit on their own.

        For use cases whose every write stands alone and checks what it changes, such as a
        resident's draft, written back only if its version is still the one read
        (dispatch.reports.DraftChanged). On PostgreSQL a statement is then one round trip,
        without BEGIN and COMMIT (two more, about half the database CPU of a resident's
        message); the ORM is refused. SQLite runs the session as one `transaction()`: there
        BEGIN and COMMIT cost no round trip, and the writer is alone anyway."""
        if self._write_lock is None:
            session = await PgSession.open(self.engine, self._sessions, autocommit=True)
            try:
                yield session  # type: ignore[misc]
            finally:
                await session.close()
            return
        async with self.transaction() as session:
            yield session

    def _writer(self) -> Connection:
        """SQLite's writer connection, held open: writers take turns on the write lock, so
        one connection serves them all without the pool's checkout and reset on return
        (with the session made on first use, a one-statement transaction went from 280 to
        47 µs). A connection that failed for good is replaced."""
        connection = self._writer_connection
        if connection is None or connection.closed or connection.invalidated:
            if connection is not None:
                connection.close()
            connection = self._writer_connection = self._writer_engine.connect()
        return connection

    async def dispose(self) -> None:
        """Close every pooled connection."""
        if self._write_lock is not None:
            async with self._write_lock:  # after the writer in flight
                if self._writer_connection is not None:
                    self._writer_connection.close()
                    self._writer_connection = None
        await self.engine.dispose()
        if self.report_engine is not self.engine:
            await self.report_engine.dispose()
        for engine in self._inline_engines:
            engine.dispose()


async def begin_immediate(connection: AsyncConnection) -> None:
    """Take SQLite's write lock at the start of `connection`'s transaction (a migration:
    all or nothing, waiting in aiosqlite's thread while another process writes); no-op on
    other backends."""
    if connection.dialect.name != "sqlite":
        return
    raw = (await connection.get_raw_connection()).driver_connection
    if not raw.in_transaction:
        await connection.exec_driver_sql("BEGIN IMMEDIATE")


async def _begin_immediate_raw(raw: sqlite3.Connection) -> None:
    """Take SQLite's write lock for an inline session, waiting asynchronously (never inside
    SQLite, which would block the loop) while another process holds it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LOCK_WAIT_SECONDS
    delay = 0.002
    while not sqlite_inline.try_begin_immediate(raw):
        if loop.time() >= deadline:
            raise DatabaseLocked(
                f"another process held the database's write lock for {LOCK_WAIT_SECONDS:.0f} s")
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.1)
