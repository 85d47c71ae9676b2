"""The demo town in examples/ imports cleanly and its polygons make sense after conversion."""

from __future__ import annotations

import json
import tomllib
from datetime import datetime
from itertools import combinations
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.ops import unary_union
from sqlalchemy import select

from dispatch.geo import gcj02_to_wgs84
from dispatch.importing import import_grids, import_roster, parse_grid_file, parse_roster_file
from dispatch.shifts import SHANGHAI, is_on_duty, parse_shifts
from storage.db import Database
from storage.models import Grid

from .helpers import row_counts

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GRIDS = EXAMPLES / "baiyang.geojson"
ROSTER = EXAMPLES / "roster.csv"
COMMUNITIES = ["wx-by-bm", "wx-by-md", "wx-by-xh", "wx-by-fy"]


async def stored_shapes(db: Database) -> dict[str, object]:
    """Code → shapely geometry of every stored grid."""
    async with db.sessions() as session:
        grids = (await session.execute(select(Grid))).scalars().all()
    return {g.code: shape(g.geometry) for g in grids}


async def test_examples_import_cleanly_and_idempotently(db: Database) -> None:
    grids = await import_grids(db, GRIDS)
    roster = await import_roster(db, ROSTER)
    assert (grids.created, roster.created, roster.people_created) == (10, 19, 19)
    counts = await row_counts(db)
    assert (await import_grids(db, GRIDS)).unchanged == 10
    assert (await import_roster(db, ROSTER)).unchanged == 19
    assert await row_counts(db) == counts


async def test_demo_town_tiles_after_conversion(db: Database) -> None:
    await import_grids(db, GRIDS)
    shapes = await stored_shapes(db)
    street = shapes["wx-by"]
    union = unary_union([shapes[c] for c in COMMUNITIES])
    assert union.symmetric_difference(street).area < 1e-9 * street.area
    for a, b in combinations(COMMUNITIES, 2):
        assert shapes[a].intersection(shapes[b]).area < 1e-9 * street.area, (a, b)
    assert shapes["wx"].contains(street)
    for grid in ("wx-by-bm-01", "wx-by-bm-02"):
        assert shapes["wx-by-bm"].buffer(1e-9).contains(shapes[grid])


async def test_a_point_picked_on_amap_lands_in_its_grid(db: Database) -> None:
    await import_grids(db, GRIDS)
    shapes = await stored_shapes(db)
    raw = json.loads(GRIDS.read_text(encoding="utf-8"))
    drawn = {f["properties"]["code"]: shape(f["geometry"]) for f in raw["features"]}
    # A spot inside 白马第一网格 on AMap, ~150 m from its western edge (滨河北路); the phone
    # standing there reports WGS-84, about 450 m further west.
    amap = Point(drawn["wx-by-bm-01"].bounds[0] + 0.0015, 31.405)
    assert drawn["wx-by-bm-01"].contains(amap)
    phone = Point(*gcj02_to_wgs84(amap.x, amap.y))
    hits = sorted(code for code, geom in shapes.items() if geom.contains(phone))
    assert hits == ["wx", "wx-by", "wx-by-bm", "wx-by-bm-01"]
    # Read raw, without conversion, the phone's point is not where the grid was drawn.
    assert not drawn["wx-by-bm-01"].contains(phone)


def test_example_roster_covers_day_night_and_all_roles() -> None:
    rows = parse_roster_file(ROSTER)
    assert 12 <= len({r.telegram_id for r in rows}) <= 20
    assert {r.role for r in rows} == {"patrol", "leader", "official", "admin"}
    assert any(spec.crosses_midnight for r in rows for spec in r.specs)
    grids = {r.code for r in parse_grid_file(GRIDS)}
    assert {r.grid for r in rows} <= grids
    # At 03:00 on a Saturday somebody patrols 白马第一网格 (the night shift).
    night = datetime(2027, 2, 6, 3, 0, tzinfo=SHANGHAI)
    on_duty = [r.name for r in rows if r.grid == "wx-by-bm-01"
               and is_on_duty(parse_shifts(r.shift_text), not r.specs, night)]
    assert on_duty == ["李秀英"]


def test_example_config_is_valid_toml_with_the_documented_sections() -> None:
    data = tomllib.loads((EXAMPLES / "lantian.toml").read_text(encoding="utf-8"))
    assert {"bot", "database", "webhook", "media", "sla", "escalation", "windows",
            "reminders"} <= set(data)
