"""Bare python-telegram-bot echo through the emulator (the baseline).

2,000 text updates from 50 users are injected into the emulator; a PTB Application (default
settings: sequential update processing, long polling) answers each with ``reply_text``. The
rate is updates/s from the first injection until the last reply reached the emulator. After a
short warm-up, three rounds run and the median is reported (the machine is shared, so single
rounds are noisy). A round runs with Python's own garbage-collector thresholds even when a
bot in the same process has raised them (bot.runtime.tune_gc); the objects that bot froze
at its start stay frozen, which spares the echo's full collections some work.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.emulator import BotApiEmulator, TgUser
from bot.emulator.testing import polling, ptb_app_for
from bot.runtime import PYTHON_GC_THRESHOLD

UPDATES = 2_000
USERS = 50
ROUNDS = 3
WARM_UP = 200


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


async def _round(emu: BotApiEmulator, people: list[TgUser], updates: int
                 ) -> tuple[float, float]:
    tuned = gc.get_threshold()
    gc.set_threshold(*PYTHON_GC_THRESHOLD)  # a bare bot's, even beside a tuned one
    try:
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(updates):
            emu.send_text(people[i % len(people)], f"消息 {i}")
        await emu.wait_for(count=updates, timeout=120)
        return (updates / (time.perf_counter() - started),
                (time.process_time() - cpu) * 1_000_000 / updates)
    finally:
        gc.set_threshold(*tuned)


EchoRound = Callable[[int], Awaitable[tuple[float, float]]]


@asynccontextmanager
async def running_echo(users: int = USERS) -> AsyncIterator[EchoRound]:
    """A polling echo bot on its own emulator, warmed up; yields `round(updates)`, which
    echoes that many messages and returns (updates/s, µs of CPU per update). Other
    benchmarks interleave its rounds with their own, so both see the machine alike."""
    people = [TgUser(10_000 + i, f"用户{i}") for i in range(users)]
    async with BotApiEmulator() as emu:
        app = ptb_app_for(emu)
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
        async with polling(app):
            await _round(emu, people, WARM_UP)
            yield lambda updates: _round(emu, people, updates)


async def measure(updates: int = UPDATES, users: int = USERS, rounds: int = ROUNDS
                  ) -> tuple[float, float]:
    """Echo ``updates`` messages per round; return (the median rate in updates per second,
    the median µs of CPU per update: the process's, emulator included, as for intake)."""
    async with running_echo(users) as echo_round:
        figures = [await echo_round(updates) for _ in range(rounds)]
    return (statistics.median(rate for rate, _ in figures),
            statistics.median(cpu for _, cpu in figures))


async def run(report: Any) -> None:
    """Measure the echo rate and record it as this run's baseline."""
    rate, cpu_us = await measure()
    note = (f"median of {ROUNDS} x {UPDATES} updates, {USERS} users; "
            f"{cpu_us:,.0f} µs CPU per update")
    report.add("echo: updates/s", rate, "updates/s", note)
    report.baseline = rate
