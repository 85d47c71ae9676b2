"""Outbox delivery against the emulator: every queued message goes out once, in order per
chat, and is recorded as sent, even when recording has to wait for the database."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from telegram import Bot

from bot.delivery import OutboxWorker
from bot.emulator import BotApiEmulator, TgUser
from bot.http import AiohttpRequest
from dispatch.outbox import Outgoing, enqueue
from storage import db as db_module
from storage.db import Database
from storage.models import OutboxMessage

ALICE, BOB = TgUser(1001, "Alice"), TgUser(1002, "Bob")


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(emu.token, base_url=f"{emu.url}/bot", base_file_url=f"{emu.url}/file/bot",
                   request=AiohttpRequest(8)) as client:
        yield client


async def _queue(db: Database, messages: list[tuple[int, str]]) -> None:
    async with db.transaction() as session:
        for chat_id, text in messages:
            await enqueue(session, Outgoing(chat_id, "sendMessage", {"text": text}))


async def _rows(db: Database) -> list[OutboxMessage]:
    async with db.sessions() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id)))
                    .scalars())


async def _delivered(worker: OutboxWorker, count: int, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while worker.delivered < count:
        assert loop.time() < deadline, f"only {worker.delivered} of {count} delivered"
        await asyncio.sleep(0.02)


async def test_each_message_goes_out_once_in_order_and_is_recorded(
        emu: BotApiEmulator, bot: Bot, db: Database) -> None:
    emu.add_chat(ALICE)
    emu.add_chat(BOB)
    await _queue(db, [(ALICE.id, "a1"), (BOB.id, "b1"), (ALICE.id, "a2"), (ALICE.id, "a3")])
    worker = OutboxWorker(bot, db, idle=0.05)
    worker.start()
    try:
        await _delivered(worker, 4)
    finally:
        await worker.stop()
    assert [m["text"] for m in emu.sent(ALICE.id)] == ["a1", "a2", "a3"]
    assert [m["text"] for m in emu.sent(BOB.id)] == ["b1"]
    rows = await _rows(db)
    assert {r.state for r in rows} == {"sent"}
    sent_ids = {m["text"]: m["message_id"] for m in emu.sent()}
    assert {r.payload["text"]: r.telegram_message_id for r in rows} == sent_ids


async def test_sends_are_recorded_after_the_database_was_locked_for_a_while(
        emu: BotApiEmulator, bot: Bot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    if db.dialect != "sqlite":
        pytest.skip("SQLite's file lock")
    monkeypatch.setattr(db_module, "LOCK_WAIT_SECONDS", 0.1)
    emu.add_chat(ALICE)
    await _queue(db, [(ALICE.id, "第一条")])
    worker = OutboxWorker(bot, db, idle=0.05)
    other = sqlite3.connect(make_url(db.url).database, isolation_level=None)
    # Another process takes the write lock while the message is on its way, so recording
    # the send fails (DatabaseLocked) until it lets go.
    emu.set_delay("sendMessage", 0.3)
    worker.start()
    try:
        await asyncio.sleep(0.1)  # leased, the call in flight
        other.execute("BEGIN IMMEDIATE")
        await asyncio.sleep(1.5)  # the send came back and could not be recorded
        assert [m["text"] for m in emu.sent(ALICE.id)] == ["第一条"]
        assert worker.delivered == 0
        other.execute("COMMIT")
        await _delivered(worker, 1)
    finally:
        other.close()
        await worker.stop()
    [row] = await _rows(db)
    assert row.state == "sent" and row.telegram_message_id == emu.sent(ALICE.id)[0]["message_id"]
    assert len(emu.sent(ALICE.id)) == 1  # recorded, not sent again
