"""Builders for grid and roster files used by the import tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from storage.db import Database
from storage.models import Grid, GridOfficialChat, Membership, Person, Shift

ROSTER_HEADER = "grid,telegram_id,name,role,shift"


def rect(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    """A rectangular GeoJSON Polygon (counter-clockwise, closed)."""
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(
    code: str, name: str, level: str, parent: str | None, geometry: dict[str, Any], **props: Any
) -> dict[str, Any]:
    """A grid Feature with the given properties."""
    properties = {"code": code, "name": name, "level": level, "parent": parent, **props}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def collection(features: list[dict[str, Any]], coord_system: str | None = None) -> dict[str, Any]:
    """A FeatureCollection, with `coord_system` when given."""
    data: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if coord_system is not None:
        data["coord_system"] = coord_system
    return data


def write_json(path: Path, data: Any) -> Path:
    """Write JSON (UTF-8, Chinese kept readable) and return the path."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def small_town(
    *, town_name: str = "柏杨街道", officials: list[int] | None = None
) -> list[dict[str, Any]]:
    """A street with two communities (west/east) and one grid in the west one (WGS-84)."""
    return [
        feature("t", town_name, "street", None, rect(109.60, 31.38, 109.64, 31.42),
                aliases=["柏杨"], official_chat_ids=officials if officials is not None
                else [-1002000000001]),
        feature("t-w", "白马社区", "community", "t", rect(109.60, 31.38, 109.62, 31.42),
                aliases=["白马", "马镇坝"], patrol_chat_id=-1001000000001),
        feature("t-e", "墨斗社区", "community", "t", rect(109.62, 31.38, 109.64, 31.42),
                aliases=["墨斗"], patrol_chat_id=-1001000000002),
        feature("t-w-01", "白马第一网格", "grid", "t-w", rect(109.60, 31.38, 109.61, 31.42),
                patrol_chat_id=-1001000000011),
    ]


def write_roster(path: Path, rows: list[str], *, header: str = ROSTER_HEADER,
                 encoding: str = "utf-8") -> Path:
    """Write a CSV roster from already-formatted lines."""
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


async def row_counts(db: Database) -> dict[str, int]:
    """Rows per table the importers write."""
    counts = {}
    async with db.sessions() as session:
        for model in (Grid, GridOfficialChat, Person, Membership, Shift):
            counts[model.__tablename__] = await session.scalar(
                select(func.count()).select_from(model)
            )
    return counts


async def grid_by_code(db: Database, code: str) -> Grid:
    """One grid (official chats loaded)."""
    async with db.sessions() as session:
        return (await session.execute(select(Grid).where(Grid.code == code))).scalar_one()
