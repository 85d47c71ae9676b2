"""A test run drops the PostgreSQL databases that an interrupted run left on this server."""

from __future__ import annotations

import asyncio
import sys

import asyncpg

from tests.conftest import _drop_leftovers, _pg_admin, _pg_dsn, _require_pg, _run_database


async def _names() -> set[str]:
    conn = await asyncpg.connect(_pg_dsn(), timeout=5)
    try:
        return {row[0] for row in await conn.fetch("SELECT datname FROM pg_database")}
    finally:
        await conn.close()


async def test_the_databases_of_a_run_that_died_are_dropped_and_live_ones_kept() -> None:
    _require_pg()
    finished = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await finished.wait()
    leftover = f"lantian_t_{finished.pid}_0badc0de"
    live = _run_database("t")  # this process's
    for name in (leftover, live):
        await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        dropped = await _drop_leftovers()
        assert leftover in dropped and live not in dropped
        names = await _names()
        assert leftover not in names and live in names
    finally:
        for name in (leftover, live):
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
