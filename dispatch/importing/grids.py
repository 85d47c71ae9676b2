"""`lantian import grids FILE.geojson`: the grid hierarchy with polygons, all-or-nothing.

The file is read and checked completely in memory (JSON, structure, properties, polygons),
then checked against the database (parents, cycles, level order) and written, all inside one
transaction. See docs/formats.md for the format.
"""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.geo import normalize_coord_system, transform_geometry
from dispatch.importing.common import ImportFailed, ImportResult
from storage.db import Database
from storage.models import Grid, GridLevel, GridOfficialChat

LEVELS = [level.value for level in GridLevel]  # top to bottom
LEVEL_ALIASES = {
    "区": "district", "县": "district", "区县": "district",
    "街道": "street", "乡": "street", "镇": "street", "乡镇": "street",
    "社区": "community", "村": "community",
    "网格": "grid",
}
_CODE_MAX, _NAME_MAX = 64, 200
Bounds = tuple[float, float, float, float]


@dataclass
class GridRecord:
    """One validated feature, geometry already converted to WGS-84."""

    index: int
    code: str
    name: str
    level: str
    parent: str | None
    aliases: list[str]
    patrol_chat_id: int | None
    official_chat_ids: list[int]
    geometry: dict[str, Any]
    bbox: Bounds
    coord_system: str = "wgs84"


class _FeatureError(Exception):
    """A problem in one feature; turned into ImportFailed with the feature's index and code."""


