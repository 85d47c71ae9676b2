"""Full resident intake through the emulator: photo + text + category + location + submit.

The real bot (BotRuntime, SQLite in a temporary folder, the demo town) serves RESIDENTS
residents at once; each sends a photo, a description, confirms the category, shares a
location and submits, waiting for the bot's answer after each step as a person would.
The rate is updates handled per second, printed next to this run's echo baseline
(target: at least 0.6 × echo).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.demo import point_in
from bot.emulator import TgUser
from bot.emulator.files import make_png
from storage.db import Database
from storage.migrate import upgrade
from tests.e2e.harness import GRIDS, ROSTER, button_data, running_bot

RESIDENTS = 60
UPDATES_PER_REPORT = 5  # photo, text, category press, location, submit press


async def _one_report(bot: Any, user: TgUser, point: tuple[float, float],
                      photo: bytes | None = None) -> None:
    emu = bot.emulator
    emu.send_photo(user, photo or _photo(user.id))
    await bot.reply(user.id, timeout=60)
    emu.send_text(user, "河边有人在烧垃圾和塑料，烟很大")
    confirm = await bot.reply(user.id, timeout=60)
    data = next(d for d in button_data(confirm) if d.endswith(":cat:burning"))
    emu.press_button(user, confirm, data)
    await bot.question(user.id, timeout=60)
    emu.send_location(user, *point)
    _, summary = await bot.replies(user.id, 2, timeout=60)
    emu.press_button(user, summary, next(d for d in button_data(summary)
                                         if d.endswith(":submit")))
    await bot.reply(user.id, timeout=60, predicate=lambda m: "举报已受理" in (m.get("text") or ""))


def _photo(seed: int) -> bytes:
    # The resident's camera is not the bot: make the pictures before the clock starts.
    return make_png(640, 480, (seed % 251, seed * 7 % 253, seed * 13 % 255))


async def measure(residents: int = RESIDENTS) -> tuple[float, int]:
    """(updates/s, reports stored) for `residents` concurrent intake flows."""
    with tempfile.TemporaryDirectory(prefix="lantian-bench-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        db = Database(url)
        await upgrade(db)
        await db.dispose()
        # Telegram's 30 messages/s would cap the figure: measure the bot, not the limiter.
        sections = {"bot": {"rate_limit": False}}
        async with running_bot(url, Path(tmp), grids=GRIDS, roster=ROSTER,
                               sections=sections) as bot:
            point = await point_in(bot.db, "wx-by-bm-01")
            warm = TgUser(8_999_999, "预热")
            await _one_report(bot, warm, point)
            people = [TgUser(9_000_000 + i, f"居民{i}") for i in range(residents)]
            photos = [_photo(person.id) for person in people]
            started = time.perf_counter()
            await asyncio.gather(*(_one_report(bot, person, point, photo)
                                   for person, photo in zip(people, photos, strict=True)))
            elapsed = time.perf_counter() - started
            from sqlalchemy import func, select

            from storage.models import Report

            async with bot.db.sessions() as session:
                stored = await session.scalar(select(func.count(Report.id)))
    return residents * UPDATES_PER_REPORT / elapsed, stored - 1


async def run(report: Any) -> None:
    """Record the intake rate next to the echo baseline."""
    rate, stored = await measure()
    note = f"{RESIDENTS} residents at once, {stored} reports stored"
    if report.baseline:
        note += f"; {rate / report.baseline:.2f} × echo (target ≥ 0.6)"
    report.add("intake (photo+text+category+location+submit): updates/s", rate, "updates/s",
               note)
