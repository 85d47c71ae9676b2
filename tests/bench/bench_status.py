"""Officials' figures at scale: /status and the monthly bulletin over 1,000,000 cases.

500 grids (1 district, 10 streets, 49 communities, 440 grids), 1,000,000 cases over the
year before NOW spread over the leaf grids, 880 patrol members with daily shifts and two
months of check-ins. Timed (median of 5 after a warm-up): /status figures for one street and
for the whole district, today and this month, and the district's monthly bulletin, on SQLite
and on a scratch PostgreSQL database (targets: /status ≤ 100 ms, bulletin ≤ 2 s).

Generation is bulk: raw executemany on SQLite (the file is cached under /tmp by VERSION),
COPY on PostgreSQL (asyncpg's copy_records_to_table).
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from dispatch.bulletins import OfficialsConfig
from dispatch.catalog import load_catalog
from dispatch.figures import status_figures
from dispatch.figures_period import parse_period
from dispatch.figures_scope import scope_for
from handlers.official_bulletin import compose_bulletin
from storage.db import Database
from storage.migrate import upgrade
from tests.pgserver import bench_database, pg_dsn, unreachable

VERSION = "status-v1"
CASES = 1_000_000
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
SPAN_DAYS = 365
CACHE = Path(f"/tmp/lantian-bench-{VERSION}.db")
CATEGORIES = ("burning", "burning", "fireworks", "dust", "dust", "other")


def grid_rows() -> list[tuple[int, str, str, str, int | None]]:
    """(id, code, name, level, parent) of the 500 grids."""
    rows: list[tuple[int, str, str, str, int | None]] = [(1, "d", "示范区", "district", None)]
    next_id, communities = 2, []
    for s in range(10):
        street = next_id
        rows.append((street, f"d-s{s}", f"第{s + 1}街道", "street", 1))
        next_id += 1
        for c in range(5 if s < 9 else 4):
            rows.append((next_id, f"d-s{s}-c{c}", f"第{s + 1}街道第{c + 1}社区", "community",
                         street))
            communities.append(next_id)
            next_id += 1
    leaves = []
    for index in range(440):
        parent = communities[index % len(communities)]
        rows.append((next_id, f"d-g{index:03d}", f"第{index + 1}网格", "grid", parent))
        leaves.append(next_id)
        next_id += 1
    return rows


def leaf_ids(rows: list[tuple[int, str, str, str, int | None]]) -> list[int]:
    """The grids that get cases and patrols."""
    return [row[0] for row in rows if row[3] == "grid"]


def case_rows(leaves: list[int]) -> Iterator[tuple[Any, ...]]:
    """Cases as (id, number, grid, category, state, created, dispatched, ack_dl, on_site_dl,
    resolve_dl, off_hours, acked, on_site, resolved, outcome, satisfaction, reopened)."""
    rng = random.Random(7)
    start = NOW - timedelta(days=SPAN_DAYS)
    span = SPAN_DAYS * 86400
    for case_id in range(1, CASES + 1):
        created = start + timedelta(seconds=span * case_id / CASES)
        off = created.hour >= 10 or created.hour < 1  # local nights (UTC+8)
        ack_dl = created + timedelta(minutes=10)
        site_dl = created + timedelta(minutes=60 if off else 30)
        resolve_dl = created + timedelta(hours=24)
        acked = created + timedelta(minutes=rng.uniform(1, 14))
        site = created + timedelta(minutes=rng.uniform(8, 70))
        closed = site + timedelta(minutes=rng.uniform(10, 120))
        state, outcome = "resolved", "stopped"
        age = (NOW - created).total_seconds()
        if age < 3 * 3600 and rng.random() < 0.5:
            state, site, closed, outcome = "acked", None, None, None
            if age < 3600:
                state, acked = "dispatched", None
        elif rng.random() < 0.05:
            state, outcome, site = "unfounded", "no_anomaly", None
        # Steps cannot lie in the future of NOW: recent cases are still open.
        if closed is not None and closed > NOW:
            state, closed, outcome = "on_site", None, None
        if site is not None and site > NOW:
            site = None
            state = "acked" if state == "on_site" else state
        if acked is not None and acked > NOW:
            state, acked = "dispatched", None
        satisfaction = rng.choice((None, None, "satisfied", "satisfied", "unsatisfied"))
        yield (case_id, f"{created:%Y%m%d}-{case_id:07d}", leaves[case_id % len(leaves)],
               CATEGORIES[case_id % len(CATEGORIES)], state, created, created, ack_dl, site_dl,
               resolve_dl, off, acked, site, closed, outcome,
               satisfaction if state == "resolved" else None, 1 if case_id % 97 == 0 else 0)


def people_rows(leaves: list[int]) -> tuple[list, list, list, list]:
    """People, patrol memberships, daily shifts and two months of check-ins."""
    people, memberships, shifts, checkins = [], [], [], []
    rng = random.Random(11)
    for index, grid in enumerate(leaves):
        for half in range(2):
            pid = index * 2 + half + 1
            people.append((pid, 8_000_000 + pid, f"网格员{pid}"))
            memberships.append((pid, pid, grid, "patrol"))
            start_minute = 8 * 60 if half == 0 else 20 * 60
            shifts.append((pid, pid, 0b1111111, start_minute, (start_minute + 720) % 1440))
            for day in range(60):
                if rng.random() < 0.85:
                    local_start = datetime(2026, 9, 26, tzinfo=UTC) + timedelta(
                        days=day, minutes=start_minute - 480 + rng.uniform(-20, 20))
                    checkins.append((len(checkins) + 1, pid, grid, "shift_start", local_start))
    return people, memberships, shifts, checkins


def _text(value: Any) -> Any:
    # SQLAlchemy's SQLite DateTime storage format (naive UTC).
    return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds") \
        if isinstance(value, datetime) else value


CASE_COLUMNS = ("id, number, grid_id, category, state, created_at, dispatched_at, ack_deadline, "
                "on_site_deadline, resolve_deadline, off_hours, acked_at, on_site_at, "
                "resolved_at, outcome, satisfaction, reopened_count")


def _extra_case_values() -> str:
    return "escalation_level, report_count, version, updated_at"


def fill_sqlite(path: Path) -> None:
    """Bulk-insert everything into a migrated SQLite file."""
    grids = grid_rows()
    leaves = leaf_ids(grids)
    now_text = _text(NOW)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    con.executemany("INSERT INTO grids (id, code, name, level, parent_id, aliases, "
                    "source_coord_system, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, '[]', 'wgs84', ?, ?)",
                    [(*g, now_text, now_text) for g in grids])
    batch: list[tuple[Any, ...]] = []
    sql = (f"INSERT INTO cases ({CASE_COLUMNS}, {_extra_case_values()}) "
           f"VALUES ({', '.join('?' * 17)}, 0, 1, 1, ?)")
    for row in case_rows(leaves):
        batch.append((*(_text(v) for v in row), now_text))
        if len(batch) >= 50_000:
            con.executemany(sql, batch)
            batch.clear()
    con.executemany(sql, batch)
    people, memberships, shifts, checkins = people_rows(leaves)
    con.executemany("INSERT INTO people (id, telegram_id, name, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?)", [(*p, now_text, now_text) for p in people])
    con.executemany("INSERT INTO memberships (id, person_id, grid_id, role, shift_spec, "
                    "always_on_call) VALUES (?, ?, ?, ?, '', 0)", memberships)
    con.executemany("INSERT INTO shifts (id, membership_id, weekdays, start_minute, end_minute) "
                    "VALUES (?, ?, ?, ?, ?)", shifts)
    con.executemany("INSERT INTO checkins (id, person_id, grid_id, kind, at) VALUES "
                    "(?, ?, ?, ?, ?)", [(*c[:4], _text(c[4])) for c in checkins])
    con.commit()
    con.execute("ANALYZE")
    con.close()


async def fill_postgres(dsn: str) -> None:
    """COPY everything into a migrated PostgreSQL database."""
    grids = grid_rows()
    leaves = leaf_ids(grids)
    con = await asyncpg.connect(dsn)
    try:
        await con.copy_records_to_table(
            "grids", columns=["id", "code", "name", "level", "parent_id", "aliases",
                              "source_coord_system", "created_at", "updated_at"],
            records=[(*g, "[]", "wgs84", NOW, NOW) for g in grids])
        columns = [c.strip() for c in CASE_COLUMNS.split(",")] + [
            "escalation_level", "report_count", "version", "updated_at"]
        batch: list[tuple[Any, ...]] = []
        for row in case_rows(leaves):
            batch.append((*row, 0, 1, 1, NOW))
            if len(batch) >= 100_000:
                await con.copy_records_to_table("cases", columns=columns, records=batch)
                batch.clear()
        await con.copy_records_to_table("cases", columns=columns, records=batch)
        people, memberships, shifts, checkins = people_rows(leaves)
        await con.copy_records_to_table("people", columns=["id", "telegram_id", "name",
                                                           "created_at", "updated_at"],
                                        records=[(*p, NOW, NOW) for p in people])
        await con.copy_records_to_table("memberships", columns=[
            "id", "person_id", "grid_id", "role", "shift_spec", "always_on_call"],
            records=[(*m, "", False) for m in memberships])
        await con.copy_records_to_table("shifts", columns=[
            "id", "membership_id", "weekdays", "start_minute", "end_minute"], records=shifts)
        await con.copy_records_to_table("checkins", columns=["id", "person_id", "grid_id", "kind",
                                                             "at"], records=checkins)
        for table in ("grids", "cases", "people", "memberships", "shifts", "checkins"):
            await con.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))")
        await con.execute("ANALYZE")
    finally:
        await con.close()


async def _median_ms(action, rounds: int = 5) -> float:
    await action()  # warm-up (plans, caches)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        await action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def measure(report, backend: str, db: Database) -> None:
    """Time the figures on one database."""
    router = (await load_catalog(db)).router
    street = scope_for(router, [router.by_code("d-s0").id])
    district = scope_for(router, [router.root.id])
    today = parse_period("today", NOW.date())
    month = parse_period("month", NOW.date())
    for scope_name, scope in (("street", street), ("district", district)):
        for period_name, period in (("today", today), ("month", month)):
            async def status(scope=scope, period=period) -> None:
                async with db.sessions() as session:
                    await status_figures(session, router, scope, period, NOW)

            report.add(f"/status {scope_name} {period_name} ({backend})",
                       await _median_ms(status), "ms", "target ≤ 100 ms" if period_name ==
                       "today" else "")

    async def bulletin() -> None:
        async with db.sessions() as session:
            await compose_bulletin(session, router, district, month, NOW, OfficialsConfig(), "zh")

    report.add(f"monthly bulletin, district ({backend})", await _median_ms(bulletin, 3), "ms",
               "target ≤ 2000 ms")


async def run(report) -> None:
    """Generate (or reuse) the data, then time both backends."""
    started = time.perf_counter()
    if not CACHE.exists():
        partial = CACHE.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        db = Database(f"sqlite+aiosqlite:///{partial}")
        await upgrade(db)
        await db.dispose()
        fill_sqlite(partial)
        shutil.move(partial, CACHE)
        report.add("generate 1,000,000 cases (SQLite)", time.perf_counter() - started, "s")
    work = Path(f"/tmp/lantian-bench-run-{os.getpid()}.db")
    shutil.copy(CACHE, work)
    db = Database(f"sqlite+aiosqlite:///{work}")
    try:
        await measure(report, "SQLite", db)
    finally:
        await db.dispose()
        work.unlink(missing_ok=True)
    await _postgres(report)


async def _postgres(report) -> None:
    reason = await unreachable()
    if reason:
        print(f"  {reason}, skipped", flush=True)
        return
    async with bench_database() as url:
        db = Database(url)
        try:
            await upgrade(db)
            started = time.perf_counter()
            await fill_postgres(pg_dsn(make_url(url).database))
            report.add("generate 1,000,000 cases (PostgreSQL COPY)",
                       time.perf_counter() - started, "s")
            await measure(report, "PostgreSQL", db)
        finally:
            await db.dispose()
