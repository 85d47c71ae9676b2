"""Full resident intake through the emulator: photo + text + location + category + submit.

The real bot (BotRuntime on the demo town) serves RESIDENTS residents at once; each sends a
photo and a sentence, shares a location somewhere in town, confirms the category and
submits, waiting for the bot's answer after each step as a person would (tests/bench/
residents.py). The bot does everything it does in production meanwhile: evidence photos
are downloaded and hashed, cases are numbered and dispatched, and the outbox delivers the
case cards to the patrol chats. A wave's time runs until the last receipt arrived and the
outbox has delivered everything the wave queued. The rate is updates handled per second,
on SQLite (the embedded default) and on PostgreSQL when it is reachable.

It is compared with the bare echo (target: at least 0.6 × echo) wave by wave: a round of
the echo benchmark's bot, kept running beside the intake's, echoes ECHO_UPDATES messages
just before each wave, and the ratio printed is the median of the waves' ratios. The
machine's speed drifts by a fifth within a minute, so an echo measured at the start of
the run would make the ratio a measure of that drift as much as of the bot. The ratio to
the run's echo baseline is printed too. The echo rounds keep Python's own collector
thresholds (bench_echo), although the intake's bot raises them for the whole process.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.emulator import TgUser
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Case, Report, ReportPhoto
from tests.bench.bench_echo import EchoRound, running_echo
from tests.bench.residents import UPDATES_PER_REPORT, photo_of, report, text_of, town_points
from tests.e2e.harness import GRIDS, ROSTER, running_bot
from tests.pgserver import bench_database, unreachable

RESIDENTS = 60
ECHO_UPDATES = 1_000  # the echo round before each wave (about as long as the wave)
ROUNDS = 3  # residents come in waves; the median wave is reported (a shared machine is noisy)


async def measure(url: str, tmp: Path, residents: int = RESIDENTS, rounds: int = ROUNDS,
                  echo_round: EchoRound | None = None) -> tuple[float, dict[str, Any]]:
    """(median updates/s of `rounds` waves of `residents`, what was stored) on `url`.

    With `echo_round`, an echo round runs just before each wave, and what is stored
    includes the median of the waves' rates over their echo's (`ratio`): the machine's
    speed drifts within a minute, so a wave is compared with an echo of the same moment."""
    db = Database(url)
    await upgrade(db)
    await db.dispose()
    # Telegram's 30 messages/s would cap the figure: measure the bot, not the limiter.
    sections = {"bot": {"rate_limit": False}}
    async with running_bot(url, tmp, grids=GRIDS, roster=ROSTER, sections=sections) as bot:
        points = await town_points(bot.db, residents * rounds + 1)
        await report(bot, TgUser(8_999_999, "预热"), points[-1], text_of(0), photo_of(0))
        rates: list[float] = []
        cpu_ms: list[float] = []
        ratios: list[float] = []
        for wave in range(rounds):
            echo_rate = (await echo_round(ECHO_UPDATES))[0] if echo_round else None
            people = [TgUser(9_000_000 + wave * residents + i, f"居民{i}")
                      for i in range(residents)]
            seeds = [person.id for person in people]
            photos = [photo_of(seed) for seed in seeds]
            started, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(*(
                report(bot, person, points[wave * residents + i], text_of(seed), photo)
                for i, (person, seed, photo) in enumerate(zip(people, seeds, photos,
                                                              strict=True))))
            # The cards the wave caused are part of its work: the clock stops when the
            # outbox is delivered too (it trails the receipts by a few tenths of a second).
            await bot.outbox_idle(timeout=120, poll=0.005)
            rates.append(residents * UPDATES_PER_REPORT / (time.perf_counter() - started))
            if echo_rate:
                ratios.append(rates[-1] / echo_rate)
            cpu_ms.append((time.process_time() - cpu) * 1000 / (residents * UPDATES_PER_REPORT))
        await bot.outbox_idle(timeout=120)
        async with bot.db.sessions() as session:
            stored = {
                "reports": await session.scalar(select(func.count(Report.id))) - 1,
                "photos": await session.scalar(select(func.count(ReportPhoto.sha256))) - 1,
                "cases": await session.scalar(select(func.count(Case.id))),
                "cpu_us": round(sorted(cpu_ms)[len(cpu_ms) // 2] * 1000),
            }
            if ratios:
                stored["ratio"] = statistics.median(ratios)
    rates.sort()
    return rates[len(rates) // 2], stored


def _note(stored: dict[str, Any], rate: float, baseline: float | None) -> str:
    note = (f"{RESIDENTS} residents at once, median of {ROUNDS} waves; {stored['reports']} "
            f"reports, {stored['photos']} photos kept, {stored['cases']} cases; "
            f"{stored['cpu_us']} µs CPU per update")
    if "ratio" in stored:
        note += (f"; {stored['ratio']:.2f} × echo (target ≥ 0.6; each wave against an echo "
                 f"round run just before it)")
    if baseline:
        note += f"; {rate / baseline:.2f} × the run's echo baseline"
    return note


async def run(report_: Any) -> None:
    """Record the intake rate next to the echo, on SQLite and PostgreSQL."""
    async with running_echo() as echo_round:
        with tempfile.TemporaryDirectory(prefix="lantian-bench-") as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            rate, stored = await measure(url, Path(tmp), echo_round=echo_round)
        report_.add("intake, SQLite: updates/s", rate, "updates/s",
                    _note(stored, rate, report_.baseline))
        reason = await unreachable()
        if reason:
            report_.add("intake, PostgreSQL: updates/s", 0.0, "updates/s", reason)
            return
        async with bench_database() as pg:
            with tempfile.TemporaryDirectory(prefix="lantian-bench-") as tmp:
                rate, stored = await measure(pg, Path(tmp), echo_round=echo_round)
        report_.add("intake, PostgreSQL: updates/s", rate, "updates/s",
                    _note(stored, rate, report_.baseline))
