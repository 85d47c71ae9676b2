"""Shared fixtures: a migrated database on SQLite and on PostgreSQL for every storage test.

`db` and `db_url` are parametrized over both backends. Each test gets a database of its own:
SQLite copies a migrated template file, PostgreSQL clones a migrated template database
(`CREATE DATABASE … TEMPLATE …`), so tests never see each other's rows.

PostgreSQL comes from LANTIAN_TEST_PG_URL (default: the local server, database `test`; see
tests/pgserver.py, which also drops the databases of interrupted runs). When it is
unreachable the PostgreSQL cases are skipped with the reason, except under CI (CI=true),
where they fail: a CI run must never pass without having exercised PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from storage.db import Database
from storage.migrate import upgrade
from tests.pgserver import (
    database_url,
    drop_database,
    drop_leftovers,
    pg_admin,
    run_database,
    temporary_database,
    unreachable,
)

BACKENDS = ["sqlite", "postgresql"]
_state: dict[str, object] = {}


def _run(coro_fn):
    """Run a coroutine function to completion in a thread with its own event loop.

    Session fixtures are first requested from inside async tests, where a loop is running.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro_fn()).result()


def _pg_unavailable_reason() -> str | None:
    if "pg_reason" not in _state:
        _state["pg_reason"] = _run(unreachable)
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
    name = run_database("tpl")

    async def build() -> None:
        await drop_leftovers()
        await pg_admin(f'CREATE DATABASE "{name}"')
        db = Database(database_url(name))
        await upgrade(db)
        await db.dispose()

    _run(build)
    yield name

    _run(lambda: drop_database(name))


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of a fresh, migrated database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "lantian.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    async with temporary_database("t", template=request.getfixturevalue("pg_template")) as url:
        yield url


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
    async with temporary_database("e") as url:
        yield url
