"""Coordinate systems used in China and great-circle distance. Pure functions, no database.

Three systems meet in Lantian:

* **WGS-84** — GPS; what Telegram sends and what Lantian stores.
* **GCJ-02** ("Mars coordinates") — the legally mandated obfuscation used by AMap (高德),
  Tencent and Google China maps. It shifts points by a few hundred metres, irregularly.
* **BD-09** — Baidu's further transform of GCJ-02.

Argument order: every function takes and returns ``(lon, lat)`` — the GeoJSON order — except
:func:`haversine_m`, which takes ``(lat1, lon1, lat2, lon2)`` like most distance formulas; call
it with keywords when in doubt.

Outside mainland China the GCJ-02 offset is not applied (the widely used rectangular
``out_of_china`` test: longitude 72.004–137.8347, latitude 0.8293–55.8271), so WGS-84 ↔ GCJ-02
is the identity there. The box is coarse: it also covers neighbouring countries. The BD-09 ↔
GCJ-02 step is applied everywhere (it is a plain formula, as Baidu does).

:func:`gcj02_to_wgs84` and :func:`bd09_to_gcj02` are exact inverses found by fixed-point
iteration (error well below 1 cm), not the one-step approximations found in many snippets
(which are off by up to a few metres).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

COORD_SYSTEMS = ("wgs84", "gcj02", "bd09")

# Krasovsky 1940 ellipsoid parameters used by the GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
_EARTH_RADIUS_M = 6371008.8  # mean Earth radius (IUGG)
_INVERSE_TOLERANCE_DEG = 1e-10  # ~0.01 mm
_INVERSE_MAX_STEPS = 30

Point = tuple[float, float]


def out_of_china(lon: float, lat: float) -> bool:
    """True when (lon, lat) lies outside the rectangle where GCJ-02 applies."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lon: float, lat: float) -> Point:
    """WGS-84 → GCJ-02 (identity outside China)."""
    if out_of_china(lon, lat):
        return lon, lat
    d_lat = _transform_lat(lon - 105.0, lat - 35.0)
    d_lon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lon + d_lon, lat + d_lat


def _invert(
    forward: Callable[[float, float], Point], lon: float, lat: float, start: Point | None = None
) -> Point:
    """Solve forward(x, y) == (lon, lat) by fixed-point iteration (the offset varies slowly)."""
    x, y = start if start is not None else (lon, lat)
    for _ in range(_INVERSE_MAX_STEPS):
        fx, fy = forward(x, y)
        dx, dy = fx - lon, fy - lat
        x, y = x - dx, y - dy
        if abs(dx) < _INVERSE_TOLERANCE_DEG and abs(dy) < _INVERSE_TOLERANCE_DEG:
            break
    return x, y


def gcj02_to_wgs84(lon: float, lat: float) -> Point:
    """GCJ-02 → WGS-84, the exact inverse of :func:`wgs84_to_gcj02` (identity outside China)."""
    if out_of_china(lon, lat):
        return lon, lat
    return _invert(wgs84_to_gcj02, lon, lat)


def gcj02_to_bd09(lon: float, lat: float) -> Point:
    """GCJ-02 → BD-09 (Baidu)."""
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lon: float, lat: float) -> Point:
    """BD-09 → GCJ-02, the exact inverse of :func:`gcj02_to_bd09`."""
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    guess = (z * math.cos(theta), z * math.sin(theta))  # the usual one-step approximation
    return _invert(gcj02_to_bd09, lon, lat, start=guess)


def bd09_to_wgs84(lon: float, lat: float) -> Point:
    """BD-09 → WGS-84 (via GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def wgs84_to_bd09(lon: float, lat: float) -> Point:
    """WGS-84 → BD-09 (via GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


_TO_WGS84: dict[str, Callable[[float, float], Point]] = {
    "wgs84": lambda lon, lat: (lon, lat),
    "gcj02": gcj02_to_wgs84,
    "bd09": bd09_to_wgs84,
}


def normalize_coord_system(system: str) -> str:
    """Canonical name of a coordinate system: `wgs84`, `gcj02` or `bd09`.

    Case, `-`, `_` and spaces are ignored (`GCJ-02`, `BD_09`, `WGS 84` are accepted).
    Raises ValueError for anything else.
    """
    key = str(system).strip().lower().replace("-", "").replace("_", "").replace(" ", "")
    if key not in _TO_WGS84:
        raise ValueError(
            f"unknown coordinate system {system!r} (expected one of {', '.join(COORD_SYSTEMS)})"
        )
    return key


def to_wgs84(lon: float, lat: float, system: str) -> Point:
    """Convert (lon, lat) given in `system` (`wgs84`, `gcj02`, `bd09`) to WGS-84."""
    return _TO_WGS84[normalize_coord_system(system)](lon, lat)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points. Note: LATITUDE first."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    d_lat = p2 - p1
    d_lon = math.radians(lon2 - lon1)
    h = math.sin(d_lat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(d_lon / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _map_coords(coords: Any, fn: Callable[[float, float], Point], ndigits: int | None) -> Any:
    """Apply fn to every [lon, lat, ...] position of a nested coordinate array."""
    if isinstance(coords, list | tuple) and coords and isinstance(coords[0], int | float):
        lon, lat = fn(float(coords[0]), float(coords[1]))
        if ndigits is not None:
            lon, lat = round(lon, ndigits), round(lat, ndigits)
        return [lon, lat]
    return [_map_coords(c, fn, ndigits) for c in coords]


def transform_geometry(
    geojson_geometry: dict[str, Any], system: str, *, ndigits: int | None = 7
) -> dict[str, Any]:
    """A copy of a GeoJSON geometry with every vertex converted from `system` to WGS-84.

    Works for any geometry with `coordinates` (Point … MultiPolygon) and for
    GeometryCollection. Coordinates are rounded to `ndigits` decimals (7 ≈ 1 cm, so a
    re-import of the same file yields identical JSON); altitudes are dropped.
    """
    fn = _TO_WGS84[normalize_coord_system(system)]
    kind = geojson_geometry.get("type")
    if kind == "GeometryCollection":
        return {
            "type": kind,
            "geometries": [
                transform_geometry(g, system, ndigits=ndigits)
                for g in geojson_geometry.get("geometries", [])
            ],
        }
    return {"type": kind, "coordinates": _map_coords(geojson_geometry["coordinates"], fn, ndigits)}
