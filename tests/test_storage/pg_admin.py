"""What an administrator does to the test database from a connection of their own."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from storage.db import Database


async def admin_fetch(db: Database, sql: str, *args: Any) -> list[asyncpg.Record]:
    """Run `sql` on a separate asyncpg connection to `db`'s PostgreSQL database."""
    admin = await asyncpg.connect(
        make_url(db.url).set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        return await admin.fetch(sql, *args)
    finally:
        await admin.close()


async def terminate_backend(db: Database, pid: int) -> bool:
    """End the server process of one of our connections, and give the end of its socket
    time to reach asyncpg."""
    [row] = await admin_fetch(db, "SELECT pg_terminate_backend($1)", pid)
    await asyncio.sleep(0.2)
    return row[0]
