"""The PostgreSQL server that tests and benchmarks make their databases on.

It comes from LANTIAN_TEST_PG_URL (default: the local server, database `test`, which is only
used to connect and is never written). Every database a test run or a benchmark makes is
named `lantian_<kind>_<pid>_<random>`: the pid of the process that made it lets a later run
on this machine drop what an interrupted one left behind (a killed run never gets to its
DROP DATABASE; CI and every session run on the same server, so leftovers would pile up).
Kinds: `tpl` (a migrated template), `t` (a test's copy), `e` (an empty one), `b` (a
benchmark's).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy.engine import make_url

PG_URL = os.environ.get(
    "LANTIAN_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
_RUN_DATABASE = re.compile(r"lantian_(?:tpl|t|e|b)_(\d+)_[0-9a-f]+")
_LOCAL_HOSTS = (None, "", "127.0.0.1", "localhost", "::1")


def pg_dsn(database: str | None = None) -> str:
    """asyncpg's DSN for `database` (default: the one of PG_URL)."""
    url = make_url(PG_URL).set(drivername="postgresql")
    if database:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


def database_url(name: str) -> str:
    """The application's URL (PG_URL's driver) for the database `name`."""
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


async def pg_admin(sql: str) -> None:
    """Run one statement on the server's connection database."""
    conn = await asyncpg.connect(pg_dsn(), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def unreachable() -> str | None:
    """Why the server cannot be used, or None when it answers."""
    try:
        await pg_admin("SELECT 1")
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        where = make_url(PG_URL).render_as_string(hide_password=True)
        return f"PostgreSQL at {where} unreachable: {exc}"
    return None


def run_database(kind: str) -> str:
    """A new database name of `kind` carrying this process's pid."""
    return f"lantian_{kind}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # someone else's process; not a pid at all
        return True
    return True


async def drop_leftovers() -> list[str]:
    """Drop the run databases of processes that no longer run (only on a server on this
    machine, where their pids mean something). Returns their names.

    This assumes every run on the server shares this machine's process ids: runs in
    other containers sharing one server would see each other's pids as dead."""
    if make_url(PG_URL).host not in _LOCAL_HOSTS:
        return []
    conn = await asyncpg.connect(pg_dsn(), timeout=5)
    try:
        names = [row[0] for row in await conn.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE 'lantian%'")]
        stale = [name for name in names if (match := _RUN_DATABASE.fullmatch(name))
                 and not _alive(int(match.group(1)))]
        for name in stale:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
    return stale


async def drop_database(name: str) -> None:
    """Drop `name`, closing any connection still open on it."""
    await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def temporary_database(kind: str, template: str | None = None) -> AsyncIterator[str]:
    """A new database of `kind` (a copy of `template`, or empty) for the block; yields its
    URL and drops it afterwards."""
    name = run_database(kind)
    await pg_admin(f'CREATE DATABASE "{name}"'
                   + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield database_url(name)
    finally:
        await drop_database(name)


@asynccontextmanager
async def bench_database() -> AsyncIterator[str]:
    """A benchmark's empty database for the block, after dropping what interrupted runs
    left (a test session does that once, when it makes its template)."""
    await drop_leftovers()
    async with temporary_database("b") as url:
        yield url
