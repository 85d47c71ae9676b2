"""The three ways into the database: writers take turns, readers never write, and SQLite's
writer waits for another process without ever blocking the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date

import pytest
from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from storage import db as db_module
from storage.counters import next_case_number
from storage.db import PG_POOL_SIZE, Database, DatabaseLocked
from storage.models import CaseNumberCounter, Person
from storage.prepared import Prepared
from tests.test_storage.pg_admin import admin_fetch, terminate_backend


async def test_concurrent_writers_all_land(db: Database) -> None:
    async def bump(i: int) -> str:
        async with db.transaction() as session:
            return await next_case_number(session, date(2026, 2, 16))

    numbers = await asyncio.gather(*(bump(i) for i in range(60)))
    assert sorted(numbers) == [f"20260216-{n:04d}" for n in range(1, 61)]
    async with db.sessions() as session:
        last = await session.scalar(select(CaseNumberCounter.last))
    assert last == 60


async def test_a_failed_transaction_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            session.add(Person(telegram_id=1, name="甲"))
            await session.flush()
            raise RuntimeError("boom")
    for sessions in (db.sessions, db.report_sessions):
        async with sessions() as session:
            assert await session.scalar(select(func.count(Person.id))) == 0


async def test_readers_see_commits_and_refuse_writes(db: Database) -> None:
    async with db.transaction() as session:
        session.add(Person(telegram_id=2, name="乙"))
    rename = Prepared(update(Person.__table__).values(name="丁", updated_at=func.now()))
    for sessions in (db.sessions, db.report_sessions):
        async with sessions() as session:
            assert await session.scalar(select(Person.name).where(Person.telegram_id == 2)) == "乙"
            if db.dialect == "sqlite":
                with pytest.raises(OperationalError, match="readonly|read-only|query_only"):
                    await session.execute(update(Person).values(name="丙"))
    async with db.sessions() as session:  # quick readers refuse writes on both backends
        with pytest.raises(DBAPIError, match="readonly|read-only|query_only"):
            await rename.run(session)
    async with db.sessions() as session:
        with pytest.raises(DBAPIError, match="readonly|read-only|query_only"):
            await session.execute(update(Person).values(name="丙"))
    if db.dialect == "postgresql":  # the reader's connection went back to the pool writable
        async with db.sessions() as session:
            reader = await Prepared(select(func.pg_backend_pid())).scalar(session)
        assert db.engine.sync_engine.pool.checkedout() == 0
        async with db.transaction() as session:
            assert await Prepared(select(func.pg_backend_pid())).scalar(session) == reader
            assert await session.scalar(text("SHOW transaction_read_only")) == "off"
    async with db.transaction() as session:
        assert await rename.run(session) == 1
    async with db.sessions() as session:
        assert await session.scalar(select(Person.name)) == "丁"


async def test_autocommit_statements_stand_alone(db: Database) -> None:
    """Each statement of an autocommit session commits by itself on PostgreSQL (seen by
    others at once, kept when a later one fails); SQLite runs the session as one
    transaction. Either way what committed stays, and the ORM is PostgreSQL-refused."""
    async with db.transaction() as session:
        session.add(Person(telegram_id=3, name="甲"))
    rename = Prepared(update(Person.__table__).where(Person.telegram_id == bindparam("who"))
                      .values(name=bindparam("new_name"), updated_at=func.now()))
    name_of = Prepared(select(Person.name).where(Person.telegram_id == 3))
    async with db.autocommit() as session:
        assert await rename.run(session, {"who": 3, "new_name": "乙"}) == 1
        assert await rename.run(session, {"who": 99, "new_name": "无"}) == 0
        if db.dialect == "postgresql":
            async with db.sessions() as other:  # committed already, before the session ends
                assert await name_of.scalar(other) == "乙"
            with pytest.raises(TypeError, match="transaction"):
                await session.execute(select(Person))
    async with db.sessions() as session:
        assert await name_of.scalar(session) == "乙"
    if db.dialect == "postgresql":
        assert db.engine.sync_engine.pool.checkedout() == 0
        xact = Prepared(select(func.pg_current_xact_id()))
        async with db.autocommit() as session:  # a transaction per statement
            assert await xact.scalar(session) != await xact.scalar(session)
        async with db.transaction() as session:  # and transaction() is one transaction again
            assert await xact.scalar(session) == await xact.scalar(session)


async def test_a_quick_read_does_not_wait_for_an_open_write(db: Database) -> None:
    async with db.transaction() as writer:
        writer.add(Person(telegram_id=3, name="丁"))
        await writer.flush()
        async with db.sessions() as reader:  # WAL: the reader sees the last commit
            assert await reader.scalar(select(func.count(Person.id))) == 0
    async with db.sessions() as reader:
        assert await reader.scalar(select(func.count(Person.id))) == 1


def _path(db: Database) -> str:
    return make_url(db.url).database


async def test_sqlite_writer_waits_for_another_process_without_blocking_the_loop(
        db: Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("SQLite's file lock")
    other = sqlite3.connect(_path(db), isolation_level=None)  # as another process would
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def write() -> None:
        async with db.transaction() as session:
            session.add(Person(telegram_id=4, name="戊"))

    tick_task = asyncio.create_task(ticker())
    writer = asyncio.create_task(write())
    await asyncio.sleep(0.3)
    assert not writer.done()  # still waiting for the lock...
    assert ticks >= 10  # ...while the loop kept running
    other.execute("COMMIT")
    await asyncio.wait_for(writer, timeout=5)
    tick_task.cancel()
    other.close()
    async with db.sessions() as session:
        assert await session.scalar(select(Person.name).where(Person.telegram_id == 4)) == "戊"


async def test_sqlite_writer_gives_up_after_the_lock_wait(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    if db.dialect != "sqlite":
        pytest.skip("SQLite's file lock")
    monkeypatch.setattr(db_module, "LOCK_WAIT_SECONDS", 0.2)
    other = sqlite3.connect(_path(db), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseLocked):
            async with db.transaction() as session:
                session.add(Person(telegram_id=5, name="己"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    # The lock is free again and the writer works (nothing was left half open).
    async with db.transaction() as session:
        session.add(Person(telegram_id=5, name="己"))
    async with db.sessions() as session:
        assert await session.scalar(select(func.count(Person.id))) == 1


async def test_every_session_streams_rows(db: Database) -> None:
    async with db.transaction() as session:
        session.add_all([Person(telegram_id=10 + i, name=f"人{i}") for i in range(5)])
    for sessions in (db.sessions, db.report_sessions):
        async with sessions() as session:
            result = await session.stream(select(Person.telegram_id).order_by(Person.id))
            assert [row[0] async for row in result] == [10, 11, 12, 13, 14]


async def _backend_pid(db: Database) -> int:
    async with db.transaction() as session:
        return await session.scalar(select(func.pg_backend_pid()))


async def test_a_connection_the_server_closed_is_replaced_unseen(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL's connection pool")
    first = await _backend_pid(db)
    assert await terminate_backend(db, first)  # an administrator ends our idle connection
    assert await _backend_pid(db) != first  # no error: a fresh connection took its place


async def test_an_idle_connection_is_pinged_before_use(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL's connection pool")
    first = await _backend_pid(db)
    # A connection lost silently (no end of socket reached asyncpg, as behind a firewall
    # that dropped it): only a ping tells. Idle connections are pinged, busy ones are not.
    pings: list[int] = []
    adapter = AsyncAdapt_asyncpg_connection
    real_ping = adapter.ping

    def failing_ping(self) -> None:
        pings.append(1)
        raise OSError("connection timed out")

    monkeypatch.setattr(adapter, "ping", failing_ping)
    await _backend_pid(db)
    assert pings == []  # used a moment ago: no ping
    monkeypatch.setattr(db_module, "IDLE_PING_SECONDS", 0.0)
    monkeypatch.setattr(adapter, "ping", lambda self: (pings.append(1), real_ping(self))[1])
    await _backend_pid(db)
    assert pings  # idle for longer than IDLE_PING_SECONDS: pinged first
    monkeypatch.setattr(adapter, "ping", failing_ping)
    pings.clear()
    assert await _backend_pid(db) != first  # the ping failed: replaced, no error
    assert pings


async def test_sqlites_writer_connection_is_replaced_after_it_failed(db: Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("SQLite's writer connection")
    async with db.transaction() as session:
        session.add(Person(telegram_id=1, name="甲"))
    held = db._writer()
    held.invalidate()  # as SQLAlchemy does after a disconnect-class error
    async with db.transaction() as session:
        session.add(Person(telegram_id=2, name="乙"))
    assert db._writer() is not held
    async with db.sessions() as session:
        assert await session.scalar(select(func.count(Person.id))) == 2


async def test_sqlites_writer_never_joins_a_transaction_left_open(db: Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("SQLite's writer connection")
    raw = db._writer().connection.driver_connection
    raw.execute("BEGIN IMMEDIATE")  # as if a failed rollback had left this behind
    raw.execute("INSERT INTO people (telegram_id, name, created_at, updated_at) "
                "VALUES (1, '残留', '2026-01-01', '2026-01-01')")
    async with db.transaction() as session:
        session.add(Person(telegram_id=2, name="乙"))
    async with db.sessions() as session:
        names = (await session.execute(select(Person.name))).scalars().all()
    assert names == ["乙"]


async def _open_transactions(db: Database) -> list[str]:
    """The states of this database's other server connections still inside a transaction."""
    rows = await admin_fetch(
        db, "SELECT state FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'")
    return [row["state"] for row in rows]


