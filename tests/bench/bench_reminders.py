"""Fan-out of one reminder to 1,000 chats through the emulator, Telegram's limits enforced.

The real bot (BotRuntime: PTB with AIORateLimiter, the outbox worker, SQLite in a temporary
folder) serves the demo town's grids; 1,000 residents subscribed to a grid's public notices.
The clock is set to 除夕 15:00 and one reminder tick queues the ban notice to every one of
them. The rate is messages/s from the tick until the last notice reached the emulator,
which refuses (429) anything beyond ~30 messages/s, 1/s per private chat and 20/min per
group. Targets: ≥ 27 messages/s (90 % of 30) and zero 429 answers.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.emulator import BotApiEmulator, TgUser
from dispatch.outbox import pending_count
from schedules.reminders import tick
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Subscription
from tests.e2e.harness import GRIDS, running_bot

CHATS = 1_000
FIRST_CHAT = 20_000_000
SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE = datetime(2027, 2, 5, 14, 59, tzinfo=SHANGHAI)  # 除夕; the notice is due at 15:00
DUE = datetime(2027, 2, 5, 15, 0, tzinfo=SHANGHAI)


async def measure(chats: int = CHATS) -> tuple[float, int, int]:
    """(messages/s, notices delivered, 429 answers) for one reminder to `chats` chats."""
    with tempfile.TemporaryDirectory(prefix="lantian-bench-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        db = Database(url)
        await upgrade(db)
        await db.dispose()
        async with BotApiEmulator(enforce_limits=True) as emulator:
            # Grids only: no roster, so the tick queues nothing but the public notice.
            async with running_bot(url, Path(tmp), start=BEFORE, grids=GRIDS,
                                   emulator=emulator) as bot:
                grid = bot.svc.catalog.router.by_code("wx-by-bm-01")
                async with bot.db.transaction() as session:
                    for i in range(chats):
                        chat_id = FIRST_CHAT + i
                        emulator.add_chat(TgUser(chat_id, f"居民{i}", language_code="zh-hans"))
                        session.add(Subscription(chat_id=chat_id, grid_id=grid.id,
                                                 language="zh"))
                throttled_before = emulator.stats["throttled"]
                bot.clock.set(DUE)
                started = time.perf_counter()
                queued = await tick(bot.svc)
                assert queued == chats, f"queued {queued} notices, expected {chats}"
                await emulator.wait_for(
                    lambda m: m["chat"]["id"] >= FIRST_CHAT
                    and "禁燃禁放提示" in (m.get("text") or ""), count=chats, timeout=chats / 10)
                elapsed = time.perf_counter() - started
                throttled = emulator.stats["throttled"] - throttled_before
                for _ in range(100):  # the last rows are marked sent just after delivery
                    async with bot.db.sessions() as session:
                        if await pending_count(session) == 0:
                            break
                    await asyncio.sleep(0.05)
                else:
                    raise AssertionError("outbox rows still pending after delivery")
    return chats / elapsed, chats, throttled


async def run(report: Any) -> None:
    """Record the fan-out rate and the 429 count."""
    rate, delivered, throttled = await measure()
    note = f"{delivered} chats, limits enforced; {rate / 30:.0%} of 30/s (target ≥ 90 %)"
    report.add("reminder fan-out: messages/s", rate, "messages/s", note)
    report.add("reminder fan-out: 429 answers", throttled, "answers", "target 0")
