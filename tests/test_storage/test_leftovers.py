"""A test run drops the PostgreSQL databases that an interrupted run left on this server."""

from __future__ import annotations

import asyncio
import sys

import asyncpg

from tests.conftest import _require_pg
from tests.pgserver import drop_database, drop_leftovers, pg_admin, pg_dsn, run_database


async def _names() -> set[str]:
    conn = await asyncpg.connect(pg_dsn(), timeout=5)
    try:
        return {row[0] for row in await conn.fetch("SELECT datname FROM pg_database")}
    finally:
        await conn.close()


async def test_the_databases_of_a_run_that_died_are_dropped_and_live_ones_kept() -> None:
    _require_pg()
    finished = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await finished.wait()
    # A test database and a benchmark's, both of a process that has ended.
    leftovers = [f"lantian_t_{finished.pid}_0badc0de", f"lantian_b_{finished.pid}_0badc0de"]
    live = run_database("t")  # this process's
    other = f"lantian_{finished.pid}"  # not a run database: never touched
    for name in (*leftovers, live, other):
        await pg_admin(f'CREATE DATABASE "{name}"')
    try:
        dropped = await drop_leftovers()  # a concurrent run may have dropped some first
        assert live not in dropped and other not in dropped
        names = await _names()
        assert not set(leftovers) & names and {live, other} <= names
    finally:
        for name in (*leftovers, live, other):
            await drop_database(name)