async def test_postgresql_sessions_give_every_connection_back_clean(db: Database) -> None:
    """Transactions of prepared statements, of the ORM, of both, failed, cancelled, and reads:
    each ends its transaction on the server and returns its connection to the pool, also
    when many more run at once than the pool has connections (they wait their turn)."""
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL's connection pool")
    people = Person.__table__
    lookup = Prepared(select(people.c.name).where(people.c.telegram_id == bindparam("tid")))
    backend = Prepared(select(func.pg_backend_pid()))
    backends: set[int] = set()

    async def writer(i: int) -> None:
        async with db.transaction() as session:
            backends.add(await backend.scalar(session))
            if i % 3 != 1:  # prepared first, then (for some) the ORM
                assert await lookup.first(session, {"tid": i}) is None
            if i % 3 != 0:
                session.add(Person(telegram_id=i, name=f"人{i}"))
                await asyncio.sleep(0.01)  # hold the connection while the others come
            else:
                await asyncio.sleep(0.01)

    async def reader(i: int) -> None:
        async with db.sessions() as session:
            await lookup.first(session, {"tid": i})
            backends.add(await backend.scalar(session))
            await asyncio.sleep(0.01)

    async def failing(i: int) -> None:
        with pytest.raises(RuntimeError):
            async with db.transaction() as session:
                await lookup.first(session, {"tid": i})
                raise RuntimeError("boom")

    async def cancelled(i: int) -> None:  # cancelled while the server works for it
        async def slow() -> None:
            async with db.transaction() as session:
                await Prepared(select(func.pg_sleep(5))).all(session)

        with pytest.raises(TimeoutError):
            await asyncio.wait_for(slow(), timeout=0.05)

    await asyncio.gather(*(work(i) for i in range(30)
                           for work in (writer, reader, failing, cancelled)))
    pool = db.engine.sync_engine.pool
    assert pool.checkedout() == 0
    # The same connections served everyone (none opened for a burst and closed after it).
    assert len(backends) <= PG_POOL_SIZE and pool.checkedin() == len(backends)
    assert await _open_transactions(db) == []
    async with db.sessions() as session:
        names = set((await session.execute(select(Person.name))).scalars())
    assert names == {f"人{i}" for i in range(30) if i % 3 != 0}


async def test_a_postgresql_connection_lost_mid_orm_transaction_is_replaced(
        db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL's connection pool")
    with pytest.raises(DBAPIError) as raised:
        async with db.transaction() as session:
            session.add(Person(telegram_id=1, name="甲"))
            pid = await session.scalar(select(func.pg_backend_pid()))  # autoflushed
            await terminate_backend(db, pid)
            session.add(Person(telegram_id=2, name="乙"))
    assert raised.value.connection_invalidated
    assert db.engine.sync_engine.pool.checkedout() == 0
    async with db.transaction() as session:  # a live connection; nothing of the lost one
        assert await session.scalar(select(func.pg_backend_pid())) != pid
        assert await session.scalar(select(func.count(Person.id))) == 0
