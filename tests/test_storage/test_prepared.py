"""Prepared statements give what session.execute gives, in the session's own transaction."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError

from dispatch.cases import OPEN_STATES
from storage.db import Database
from storage.models import Case, Person
from storage.prepared import Prepared
from tests.test_storage.pg_admin import terminate_backend

PEOPLE = Person.__table__
AT = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)

_PERSON = select(PEOPLE.c.id, PEOPLE.c.name, PEOPLE.c.pending, PEOPLE.c.pending_until,
                 PEOPLE.c.created_at).where(PEOPLE.c.telegram_id == bindparam("tid"))
_ADD = insert(PEOPLE).values(telegram_id=bindparam("tid"), name=bindparam("name"),
                             pending=bindparam("pending"), pending_until=bindparam("until"),
                             created_at=bindparam("at"), updated_at=bindparam("at"),
                             ).returning(PEOPLE.c.id)
_RENAME = update(PEOPLE).where(PEOPLE.c.telegram_id > bindparam("above")).values(
    name=bindparam("name"), updated_at=bindparam("at"))
_OPEN = select(func.count()).select_from(Case).where(Case.state.in_(OPEN_STATES))


async def test_rows_and_types_match_session_execute(db: Database) -> None:
    until = AT + timedelta(minutes=30)
    async with db.transaction() as session:
        new_id = await Prepared(_ADD).scalar(session, {
            "tid": 7, "name": "张三", "pending": {"kind": "arrival", "case_id": 3},
            "until": until, "at": AT})
        row = await Prepared(_PERSON).first(session, {"tid": 7})
        expected = (await session.execute(_PERSON, {"tid": 7})).one()
    assert row.id == new_id
    assert tuple(row) == tuple(expected)
    assert row.pending == {"kind": "arrival", "case_id": 3}
    assert row.pending_until == until and row.pending_until.tzinfo is not None
    assert row.created_at == AT
    for sessions in (db.sessions, db.report_sessions):  # every way in
        async with sessions() as session:
            assert await Prepared(_PERSON).first(session, {"tid": 8}) is None
            again = await Prepared(_PERSON).first(session, {"tid": 7})
            assert tuple(again) == tuple(expected) and again.name == "张三"
            assert await Prepared(_PERSON).scalar(session, {"tid": 7}) == new_id


async def test_json_none_and_fixed_in_lists(db: Database) -> None:
    async with db.transaction() as session:
        await Prepared(_ADD).run(session, {"tid": 9, "name": "李四", "pending": None,
                                           "until": None, "at": AT})
        row = await Prepared(_PERSON).first(session, {"tid": 9})
        assert row.pending_until is None
        assert row.pending == (await session.execute(_PERSON, {"tid": 9})).one().pending
        assert await Prepared(_OPEN).scalar(session) == 0


async def test_rowcount_and_autoflush(db: Database) -> None:
    async with db.transaction() as session:
        session.add_all([Person(telegram_id=20 + i, name=f"人{i}") for i in range(3)])
        # Not yet flushed: the prepared statement flushes first, as session.execute does.
        assert await Prepared(_RENAME).run(session, {"above": 20, "name": "改", "at": AT}) == 2
    async with db.sessions() as session:
        names = (await session.execute(select(Person.name).order_by(Person.telegram_id))).all()
    assert [n for (n,) in names] == ["人0", "改", "改"]


async def test_no_autoflush_holds_pending_changes_back_until_the_next_flush(
        db: Database) -> None:
    async with db.transaction() as session:
        session.add(Person(telegram_id=30, name="王五"))
        with session.no_autoflush:
            # As for session.execute inside no_autoflush: the pending person is not written.
            assert await Prepared(_PERSON).first(session, {"tid": 30}) is None
            assert await Prepared(_RENAME).run(session, {"above": 29, "name": "改",
                                                         "at": AT}) == 0
        # Outside it, the next statement flushes first again.
        assert (await Prepared(_PERSON).first(session, {"tid": 30})).name == "王五"
    async with db.sessions() as session:
        assert (await Prepared(_PERSON).first(session, {"tid": 30})).name == "王五"


async def test_a_failed_transaction_takes_prepared_writes_with_it(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await Prepared(_ADD).run(session, {"tid": 30, "name": "王五", "pending": None,
                                               "until": None, "at": AT})
            raise RuntimeError("boom")
    async with db.sessions() as session:
        assert await Prepared(_PERSON).first(session, {"tid": 30}) is None


async def test_driver_errors_are_sqlalchemy_errors(db: Database) -> None:
    values = {"tid": 40, "name": "赵六", "pending": None, "until": None, "at": AT}
    async with db.transaction() as session:
        await Prepared(_ADD).run(session, values)
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await Prepared(_ADD).run(session, values)
    with pytest.raises(ArgumentError, match="tid"):
        async with db.sessions() as session:
            await Prepared(_PERSON).first(session, {})
    async with db.transaction() as session:  # the database is fine afterwards
        assert (await Prepared(_PERSON).first(session, {"tid": 40})).name == "赵六"


async def test_in_lists_given_as_parameters(db: Database) -> None:
    async with db.transaction() as session:
        for tid in range(50, 56):
            await Prepared(_ADD).run(session, {"tid": tid, "name": f"人{tid}", "pending": None,
                                               "until": None, "at": AT})
    named = Prepared(select(PEOPLE.c.telegram_id).where(
        PEOPLE.c.telegram_id.in_(bindparam("tids", expanding=True)),
        PEOPLE.c.name.in_(bindparam("names", expanding=True))).order_by(PEOPLE.c.telegram_id))
    async with db.sessions() as session:
        for tids, names, expected in (
                ([50, 51, 52], ["人50", "人52"], [50, 52]),
                ([53, 54], ["人53", "人54", "人55"], [53, 54]),
                ([50, 51, 52], ["人51"], [51]),  # a length seen before, other values
                ([], ["人50"], []),
                (range(50, 56), ["人55"], [55])):
            rows = await named.all(session, {"tids": list(tids), "names": names})
            assert [tid for (tid,) in rows] == expected
        with pytest.raises(ArgumentError, match="names"):
            await named.all(session, {"tids": [50]})


def test_what_it_cannot_run_is_refused_when_compiled(db: Database) -> None:
    relies_on_onupdate = update(PEOPLE).values(name=bindparam("name"))
    with pytest.raises(TypeError, match="updated_at"):
        Prepared(relies_on_onupdate)._plan(db.engine.dialect)


async def test_a_lost_postgresql_connection_is_invalidated(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("PostgreSQL's connections")
    with pytest.raises(DBAPIError) as raised:
        async with db.transaction() as session:
            pid = await Prepared(select(func.pg_backend_pid())).scalar(session)
            await terminate_backend(db, pid)
            await Prepared(_PERSON).first(session, {"tid": 1})
    assert raised.value.connection_invalidated
    assert db.engine.sync_engine.pool.checkedout() == 0  # dropped, not leaked
    async with db.transaction() as session:  # the pool hands out a live connection again
        assert await Prepared(select(func.pg_backend_pid())).scalar(session) != pid


async def test_prepared_and_orm_writes_share_one_transaction(db: Database) -> None:
    add = {"tid": 60, "name": "钱七", "pending": None, "until": None, "at": AT}
    async with db.transaction() as session:
        await Prepared(_ADD).run(session, add)
        # The ORM sees what the prepared statement wrote, in the same transaction.
        assert (await session.scalar(select(Person).where(Person.telegram_id == 60))).name \
            == "钱七"
    # A commit that fails (the flush of an ORM object breaks a constraint) takes the
    # transaction's prepared writes with it.
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await Prepared(_ADD).run(session, add | {"tid": 61})
            session.add(Person(telegram_id=60, name="重复"))  # flushed only at commit
    async with db.transaction() as session:  # and the writer works on afterwards
        assert await Prepared(_PERSON).first(session, {"tid": 61}) is None
        await Prepared(_ADD).run(session, add | {"tid": 62})
    async with db.sessions() as session:
        assert await session.scalar(select(func.count(Person.id))) == 2


async def test_run_many(db: Database) -> None:
    add = Prepared(_ADD)
    async with db.transaction() as session:
        await add.run_many(session, [{"tid": 70 + i, "name": f"人{i}", "pending": {"n": i},
                                      "until": None, "at": AT} for i in range(4)])
        await add.run_many(session, [])
    for sessions in (db.sessions, db.report_sessions):
        async with sessions() as session:
            rows = await Prepared(select(PEOPLE.c.name, PEOPLE.c.pending)
                                  .order_by(PEOPLE.c.telegram_id)).all(session)
            assert [(r.name, r.pending) for r in rows] == [(f"人{i}", {"n": i})
                                                           for i in range(4)]
    with pytest.raises(IntegrityError):  # one bad row fails them all
        async with db.transaction() as session:
            await add.run_many(session, [{"tid": 80, "name": "新", "pending": None,
                                          "until": None, "at": AT},
                                         {"tid": 70, "name": "重复", "pending": None,
                                          "until": None, "at": AT}])
    async with db.sessions() as session:
        assert await Prepared(_PERSON).first(session, {"tid": 80}) is None


async def test_a_cancelled_first_statement_never_poisons_a_connection(db: Database) -> None:
    """Cancelled while its BEGIN or first statement is under way (shutdown cancels tasks),
    a transaction must leave no connection that turns later commits into savepoints."""
    add = {"pending": None, "until": None, "at": AT}

    async def victim() -> None:
        async with db.transaction() as session:
            await Prepared(_PERSON).first(session, {"tid": 1})
            await asyncio.sleep(10)

    for ticks in range(8):  # land the cancellation at each step of the round trips
        task = asyncio.create_task(victim())
        for _ in range(ticks):
            await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        async with db.transaction() as session:
            await Prepared(_ADD).run(session, add | {"tid": 100 + ticks, "name": f"人{ticks}"})
    await db.dispose()  # what was committed must be on disk, not in a forgotten transaction
    fresh = Database(db.url)
    try:
        async with fresh.sessions() as session:
            count = await session.scalar(select(func.count(Person.id)))
    finally:
        await fresh.dispose()
    assert count == 8


async def test_a_default_in_list_can_be_replaced(db: Database) -> None:
    async with db.transaction() as session:
        await Prepared(_ADD).run_many(session, [
            {"tid": tid, "name": f"人{tid}", "pending": None, "until": None, "at": AT}
            for tid in (1, 2, 7, 8)])
    listed = Prepared(select(PEOPLE.c.telegram_id).where(
        PEOPLE.c.telegram_id.in_(bindparam("tids", [1, 2], expanding=True)))
        .order_by(PEOPLE.c.telegram_id))
    async with db.sessions() as session:
        assert [t for (t,) in await listed.all(session)] == [1, 2]
        assert [t for (t,) in await listed.all(session, {"tids": [7, 8, 9]})] == [7, 8]


def test_statements_it_would_run_wrongly_are_refused(db: Database) -> None:
    literal = select(PEOPLE.c.id).where(
        PEOPLE.c.telegram_id == bindparam("tid", literal_execute=True))
    with pytest.raises(TypeError, match="literal_execute"):
        Prepared(literal)._plan(db.engine.dialect)