def _as_code(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _FeatureError(f"{what} must be a string, got {type(value).__name__}")
    text = str(value).strip()
    if len(text) > _CODE_MAX:
        raise _FeatureError(f"{what} {text!r} is longer than {_CODE_MAX} characters")
    return text or None


def _as_chat_id(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise _FeatureError(f"{what} must be an integer chat id, got {value!r}")
    if isinstance(value, int):
        chat_id = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        chat_id = int(value.strip())
    else:
        raise _FeatureError(f"{what} must be an integer chat id, got {value!r}")
    if chat_id == 0:
        raise _FeatureError(f"{what} must not be 0")
    return chat_id


def _check_positions(coords: Any, depth: int) -> None:
    """Structure of Polygon (depth 2) / MultiPolygon (depth 3) coordinates, ranges of numbers."""
    if not isinstance(coords, list) or not coords:
        raise _FeatureError("geometry coordinates must be non-empty nested lists")
    if depth == 1:  # a ring: list of positions
        if len(coords) < 3:
            raise _FeatureError(f"a ring has {len(coords)} positions, a polygon needs at least 4")
        for pos in coords:
            if (
                not isinstance(pos, list)
                or len(pos) < 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pos)
            ):
                raise _FeatureError(f"bad position {pos!r}: expected [longitude, latitude]")
            lon, lat = pos[0], pos[1]
            if not (math.isfinite(lon) and math.isfinite(lat)):
                raise _FeatureError(f"bad position {pos!r}: not a finite number")
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise _FeatureError(
                    f"position {pos!r} is out of range: positions are [longitude, latitude]"
                )
        return
    for item in coords:
        _check_positions(item, depth - 1)


def _close_rings(coords: Any, depth: int) -> Any:
    """Copy of the coordinates with every ring closed (last position = first)."""
    if depth == 1:
        ring = [list(pos[:2]) for pos in coords]
        if ring[0] != ring[-1]:
            ring.append(list(ring[0]))
        return ring
    return [_close_rings(item, depth - 1) for item in coords]


def _polygon(geometry: Any, coord_system: str) -> tuple[dict[str, Any], Bounds]:
    """Validate a Polygon/MultiPolygon; return it converted to WGS-84 and its bbox."""
    if not isinstance(geometry, dict):
        raise _FeatureError("missing geometry (a Polygon or MultiPolygon is required)")
    kind = geometry.get("type")
    depth = {"Polygon": 2, "MultiPolygon": 3}.get(kind)  # type: ignore[arg-type]
    if depth is None:
        raise _FeatureError(f"geometry type must be Polygon or MultiPolygon, got {kind!r}")
    _check_positions(geometry.get("coordinates"), depth)
    source = {"type": kind, "coordinates": _close_rings(geometry["coordinates"], depth)}
    _valid_shape(source, "")
    converted = transform_geometry(source, coord_system)
    min_lon, min_lat, max_lon, max_lat = _valid_shape(converted, " after conversion").bounds
    return converted, (float(min_lon), float(min_lat), float(max_lon), float(max_lat))


def _valid_shape(geometry: dict[str, Any], label: str) -> Any:
    """The shapely geometry, or a _FeatureError saying why it is unusable."""
    try:
        shp = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed input
        raise _FeatureError(f"malformed geometry{label}: {exc}") from None
    if shp.is_empty:
        raise _FeatureError(f"empty polygon{label}")
    if not shp.is_valid:
        raise _FeatureError(
            f"invalid polygon{label}: {shapely.is_valid_reason(shp)} "
            "(e.g. edges crossing each other; redraw it in your map tool)"
        )
    if shp.area == 0:
        raise _FeatureError(f"degenerate polygon{label} (zero area)")
    return shp


def _record(index: int, feature: Any, coord_system: str) -> GridRecord:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise _FeatureError("not a GeoJSON Feature (an object with \"type\": \"Feature\")")
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise _FeatureError("missing properties")
    code = _as_code(props.get("code"), "code")
    if code is None:
        raise _FeatureError("missing property 'code'")
    name = props.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _FeatureError("missing property 'name' (a non-empty string)")
    if len(name.strip()) > _NAME_MAX:
        raise _FeatureError(f"name is longer than {_NAME_MAX} characters")
    level_raw = props.get("level")
    level = LEVEL_ALIASES.get(str(level_raw).strip(), str(level_raw).strip().lower())
    if level_raw is None or level not in LEVELS:
        raise _FeatureError(f"level must be one of {', '.join(LEVELS)}, got {level_raw!r}")
    parent = _as_code(props.get("parent"), "parent")
    aliases_raw = props.get("aliases") or []
    if not isinstance(aliases_raw, list) or not all(isinstance(a, str) for a in aliases_raw):
        raise _FeatureError("aliases must be a list of strings")
    aliases = list(dict.fromkeys(a.strip() for a in aliases_raw if a.strip()))
    patrol = props.get("patrol_chat_id")
    patrol_chat_id = None if patrol in (None, "") else _as_chat_id(patrol, "patrol_chat_id")
    officials_raw = props.get("official_chat_ids") or []
    if not isinstance(officials_raw, list):
        raise _FeatureError("official_chat_ids must be a list of integer chat ids")
    officials = list(dict.fromkeys(_as_chat_id(c, "official_chat_ids") for c in officials_raw))
    geometry, bbox = _polygon(feature.get("geometry"), coord_system)
    return GridRecord(
        index=index, code=code, name=name.strip(), level=level, parent=parent, aliases=aliases,
        patrol_chat_id=patrol_chat_id, official_chat_ids=officials, geometry=geometry,
        bbox=bbox, coord_system=coord_system,
    )


def parse_grid_file(path: Path) -> list[GridRecord]:
    """Read and validate a grid file in memory (no database). Raises ImportFailed."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(path, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(path, f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            path, f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFailed(path, "not a GeoJSON FeatureCollection (top-level \"type\")")
    try:
        coord_system = normalize_coord_system(data.get("coord_system") or "wgs84")
    except ValueError as exc:
        raise ImportFailed(path, f"coord_system: {exc}") from None
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ImportFailed(path, "\"features\" must be a non-empty list")
    records: list[GridRecord] = []
    seen: dict[str, int] = {}
    for index, feature in enumerate(features, start=1):
        code = None
        if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
            code = str(feature["properties"].get("code") or "") or None
        try:
            record = _record(index, feature, coord_system)
        except _FeatureError as exc:
            raise ImportFailed(path, str(exc), row=index, code=code, unit="feature") from None
        if record.code in seen:
            raise ImportFailed(
                path, f"duplicate code {record.code!r} (also feature {seen[record.code]})",
                row=index, code=record.code, unit="feature",
            )
        seen[record.code] = index
        records.append(record)
    return records


@dataclass
class _DbGrid:
    id: int
    code: str
    level: str
    parent_id: int | None


def _check_hierarchy(path: Path, records: list[GridRecord], db_grids: list[_DbGrid]) -> None:
    """Parents exist, no cycles, a child's level is deeper than its parent's."""
    by_id = {g.id: g for g in db_grids}
    parent_of: dict[str, str | None] = {
        g.code: by_id[g.parent_id].code if g.parent_id in by_id else None for g in db_grids
    }
    level_of = {g.code: g.level for g in db_grids}
    in_file = {r.code: r for r in records}
    for r in records:
        parent_of[r.code] = r.parent
        level_of[r.code] = r.level

    def fail(record: GridRecord, problem: str) -> ImportFailed:
        return ImportFailed(path, problem, row=record.index, code=record.code, unit="feature")

    for r in records:
        if r.parent is None:
            continue
        if r.parent not in level_of:
            raise fail(r, f"unknown parent {r.parent!r} (not in this file nor in the database)")
        chain, code = [r.code], r.parent
        while code is not None:
            if code in chain:
                loop = " → ".join([*chain, code])
                raise fail(r, f"parent cycle: {loop}")
            chain.append(code)
            code = parent_of.get(code)
        if LEVELS.index(r.level) <= LEVELS.index(level_of[r.parent]):
            raise fail(
                r, f"level {r.level!r} must be below its parent's level "
                f"{level_of[r.parent]!r} ({r.parent}); order: {' > '.join(LEVELS)}",
            )
    for g in db_grids:  # grids kept from before whose parent changes level in this file
        parent = parent_of.get(g.code)
        if g.code in in_file or parent not in in_file:
            continue
        if LEVELS.index(g.level) <= LEVELS.index(in_file[parent].level):
            raise fail(
                in_file[parent], f"level {in_file[parent].level!r} is not above the level "
                f"{g.level!r} of its existing child {g.code!r}",
            )


def _depth(record: GridRecord, in_file: dict[str, GridRecord]) -> int:
    depth, code = 0, record.parent
    while code in in_file:
        depth += 1
        code = in_file[code].parent
    return depth


def _sync_official_chats(grid: Grid, chat_ids: list[int]) -> bool:
    """Make the grid's import-sourced official chats equal `chat_ids`; keep `bind` rows."""
    changed = False
    wanted = set(chat_ids)
    for row in list(grid.official_chats):
        if row.source == "import" and row.chat_id not in wanted:
            grid.official_chats.remove(row)
            changed = True
    present = {row.chat_id for row in grid.official_chats}
    for chat_id in chat_ids:
        if chat_id not in present:
            grid.official_chats.append(GridOfficialChat(chat_id=chat_id, source="import"))
            changed = True
    return changed


async def _write(
    session: AsyncSession, records: list[GridRecord], db_grids: list[_DbGrid]
) -> ImportResult:
    result = ImportResult(kind="grids")
    id_of = {g.code: g.id for g in db_grids}
    in_file = {r.code: r for r in records}
    rows = await session.execute(select(Grid).where(Grid.code.in_(list(in_file))))
    existing = {g.code: g for g in rows.scalars()}
    for record in sorted(records, key=lambda r: (_depth(r, in_file), r.index)):
        min_lon, min_lat, max_lon, max_lat = record.bbox
        values: dict[str, Any] = {
            "name": record.name, "level": record.level,
            "parent_id": id_of[record.parent] if record.parent else None,
            "geometry": record.geometry, "min_lon": min_lon, "min_lat": min_lat,
            "max_lon": max_lon, "max_lat": max_lat, "aliases": record.aliases,
            "patrol_chat_id": record.patrol_chat_id,
            "source_coord_system": record.coord_system,
        }
        grid = existing.get(record.code)
        if grid is None:
            grid = Grid(code=record.code, official_chats=[], **values)
            _sync_official_chats(grid, record.official_chat_ids)
            session.add(grid)
            await session.flush()
            id_of[record.code] = grid.id
            result.created += 1
            continue
        changed = False
        for key, value in values.items():
            if getattr(grid, key) != value:
                setattr(grid, key, value)
                changed = True
        changed = _sync_official_chats(grid, record.official_chat_ids) or changed
        if changed:
            result.updated += 1
        else:
            result.unchanged += 1
    await session.flush()
    return result


async def import_grids(db: Database, path: Path) -> ImportResult:
    """Import (or re-import) a grid GeoJSON file. All-or-nothing; raises ImportFailed."""
    path = Path(path)
    records = await asyncio.to_thread(parse_grid_file, path)
    async with db.transaction() as session:
        found = await session.execute(select(Grid.id, Grid.code, Grid.level, Grid.parent_id))
        db_grids = [_DbGrid(*row) for row in found.all()]
        _check_hierarchy(path, records, db_grids)
        return await _write(session, records, db_grids)


async def load_gazetteer_rows(db: Database) -> list[tuple[str, str, list[str]]]:
    """(code, name, aliases) of every grid, ordered by code, for the place-name gazetteer."""
    async with db.sessions() as session:
        rows = await session.execute(select(Grid.code, Grid.name, Grid.aliases).order_by(Grid.code))
        return [(code, name, list(aliases or [])) for code, name, aliases in rows.all()]
