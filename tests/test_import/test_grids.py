"""`import grids`: coordinate systems, bad files, re-import, all-or-nothing (both backends)."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import Point, shape
from sqlalchemy import select

from dispatch.geo import wgs84_to_bd09, wgs84_to_gcj02
from dispatch.importing import ImportFailed, import_grids, load_gazetteer_rows
from storage.db import Database
from storage.models import Grid, GridOfficialChat

from .helpers import collection, feature, grid_by_code, rect, row_counts, small_town, write_json

# A WGS-84 point (what Telegram sends) in Wuxi county town.
KNOWN_WGS84 = (109.6115, 31.40)


async def containing_grids(db: Database, lon: float, lat: float) -> list[str]:
    """Codes of the stored (WGS-84) polygons that contain the point, deepest level last."""
    async with db.sessions() as session:
        grids = (await session.execute(select(Grid))).scalars().all()
    return [g.code for g in grids if shape(g.geometry).contains(Point(lon, lat))]


def two_neighbours(boundary_lon: float) -> list[dict]:
    """West grid B and east grid A sharing the meridian `boundary_lon`, under a street."""
    return [
        feature("s", "街道", "street", None,
                rect(boundary_lon - 0.02, 31.37, boundary_lon + 0.02, 31.43)),
        feature("s-b", "西网格 B", "grid", "s",
                rect(boundary_lon - 0.015, 31.39, boundary_lon, 31.41)),
        feature("s-a", "东网格 A", "grid", "s",
                rect(boundary_lon, 31.39, boundary_lon + 0.015, 31.41)),
    ]


@pytest.mark.parametrize(
    ("system", "boundary_lon", "expected"),
    [
        # Drawn on AMap (GCJ-02): the point is ~450 m further east there, so it is in A;
        # taking the GCJ polygon as WGS-84 would have put it in B.
        ("gcj02", 109.615, "s-a"),
        # Drawn on Baidu (BD-09): ~1.1 km offset.
        ("bd09", 109.620, "s-a"),
        # Plain WGS-84: stored as given; the point is west of the boundary.
        ("wgs84", 109.615, "s-b"),
        (None, 109.615, "s-b"),  # coord_system absent means wgs84
    ],
)
async def test_known_wgs84_point_lands_in_the_right_grid(
    db: Database, tmp_path: Path, system: str | None, boundary_lon: float, expected: str
) -> None:
    features = two_neighbours(boundary_lon)
    path = write_json(tmp_path / "grids.geojson", collection(features, system))
    raw_b = shape(features[1]["geometry"])
    assert raw_b.contains(Point(*KNOWN_WGS84))  # premise: a raw reading would say B
    if system == "gcj02":
        assert shape(features[2]["geometry"]).contains(Point(*wgs84_to_gcj02(*KNOWN_WGS84)))
    if system == "bd09":
        assert shape(features[2]["geometry"]).contains(Point(*wgs84_to_bd09(*KNOWN_WGS84)))

    result = await import_grids(db, path)

    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert await containing_grids(db, *KNOWN_WGS84) == ["s", expected]
    grid = await grid_by_code(db, expected)
    assert grid.source_coord_system == (system or "wgs84")
    bounds = shape(grid.geometry).bounds
    assert (grid.min_lon, grid.min_lat, grid.max_lon, grid.max_lat) == pytest.approx(bounds)
    if system in (None, "wgs84"):
        assert grid.geometry == features[2 if expected == "s-a" else 1]["geometry"]


async def test_hierarchy_chats_and_aliases_are_stored(db: Database, tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.geojson", collection(small_town()))
    await import_grids(db, path)
    street, west, grid = [await grid_by_code(db, c) for c in ("t", "t-w", "t-w-01")]
    assert (street.level, street.parent_id, west.parent_id, grid.parent_id) == (
        "street", None, street.id, west.id)
    assert west.aliases == ["白马", "马镇坝"] and west.patrol_chat_id == -1001000000001
    assert [(c.chat_id, c.source) for c in street.official_chats] == [
        (-1002000000001, "import")]
    rows = await load_gazetteer_rows(db)
    assert ("t-w", "白马社区", ["白马", "马镇坝"]) in rows
    assert [code for code, _, _ in rows] == ["t", "t-e", "t-w", "t-w-01"]


def _bow_tie() -> dict:
    ring = [[109.60, 31.38], [109.62, 31.40], [109.62, 31.38], [109.60, 31.40], [109.60, 31.38]]
    return {"type": "Polygon", "coordinates": [ring]}


BAD_FEATURE_FILES = [
    # (name, features mutation, expected fragment of the message)
    ("unknown parent", lambda f: f[1]["properties"].update(parent="nowhere"),
     "feature 2 (code t-w): unknown parent 'nowhere'"),
    ("duplicate code", lambda f: f[3]["properties"].update(code="t-e"),
     "feature 4 (code t-e): duplicate code 't-e' (also feature 3)"),
    ("self-intersecting polygon", lambda f: f[2].update(geometry=_bow_tie()),
     "feature 3 (code t-e): invalid polygon: Self-intersection"),
    ("point geometry", lambda f: f[2].update(geometry={"type": "Point", "coordinates": [1, 2]}),
     "geometry type must be Polygon or MultiPolygon, got 'Point'"),
    ("no geometry", lambda f: f[2].update(geometry=None), "missing geometry"),
    ("swapped lon/lat", lambda f: f[2].update(geometry=rect(31.38, 109.62, 31.42, 109.64)),
     "out of range: positions are [longitude, latitude]"),
    ("short ring", lambda f: f[2].update(
        geometry={"type": "Polygon", "coordinates": [[[109.6, 31.4], [109.7, 31.4]]]}),
     "a polygon needs at least 4"),
    ("bad level", lambda f: f[2]["properties"].update(level="village"),
     "level must be one of district, street, community, grid, got 'village'"),
    ("level order", lambda f: f[3]["properties"].update(level="street"),
     "level 'street' must be below its parent's level 'community'"),
    ("missing name", lambda f: f[1]["properties"].pop("name"), "missing property 'name'"),
    ("missing code", lambda f: f[1]["properties"].pop("code"), "missing property 'code'"),
    ("aliases not a list", lambda f: f[1]["properties"].update(aliases="白马"),
     "aliases must be a list of strings"),
    ("bad chat id", lambda f: f[1]["properties"].update(patrol_chat_id="group"),
     "patrol_chat_id must be an integer chat id"),
    ("parent cycle", lambda f: f[0]["properties"].update(parent="t-w-01", level="district"),
     "parent cycle: t → t-w-01 → t-w → t"),
]


@pytest.mark.parametrize(("name", "mutate", "fragment"), BAD_FEATURE_FILES,
                         ids=[case[0] for case in BAD_FEATURE_FILES])
async def test_bad_feature_fails_and_writes_nothing(
    db: Database, tmp_path: Path, name: str, mutate, fragment: str
) -> None:
    features = small_town()
    mutate(features)
    path = write_json(tmp_path / "bad.geojson", collection(features))
    before = await row_counts(db)
    with pytest.raises(ImportFailed) as info:
        await import_grids(db, path)
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"{path}: ")
    assert info.value.file == str(path) and info.value.unit == "feature"
    assert await row_counts(db) == before


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('{"type": "FeatureCollection", "features": [', "not valid JSON: Expecting value (line 1"),
        ("", "not valid JSON"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', '"features" must be a non-empty list'),
        ('{"type": "FeatureCollection", "coord_system": "utm", "features": []}',
         "coord_system: unknown coordinate system 'utm'"),
    ],
)
async def test_bad_files(db: Database, tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        await import_grids(db, path)
    assert str(info.value) == f"{path}: {info.value.problem}"
    assert fragment in info.value.problem
    assert await row_counts(db) == dict.fromkeys(await row_counts(db), 0)


async def test_missing_file(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="cannot read the file"):
        await import_grids(db, tmp_path / "nope.geojson")


async def test_reimport_updates_by_code_and_is_idempotent(db: Database, tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.geojson", collection(small_town()))
    first = await import_grids(db, path)
    assert (first.created, first.updated, first.unchanged) == (4, 0, 0)
    again = await import_grids(db, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    counts = await row_counts(db)

    renamed = small_town(town_name="柏杨街道办事处")
    write_json(path, collection(renamed))
    changed = await import_grids(db, path)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 3)
    assert (await grid_by_code(db, "t")).name == "柏杨街道办事处"
    assert await row_counts(db) == counts
    assert (await import_grids(db, path)).unchanged == 4


async def test_reimport_redraws_and_moves_to_a_new_parent(db: Database, tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.geojson", collection(small_town()))
    await import_grids(db, path)
    features = small_town()
    features[3]["properties"]["parent"] = "t-e"
    features[3]["geometry"] = rect(109.63, 31.38, 109.64, 31.42)
    write_json(path, collection(features, "gcj02"))
    result = await import_grids(db, path)
    assert result.updated == 4  # every geometry moved: the file is now read as GCJ-02
    grid, east = await grid_by_code(db, "t-w-01"), await grid_by_code(db, "t-e")
    assert grid.parent_id == east.id and grid.source_coord_system == "gcj02"
    assert grid.max_lon < 109.64  # converted west by the GCJ offset


async def test_grids_missing_from_a_reimport_are_left_alone(db: Database, tmp_path: Path) -> None:
    path = write_json(tmp_path / "t.geojson", collection(small_town()))
    await import_grids(db, path)
    write_json(path, collection([small_town()[2]]))  # only t-e; its parent t is in the DB
    result = await import_grids(db, path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert (await row_counts(db))["grids"] == 4


async def test_new_grid_may_hang_below_a_grid_already_in_the_database(
    db: Database, tmp_path: Path
) -> None:
    await import_grids(db, write_json(tmp_path / "a.geojson", collection(small_town())))
    extra = feature("t-w-02", "白马第二网格", "grid", "t-w", rect(109.61, 31.38, 109.62, 31.42))
    result = await import_grids(db, write_json(tmp_path / "b.geojson", collection([extra])))
    assert result.created == 1
    assert (await grid_by_code(db, "t-w-02")).parent_id == (await grid_by_code(db, "t-w")).id


async def test_level_change_that_breaks_an_existing_child_is_refused(
    db: Database, tmp_path: Path
) -> None:
    await import_grids(db, write_json(tmp_path / "a.geojson", collection(small_town())))
    west = small_town()[1]
    west["properties"]["level"] = "grid"
    with pytest.raises(ImportFailed, match="existing child 't-w-01'"):
        await import_grids(db, write_json(tmp_path / "b.geojson", collection([west])))


async def test_official_chats_replace_import_rows_and_keep_bound_ones(
    db: Database, tmp_path: Path
) -> None:
    path = write_json(tmp_path / "t.geojson", collection(small_town(officials=[-100, -200])))
    await import_grids(db, path)
    street = await grid_by_code(db, "t")
    async with db.transaction() as session:
        session.add(GridOfficialChat(grid_id=street.id, chat_id=-999, source="bind", bound_by=7))
        session.add(GridOfficialChat(grid_id=street.id, chat_id=-300, source="bind", bound_by=7))

    write_json(path, collection(small_town(officials=[-200, -300, -400])))
    result = await import_grids(db, path)
    assert result.updated == 1
    chats = {(c.chat_id, c.source) for c in (await grid_by_code(db, "t")).official_chats}
    assert chats == {(-200, "import"), (-400, "import"), (-999, "bind"), (-300, "bind")}
    assert (await import_grids(db, path)).unchanged == 4


async def test_chinese_levels_int_codes_and_multipolygons(db: Database, tmp_path: Path) -> None:
    multi = {
        "type": "MultiPolygon",
        "coordinates": [rect(109.60, 31.38, 109.61, 31.39)["coordinates"],
                        rect(109.62, 31.38, 109.63, 31.39)["coordinates"]],
    }
    features = [
        feature(500238, "巫溪县", "区县", None, rect(109.5, 31.3, 109.7, 31.5)),
        feature("500238-001", "柏杨街道", "街道", 500238, multi, aliases=[" 柏杨 ", "柏杨", ""]),
    ]
    await import_grids(db, write_json(tmp_path / "t.geojson", collection(features, "GCJ-02")))
    street = await grid_by_code(db, "500238-001")
    assert street.level == "street" and street.geometry["type"] == "MultiPolygon"
    assert street.aliases == ["柏杨"]
    assert street.parent_id == (await grid_by_code(db, "500238")).id
