"""Records of handled updates (dispatch.replays), on both backends: an update is taken
once, its record stands or falls with the change it came with, and records go after a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dispatch.replays import first_time, forget_old
from dispatch.reports import pending_and_draft
from storage.db import Database

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


async def test_an_update_is_taken_once(db: Database) -> None:
    async with db.transaction() as session:
        assert await first_time(session, 700, NOW) is True
        assert await first_time(session, 700, NOW) is False  # within the same transaction
        assert await first_time(session, None, NOW) is True  # no id: nothing to compare
    async with db.transaction() as session:
        assert await first_time(session, 700, NOW) is False  # handed out again later
        assert await first_time(session, 701, NOW) is True


async def test_the_record_goes_with_the_change(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            assert await first_time(session, 800, NOW)
            raise RuntimeError("the change failed")
    async with db.transaction() as session:  # rolled back with it: taken when it comes again
        assert await first_time(session, 800, NOW) is True


async def test_the_residents_read_sees_the_record(db: Database) -> None:
    async with db.transaction() as session:
        await first_time(session, 900, NOW)
    async with db.sessions() as session:
        assert (await pending_and_draft(session, 42, NOW, 900)).handled is True
        assert (await pending_and_draft(session, 42, NOW, 901)).handled is False
        asking = await pending_and_draft(session, 42, NOW)
        assert (asking.handled, asking.pending, asking.draft) == (False, None, None)


async def test_records_are_kept_a_day(db: Database) -> None:
    async with db.transaction() as session:
        await first_time(session, 1, NOW - timedelta(days=1, minutes=1))
        await first_time(session, 2, NOW - timedelta(hours=23))
    async with db.transaction() as session:
        assert await forget_old(session, NOW) == 1
    async with db.transaction() as session:
        assert await first_time(session, 1, NOW) is True  # forgotten
        assert await first_time(session, 2, NOW) is False  # still known
