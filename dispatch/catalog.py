"""The grid catalogue a running bot serves from: the spatial router and the NLP gazetteer.

Both are immutable and built together from the `grids` table. When grids are re-imported
(by another process, `lantian import grids`), the fingerprint (row count and newest update)
changes and the next refresh builds a new catalogue and swaps the reference; requests in
flight keep using the old one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from dispatch.routing import Router
from nlp import Gazetteer
from storage.db import Database
from storage.models import Grid


@dataclass(frozen=True)
class GridCatalog:
    """Router plus gazetteer, built from one snapshot of the grids."""

    router: Router
    gazetteer: Gazetteer
    fingerprint: tuple[int, datetime | None]

    @classmethod
    def empty(cls) -> GridCatalog:
        """No grids (before the first import)."""
        return cls(Router([], {}), Gazetteer.empty(), (0, None))


async def _fingerprint(db: Database) -> tuple[int, datetime | None]:
    async with db.sessions() as session:
        row = (await session.execute(select(func.count(Grid.id), func.max(Grid.updated_at)))).one()
    return int(row[0]), row[1]


async def _grid_rows(db: Database) -> list:
    async with db.sessions() as session:
        return list((await session.execute(select(
            Grid.id, Grid.code, Grid.name, Grid.level, Grid.parent_id, Grid.patrol_chat_id,
            Grid.geometry, Grid.aliases))).all())


async def load_router(db: Database, gap_m: float = 300.0) -> Router:
    """Only the spatial router (no gazetteer): for tools and tests that do not read text."""
    return Router.from_rows([tuple(row[:7]) for row in await _grid_rows(db)], gap_m=gap_m)


async def load_catalog(db: Database, gap_m: float = 300.0) -> GridCatalog:
    """Read every grid and build the catalogue (the gazetteer is built in a thread)."""
    fingerprint = await _fingerprint(db)
    rows = await _grid_rows(db)
    router = Router.from_rows([tuple(row[:7]) for row in rows], gap_m=gap_m)
    names = [(row.code, row.name, list(row.aliases or [])) for row in rows]
    gazetteer = await asyncio.to_thread(Gazetteer.from_grids, names)
    return GridCatalog(router, gazetteer, fingerprint)


async def refresh_catalog(db: Database, current: GridCatalog, gap_m: float = 300.0) -> GridCatalog:
    """A new catalogue when the grids changed since `current` was built, else `current`."""
    if await _fingerprint(db) == current.fingerprint:
        return current
    return await load_catalog(db, gap_m)
