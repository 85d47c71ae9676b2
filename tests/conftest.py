"""Shared fixtures: a migrated database on SQLite and on PostgreSQL for every storage test.

`db` and `db_url` are parametrized over both backends. Each test gets a database of its own:
SQLite copies a migrated template file, PostgreSQL clones a migrated template database
(`CREATE DATABASE … TEMPLATE …`), so tests never see each other's rows.

PostgreSQL comes from LANTIAN_TEST_PG_URL (default: the local server, database `test`). When
it is unreachable the PostgreSQL cases are skipped with the reason, except under CI (CI=true),
where they fail: a CI run must never pass without having exercised PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from storage.db import Database
from storage.migrate import upgrade

PG_URL = os.environ.get(
    "LANTIAN_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]
_state: dict[str, object] = {}


def _run(coro_fn):
    """Run a coroutine function to completion in a thread with its own event loop.

    Session fixtures are first requested from inside async tests, where a loop is running.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro_fn()).result()


def _pg_dsn(database: str | None = None) -> str:
    url = make_url(PG_URL).set(drivername="postgresql")
    if database:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(_pg_dsn(), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


# The databases of a run carry the pid of the test process that made them, so a later run
# on this machine drops what an interrupted one left behind (a killed run never gets to its
# DROP DATABASE; CI and every session run on the same server, so leftovers would pile up).
_RUN_DATABASE = re.compile(r"lantian_(?:tpl|t|e)_(\d+)_[0-9a-f]+")
_LOCAL_HOSTS = (None, "", "127.0.0.1", "localhost", "::1")


def _run_database(kind: str) -> str:
    return f"lantian_{kind}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


async def _drop_leftovers() -> list[str]:
    """Drop the run databases of test processes that no longer run (only on a server on
    this machine, where their pids mean something). Returns their names."""
    if make_url(PG_URL).host not in _LOCAL_HOSTS:
        return []
    conn = await asyncpg.connect(_pg_dsn(), timeout=5)
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


def _pg_unavailable_reason() -> str | None:
    if "pg_reason" not in _state:
        async def probe() -> str | None:
            try:
                await _pg_admin("SELECT 1")
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                return f"PostgreSQL at {PG_URL} unreachable: {exc}"
            return None

        _state["pg_reason"] = _run(probe)
    return _state["pg_reason"]  # type: ignore[return-value]


def _require_pg() -> None:
    reason = _pg_unavailable_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (PostgreSQL tests must not be skipped in CI)")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def build() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        await upgrade(db)
        await db.dispose()

    _run(build)
    return path


@pytest.fixture(scope="session")
def pg_template() -> str:
    """Name of a PostgreSQL database migrated to head, used as a template per test."""
    _require_pg()
    name = _run_database("tpl")

    async def build() -> None:
        await _drop_leftovers()
        await _pg_admin(f'CREATE DATABASE "{name}"')
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        db = Database(url)
        await upgrade(db)
        await db.dispose()

    _run(build)
    yield name

    async def drop() -> None:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    _run(drop)


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of a fresh, migrated database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "lantian.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = _run_database("t")
    await _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """A fresh, migrated `Database` of each backend."""
    database = Database(db_url)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture(params=BACKENDS)
async def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of an empty, never-migrated database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    _require_pg()
    name = _run_database("e")
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
