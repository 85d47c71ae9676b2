"""Drafts are written only over the version that was read, on both backends: a step that
lost the race to another instance is done again on what is stored, and nothing either
of them wrote is lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.settings import Settings
from dispatch import intake
from dispatch.clock import ManualClock
from dispatch.reports import DraftChanged, Resident, delete_draft, get_draft, save_draft
from handlers.resident import DRAFT_ATTEMPTS, Turn, on_draft, save
from handlers.services import Services
from storage.db import Database

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
TTL = timedelta(hours=2)
RESIDENT = Resident(user_id=501, chat_id=501, name="居民", language="zh")


async def _stored(db: Database) -> dict | None:
    async with db.sessions() as session:
        draft = await get_draft(session, RESIDENT.user_id)
    return draft.data if draft else None


async def test_a_write_over_a_version_not_read_is_refused(db: Database) -> None:
    async with db.autocommit() as session:
        first = await save_draft(session, RESIDENT, {"text": "甲"}, NOW, TTL)
    async with db.autocommit() as session:  # another instance moves the draft on
        second = await save_draft(session, RESIDENT, {"text": "甲乙"}, NOW, TTL, first)
    assert second.version == first.version + 1
    async with db.autocommit() as session:
        with pytest.raises(DraftChanged):  # written from the old version
            await save_draft(session, RESIDENT, {"text": "甲丙"}, NOW, TTL, first)
    async with db.autocommit() as session:
        with pytest.raises(DraftChanged):  # begun while one exists
            await save_draft(session, RESIDENT, {"text": "丁"}, NOW, TTL)
    async with db.autocommit() as session:
        with pytest.raises(DraftChanged):  # dropped from the old version
            await delete_draft(session, first, NOW)
    assert await _stored(db) == {"text": "甲乙"}
    async with db.autocommit() as session:
        await delete_draft(session, second, NOW)
    assert await _stored(db) is None


def _turn(db: Database) -> Turn:
    if db.dialect == "sqlite":  # its autocommit session is one write transaction: another
        pytest.skip("writer cannot come in between (the race needs PostgreSQL)")
    svc = Services(settings=Settings(bot_token=None, sections={}), db=db,
                   clock=ManualClock(NOW))
    return Turn(svc, "zh", RESIDENT, None)


async def test_a_step_that_lost_the_race_is_done_again_on_what_is_stored(db: Database) -> None:
    tn = _turn(db)
    async with db.autocommit() as session:
        await save(session, tn, None, dict(intake.new_draft(NOW), text="河边冒烟"))
    attempts: list[str | None] = []

    async def add_photo(session, draft, data, expired):
        attempts.append(data.get("text"))
        if len(attempts) == 1:  # another instance takes the resident's text meanwhile
            async with db.autocommit() as other:
                theirs = dict(data, text="河边冒烟\n烟很大")
                await save_draft(other, RESIDENT, theirs, NOW, TTL, draft)
        data["photos"] = [{"file_id": "p1"}]
        await save(session, tn, draft, data)
        return None

    await on_draft(tn, add_photo)
    assert attempts == ["河边冒烟", "河边冒烟\n烟很大"]  # the second attempt saw their text
    stored = await _stored(db)
    assert stored["text"] == "河边冒烟\n烟很大" and stored["photos"] == [{"file_id": "p1"}]


async def test_a_draft_that_keeps_changing_gives_up_without_writing(db: Database) -> None:
    tn = _turn(db)
    async with db.autocommit() as session:
        await save(session, tn, None, dict(intake.new_draft(NOW), text="0"))
    calls = 0

    async def always_late(session, draft, data, expired):
        nonlocal calls
        calls += 1
        async with db.autocommit() as other:
            await save_draft(other, RESIDENT, dict(data, text=str(calls)), NOW, TTL, draft)
        await save(session, tn, draft, dict(data, text="mine"))

    with pytest.raises(DraftChanged):
        await on_draft(tn, always_late)
    assert calls == DRAFT_ATTEMPTS
    assert (await _stored(db))["text"] == str(DRAFT_ATTEMPTS)  # only the others' writes


@pytest.mark.parametrize("before", ["a draft", "none"])
async def test_a_draft_read_before_a_download_is_read_again_if_it_changed(
        db: Database, before: str) -> None:
    # The photo step reads the draft, downloads the picture, then adds it to the draft as
    # read (no second read); another instance wrote the draft during the download.
    svc = Services(settings=Settings(bot_token=None, sections={}), db=db,
                   clock=ManualClock(NOW))
    tn = Turn(svc, "zh", RESIDENT, None)
    read = None
    if before == "a draft":
        async with db.autocommit() as session:
            read = await save(session, tn, None, dict(intake.new_draft(NOW), text="冒烟"))
    async with db.autocommit() as other:  # meanwhile
        await save_draft(other, RESIDENT, dict(intake.new_draft(NOW), text="冒烟\n很大"), NOW,
                         TTL, read)
    seen: list[str | None] = []

    async def add_photo(session, draft, data, expired):
        seen.append(data.get("text"))
        data["photos"] = [{"file_id": "p1"}]
        await save(session, tn, draft, data)

    await on_draft(tn, add_photo, read=read)
    assert seen == [read.data["text"] if read else None, "冒烟\n很大"]  # redone on theirs
    stored = await _stored(db)
    assert stored["text"] == "冒烟\n很大" and stored["photos"] == [{"file_id": "p1"}]
