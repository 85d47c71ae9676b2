"""The migrations build the schema the models describe, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from storage.db import Database
from storage.migrate import current_revision, head_revision, is_up_to_date, upgrade
from storage.models import Base, Case, Event


async def test_fresh_database_is_not_up_to_date_until_upgraded(empty_db_url: str) -> None:
    db = Database(empty_db_url)
    try:
        assert await current_revision(db) is None
        assert not await is_up_to_date(db)
        await upgrade(db)
        assert await current_revision(db) == head_revision()
        await upgrade(db)  # a second upgrade is a no-op
        assert await is_up_to_date(db)
    finally:
        await db.dispose()


async def test_migrations_match_models(db: Database) -> None:
    def diff(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with db.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []


async def test_times_round_trip_as_aware_utc(db: Database) -> None:
    shanghai = timezone(timedelta(hours=8))
    local = datetime(2026, 2, 16, 23, 30, tzinfo=shanghai)
    async with db.transaction() as session:
        case = Case(number="20260216-0001", category="fireworks", created_at=local)
        session.add(case)
        await session.flush()
        session.add(Event(case_id=case.id, kind="created", at=local, data={"k": "除夕"}))
    async with db.sessions() as session:
        stored = (await session.execute(select(Case))).scalar_one()
        event = (await session.execute(select(Event))).scalar_one()
    assert stored.created_at == local
    assert stored.created_at.tzinfo is not None and stored.created_at.utcoffset() == timedelta(0)
    assert stored.created_at.hour == 15
    assert event.data == {"k": "除夕"}


async def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with db.transaction() as session:
            session.add(Case(number="x", category="dust", created_at=datetime(2026, 1, 1)))
    async with db.sessions() as session:
        assert (await session.execute(select(Case))).first() is None
    assert datetime.now(UTC).tzinfo is UTC


async def test_case_numbers_are_unique_per_day_and_restart_each_day(db: Database) -> None:
    from datetime import date

    from storage.counters import next_case_number

    async with db.transaction() as session:
        first = await next_case_number(session, date(2026, 2, 16))
        second = await next_case_number(session, date(2026, 2, 16))
        other_day = await next_case_number(session, date(2026, 2, 17))
    assert (first, second, other_day) == ("20260216-0001", "20260216-0002", "20260217-0001")


async def test_concurrent_case_numbers_never_collide(db: Database) -> None:
    import asyncio
    from datetime import date

    from storage.counters import next_case_number

    async def one() -> str:
        async with db.transaction() as session:
            return await next_case_number(session, date(2027, 2, 5))

    numbers = await asyncio.gather(*(one() for _ in range(20)))
    assert sorted(numbers) == [f"20270205-{i:04d}" for i in range(1, 21)]
