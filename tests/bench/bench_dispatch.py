"""Routing at 10,000 grids (µs per point) and the full report-to-dispatch rate.

Routing: a district of 10 streets × 10 communities × 100 grids (10,111 polygons in four
levels, like a city's hierarchy), 20,000 random WGS-84 points located one by one after
start-up (target ≤ 20 µs per point). Report-to-dispatch: residents report at once through
the emulator (location + text + category + submit) and the rate counts each report's
updates until its case card is posted in the patrol chat, next to the echo baseline.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from shapely.geometry import box, mapping

from bot.demo import point_in
from bot.emulator import TgUser
from dispatch.routing import Router
from storage.db import Database
from storage.migrate import upgrade
from tests.bench.residents import report
from tests.e2e.harness import GRIDS, ROSTER, running_bot

POINTS = 20_000
RESIDENTS = 60
UPDATES_PER_REPORT = 4  # text, location, category press, submit press


def city(streets: int = 10, communities: int = 10, grids: int = 100) -> Router:
    """A synthetic four-level hierarchy tiling a 0.6° × 0.6° square near Chongqing."""
    rows: list[tuple[Any, ...]] = []
    x0, y0, size = 109.3, 31.1, 0.6
    rows.append((1, "d", "区", "district", None, None, mapping(box(x0, y0, x0 + size,
                                                                 y0 + size))))
    next_id = 2
    street_w = size / streets
    side = int(grids ** 0.5)
    for s in range(streets):
        sx = x0 + s * street_w
        street_id = next_id
        next_id += 1
        rows.append((street_id, f"s{s}", f"街道{s}", "street", 1, None,
                     mapping(box(sx, y0, sx + street_w, y0 + size))))
        community_h = size / communities
        for c in range(communities):
            cy = y0 + c * community_h
            community_id = next_id
            next_id += 1
            rows.append((community_id, f"s{s}c{c}", f"社区{s}-{c}", "community", street_id,
                         None, mapping(box(sx, cy, sx + street_w, cy + community_h))))
            gw, gh = street_w / side, community_h / side
            for g in range(grids):
                gx, gy = sx + (g % side) * gw, cy + (g // side) * gh
                rows.append((next_id, f"s{s}c{c}g{g}", f"网格{g}", "grid", community_id,
                             None, mapping(box(gx, gy, gx + gw, gy + gh))))
                next_id += 1
    return Router.from_rows(rows)


def routing_us_per_point() -> tuple[float, int, float]:
    """(µs per point, number of grids, build seconds)."""
    started = time.perf_counter()
    router = city()
    built = time.perf_counter() - started
    rng = random.Random(7)
    points = [(31.1 + rng.random() * 0.6, 109.3 + rng.random() * 0.6) for _ in range(POINTS)]
    for lat, lon in points[:500]:
        router.locate(lat, lon)  # warm-up
    started = time.perf_counter()
    for lat, lon in points:
        router.locate(lat, lon)
    elapsed = time.perf_counter() - started
    return elapsed / POINTS * 1e6, len(router), built


async def _report(bot: Any, user: TgUser, point: tuple[float, float], chat_id: int) -> None:
    await report(bot, user, point, "河边有人在烧垃圾和塑料，烟很大")


async def report_to_dispatch(residents: int = RESIDENTS) -> tuple[float, int]:
    """(updates/s until every case card is in its patrol chat, cards posted)."""
    with tempfile.TemporaryDirectory(prefix="lantian-bench-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        db = Database(url)
        await upgrade(db)
        await db.dispose()
        # A wide dedup radius would merge everything: each resident reports elsewhere in time.
        sections = {"bot": {"rate_limit": False},
                    "dedup": {"burning": {"radius_m": 0, "window": "0s"}}}
        async with running_bot(url, Path(tmp), grids=GRIDS, roster=ROSTER,
                               sections=sections) as bot:
            point = await point_in(bot.db, "wx-by-bm-01")
            chat_id = bot.chats["wx-by-bm-01"].id
            await _report(bot, TgUser(8_999_999, "预热"), point, chat_id)
            await bot.reply(chat_id, timeout=60, predicate=lambda m: "工单" in str(m))
            people = [TgUser(9_000_000 + i, f"居民{i}") for i in range(residents)]
            started = time.perf_counter()
            await asyncio.gather(*(_report(bot, p, point, chat_id) for p in people))
            await bot.emulator.wait_for(lambda m: "工单" in str(m.get("text") or ""),
                                        chat_id=chat_id, count=residents, timeout=120)
            elapsed = time.perf_counter() - started
    return residents * UPDATES_PER_REPORT / elapsed, residents


async def run(report: Any) -> None:
    """Record routing µs/point and the report-to-dispatch rate."""
    micros, grids, built = await asyncio.to_thread(routing_us_per_point)
    report.add(f"routing: µs per point at {grids:,} polygons", micros, "µs",
               f"target ≤ 20; index built in {built:.2f} s")
    rate, cards = await report_to_dispatch()
    note = f"{cards} residents at once, {cards} cards dispatched"
    if report.baseline:
        note += f"; {rate / report.baseline:.2f} × echo"
    report.add("report-to-dispatch: updates/s", rate, "updates/s", note)
