"""Stopping the bot while a scheduled job runs: the run finishes its transaction, or, when
it hangs past the grace period, is cancelled and rolled back before stop() returns, with our
warning and the scheduler's traceback of where it hung (on both databases)."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from pathlib import Path

import pytest
from apscheduler.events import EVENT_SCHEDULER_PAUSED, EVENT_SCHEDULER_SHUTDOWN

from storage.models import CaseNumberCounter
from tests.e2e.harness import ZHANG, running_bot

DAY = date(2000, 1, 1)  # a counter row no real case touches


async def _stop_while(bot, job) -> tuple[asyncio.Task, asyncio.Event]:
    """Start `job(release)` on the bot's scheduler, then stop() the bot while it runs;
    returns stop's task once stop() has reached the scheduler."""
    scheduler = bot.runtime.scheduler
    started, release = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        started.set()
        await job(release)

    reached = asyncio.Event()  # stop() has paused (or shut down) the scheduler
    scheduler.add_listener(lambda _event: reached.set(),
                           EVENT_SCHEDULER_PAUSED | EVENT_SCHEDULER_SHUTDOWN)
    scheduler.add_job(run, id="in-progress")  # no trigger: it runs now
    await asyncio.wait_for(started.wait(), 10)
    stopping = asyncio.create_task(bot.runtime.stop())
    await asyncio.wait_for(reached.wait(), 10)
    return stopping, release


async def test_stop_lets_a_job_in_progress_commit(db_url: str, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    finished: list[bool] = []
    async with running_bot(db_url, tmp_path, jobs=True) as bot:
        [welcome] = await bot.say(ZHANG, "/start")  # the bot is serving
        assert "蓝天" in welcome["text"]

        async def job(release: asyncio.Event) -> None:
            async with bot.db.transaction() as session:
                session.add(CaseNumberCounter(day=DAY, last=1))
                await session.flush()
                await release.wait()  # the stop signal comes in the middle of the work
                (await session.get(CaseNumberCounter, DAY)).last = 2
                finished.append(True)

        stopping, release = await _stop_while(bot, job)
        again = asyncio.create_task(bot.runtime.stop())  # e.g. a second signal
        # While the run finishes, updates are no longer taken; this one waits at Telegram.
        bot.emulator.send_text(ZHANG, "/help")
        with pytest.raises(TimeoutError):
            await bot.reply(ZHANG.id, timeout=0.5)
        assert not stopping.done() and not again.done()  # stop() waits for the run
        release.set()
        await asyncio.wait_for(asyncio.gather(stopping, again), 30)
        assert bot.runtime.scheduler is None and bot.runtime.application is None
        async with bot.db.sessions() as session:
            committed = await session.get(CaseNumberCounter, DAY)
        assert finished == [True] and committed is not None and committed.last == 2

        await bot.restart()  # the next start answers what came in during the stop
        help_screen = await bot.reply(ZHANG.id)
        assert "/report" in help_screen["text"]
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert errors == [], [r.getMessage() for r in errors]


async def test_stop_cancels_a_job_hanging_past_the_grace(db_url: str, tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    unwound: list[bool] = []
    async with running_bot(db_url, tmp_path, jobs=True) as bot:
        bot.runtime.job_grace_s = 0.2

        async def job(release: asyncio.Event) -> None:
            try:
                async with bot.db.transaction() as session:
                    session.add(CaseNumberCounter(day=DAY, last=1))
                    await session.flush()
                    await release.wait()  # never set: the run hangs
            finally:
                unwound.append(True)  # after the transaction's rollback

        stopping, _ = await _stop_while(bot, job)
        await asyncio.wait_for(stopping, 30)
        assert unwound == [True]  # stop() returned only once the run had unwound
        async with bot.db.sessions() as session:
            assert await session.get(CaseNumberCounter, DAY) is None  # rolled back
    ours = [r.getMessage() for r in caplog.records if r.name == "bot.runtime"
            and r.levelno >= logging.WARNING]
    assert ours == ["a scheduled job was still running 0.2 s after the stop signal; it is "
                    "cancelled, its transaction rolled back (the scheduler's error below "
                    "shows where it was)"]
    [where] = [r for r in caplog.records if r.name.startswith("apscheduler")
               and r.levelno >= logging.ERROR]
    assert where.exc_info is not None and where.exc_info[0] is asyncio.CancelledError
