"""Coordinate conversions against published reference pairs, and their round trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.geo import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    haversine_m,
    normalize_coord_system,
    out_of_china,
    to_wgs84,
    transform_geometry,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# (wgs lon, wgs lat, gcj lon, gcj lat): the reference pairs of the eviltransform test suites.
WGS_GCJ_PAIRS = [
    (121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),  # Shanghai
    (113.912316, 22.543847, 113.9171764808363, 22.540796131694766),  # Shenzhen
    (116.377817, 39.911954, 116.38404722455657, 39.91334545536069),  # Beijing
]

china_lon = st.floats(min_value=73.0, max_value=135.0)
china_lat = st.floats(min_value=18.0, max_value=53.0)


def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between two (lon, lat) points."""
    return haversine_m(lat1=a[1], lon1=a[0], lat2=b[1], lon2=b[0])


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), WGS_GCJ_PAIRS)
def test_wgs84_to_gcj02_matches_reference(wlon, wlat, glon, glat) -> None:
    assert distance(wgs84_to_gcj02(wlon, wlat), (glon, glat)) < 0.01


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), WGS_GCJ_PAIRS)
def test_gcj02_to_wgs84_is_exact_inverse_of_reference(wlon, wlat, glon, glat) -> None:
    assert distance(gcj02_to_wgs84(glon, glat), (wlon, wlat)) < 0.01


def test_gcj_offset_is_hundreds_of_metres_in_wuxi() -> None:
    point = (109.6115, 31.40)
    assert 300 < distance(point, wgs84_to_gcj02(*point)) < 800
    assert 800 < distance(point, wgs84_to_bd09(*point)) < 1500


def test_bd09_reference_values() -> None:
    # gcoord's unit tests (which use the one-step BD-09 inverse, so compare to ~1e-5 degree).
    assert gcj02_to_bd09(123, 45) == pytest.approx((123.00636499, 45.00636899), abs=1e-7)
    assert bd09_to_gcj02(123, 45) == pytest.approx((122.99363304, 44.99365430), abs=5e-6)
    assert bd09_to_wgs84(123, 45) == pytest.approx((122.98762210, 44.99171540), abs=5e-6)


def test_outside_china_gcj_is_identity() -> None:
    paris = (2.3522, 48.8566)
    assert out_of_china(*paris)
    assert wgs84_to_gcj02(*paris) == paris
    assert gcj02_to_wgs84(*paris) == paris
    assert not out_of_china(109.6, 31.4)


def test_to_wgs84_dispatches_on_system_names() -> None:
    gcj = wgs84_to_gcj02(109.6, 31.4)
    assert distance(to_wgs84(*gcj, "gcj02"), (109.6, 31.4)) < 0.01
    assert distance(to_wgs84(*gcj, "GCJ-02"), (109.6, 31.4)) < 0.01
    assert to_wgs84(109.6, 31.4, "wgs84") == (109.6, 31.4)
    bd = wgs84_to_bd09(109.6, 31.4)
    assert distance(to_wgs84(*bd, "bd09"), (109.6, 31.4)) < 0.01
    assert normalize_coord_system("BD_09") == "bd09"
    with pytest.raises(ValueError, match="unknown coordinate system"):
        to_wgs84(109.6, 31.4, "cgcs2000")


def test_haversine_known_distance() -> None:
    # One degree of latitude is about 111.2 km on the mean sphere.
    assert haversine_m(31.0, 109.0, 32.0, 109.0) == pytest.approx(111_195, rel=1e-3)
    assert haversine_m(31.4, 109.6, 31.4, 109.6) == 0.0


def test_transform_geometry_converts_every_vertex_and_keeps_structure() -> None:
    ring = [[109.60, 31.38], [109.62, 31.38], [109.62, 31.40], [109.60, 31.38]]
    multi = {"type": "MultiPolygon", "coordinates": [[ring], [ring]]}
    out = transform_geometry(multi, "gcj02")
    assert out["type"] == "MultiPolygon"
    assert len(out["coordinates"]) == 2 and len(out["coordinates"][0][0]) == 4
    for src, dst in zip(ring, out["coordinates"][1][0], strict=True):
        assert distance(tuple(dst), gcj02_to_wgs84(*src)) < 0.02  # rounded to 7 decimals
    assert transform_geometry(multi, "wgs84")["coordinates"][0][0] == ring
    assert multi["coordinates"][0][0][0] == [109.60, 31.38]  # input untouched


@settings(max_examples=300, deadline=None)
@given(china_lon, china_lat)
def test_gcj_round_trip_below_half_a_metre(lon: float, lat: float) -> None:
    assert distance(gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat)), (lon, lat)) < 0.5
    assert distance(wgs84_to_gcj02(*gcj02_to_wgs84(lon, lat)), (lon, lat)) < 0.5


@settings(max_examples=300, deadline=None)
@given(china_lon, china_lat)
def test_bd_round_trip_below_half_a_metre(lon: float, lat: float) -> None:
    assert distance(bd09_to_gcj02(*gcj02_to_bd09(lon, lat)), (lon, lat)) < 0.5
    assert distance(bd09_to_wgs84(*wgs84_to_bd09(lon, lat)), (lon, lat)) < 0.5


@settings(max_examples=200, deadline=None)
@given(china_lon, china_lat)
def test_gcj_offset_is_bounded(lon: float, lat: float) -> None:
    # The obfuscation moves points by at most a few hundred metres (never kilometres).
    assert distance(wgs84_to_gcj02(lon, lat), (lon, lat)) < 1_000
