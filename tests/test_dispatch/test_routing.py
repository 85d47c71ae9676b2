"""Routing rules: deepest grid, a fixed rule on shared edges, gaps, far away, bad input."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, box, mapping, shape

from dispatch.routing import Router

# A street (0..2 × 0..1) with two communities side by side, a grid inside the left one,
# and a gap of 0.001° (≈ 95 m) between the right community and a third one.
ROWS = [
    (1, "street", "街道", "street", None, -1, mapping(box(0, 0, 2.5, 1))),
    (2, "a", "甲社区", "community", 1, -2, mapping(box(0, 0, 1, 1))),
    (3, "b", "乙社区", "community", 1, -3, mapping(box(1, 0, 2, 1))),
    (4, "a-1", "甲一网格", "grid", 2, -4, mapping(box(0, 0, 0.5, 0.5))),
    (5, "c", "丙社区", "community", 1, -5, mapping(box(2.001, 0, 2.5, 0.9))),
]


def router(gap_m: float = 300.0) -> Router:
    return Router.from_rows(ROWS, gap_m=gap_m)


def test_the_deepest_grid_wins() -> None:
    route = router().locate(0.25, 0.25)
    assert (route.grid.code, route.how) == ("a-1", "inside")
    assert router().locate(0.75, 0.75).grid.code == "a"


def test_a_shared_edge_always_goes_to_the_smallest_code() -> None:
    for _ in range(3):
        assert router().locate(0.5, 1.0).grid.code == "a"  # on the edge between a and b
    assert router().locate(0.25, 0.5).grid.code == "a-1"  # edge of a-1 inside a: deeper


def test_a_point_in_a_gap_goes_to_the_nearest_grid_within_the_distance() -> None:
    # x = 2.0008 lies in the 0.001° gap between b (ends at 2.0) and c (starts at 2.001),
    # inside the street; b is nearer. Outside the street too: y = 0.95 above c.
    inside_street = router().locate(0.5, 2.0008)
    assert inside_street.grid.code == "street"  # covered by the street polygon itself
    gap_only = Router.from_rows([r for r in ROWS if r[1] != "street"], gap_m=300)
    route = gap_only.locate(0.5, 2.0008)
    assert (route.grid.code, route.how) == ("c", "nearest")
    assert 0 < route.distance_m < 300


def test_far_away_goes_to_the_duty_desk() -> None:
    route = router().locate(31.4, 109.6)
    assert route.outside and route.grid.code == "street"
    gapless = Router.from_rows([r for r in ROWS if r[1] != "street"], gap_m=10)
    route = gapless.locate(0.5, 2.0008)  # 95 m > 10 m
    assert route.outside


def test_hierarchy_helpers() -> None:
    r = router()
    assert [g.code for g in r.ancestors(4)] == ["a", "street"]
    assert {g.code for g in r.descendants(2)} == {"a", "a-1"}
    assert [g.code for g in r.neighbours(2)] == ["b"]
    assert r.root.code == "street"


@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True,
                                                                  allow_infinity=True))
def test_locate_never_raises(latitude: float, longitude: float) -> None:
    route = router().locate(latitude, longitude)
    assert route.grid is not None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        assert route.outside


def test_no_grids_at_all() -> None:
    empty = Router([], {})
    route = empty.locate(31.4, 109.6)
    assert route.grid is None and route.outside


# A community with a courtyard cut out (a hole) and a grid of its own in the courtyard.
HOLED = [
    *ROWS,
    (6, "d", "丁社区", "community", 1, -6,
     mapping(Polygon([(3, 0), (4, 0), (4, 1), (3, 1)],
                     [[(3.4, 0.4), (3.6, 0.4), (3.6, 0.6), (3.4, 0.6)]]))),
    (7, "d-9", "丁九网格", "grid", 6, -7, mapping(box(3.45, 0.45, 3.55, 0.55))),
    # A diamond with slanted edges above b and d, one of its corners on d's top-left one.
    (8, "ab", "戊社区", "community", 1, -8,
     mapping(Polygon([(3, 1.0), (3.5, 1.2), (3, 1.4), (1.5, 1.2)]))),
]
# Rows in reverse code order: the tie-break on codes may not lean on the order of rows
# (the catalogue reads them without ORDER BY).
HOLED_ROUTER = Router.from_rows(list(reversed(HOLED)), gap_m=0)


def test_holes_corners_and_edges_of_holes() -> None:
    r = HOLED_ROUTER
    assert r.locate(0.5, 3.42).how == "outside"  # in the courtyard, in no grid
    assert r.locate(0.5, 3.5).grid.code == "d-9"  # the courtyard's own grid
    assert r.locate(0.4, 3.5).grid.code == "d"  # on the courtyard's edge: still inside d
    assert r.locate(1.0, 1.0).grid.code == "a"  # the corner a, b and the street share
    assert r.locate(0.0, 0.0).grid.code == "a-1"  # a corner of a-1, a and the street
    assert r.locate(1.0, 3.0).grid.code == "ab"  # the corner the diamond and d share
    assert r.locate(1.2, 2.0).grid.code == "ab"  # inside the diamond
    assert r.locate(1.05, 2.0).how == "outside"  # under its slanted edge, above b


def _rule_one(rows: list, latitude: float, longitude: float) -> str | None:
    """Rule 1 written out the slow way: every polygon that covers the point, deepest and
    then smallest code first."""
    depth = {"street": 1, "community": 2, "grid": 3}
    point = Point(longitude, latitude)
    covering = [(-depth[level], code) for _id, code, _n, level, _p, _c, geometry in rows
                if shape(geometry).covers(point)]
    return min(covering)[1] if covering else None


@given(st.sampled_from([0.0, 0.4, 0.45, 0.5, 0.55, 0.6, 0.9, 1.0, 1.1, 1.2, 1.4])
       | st.floats(-0.2, 1.5, allow_nan=False),
       st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 2.001, 2.25, 2.5, 3.0, 3.4, 3.45, 3.5, 4.0])
       | st.floats(-0.2, 4.2, allow_nan=False))
def test_inside_matches_the_rule_written_out(latitude: float, longitude: float) -> None:
    _holds_to_rule_one(HOLED_ROUTER, HOLED, latitude, longitude)


def _holds_to_rule_one(router_: Router, rows: list, latitude: float, longitude: float) -> None:
    route = router_.locate(latitude, longitude)
    expected = _rule_one(rows, latitude, longitude)
    if expected is None:
        assert route.how == "outside"
    else:
        assert (route.how, route.grid.code) == ("inside", expected)


def test_related_grids_contain_one_another() -> None:
    r = Router.from_rows(HOLED)
    assert r.related("a-1", "a") and r.related("a", "a-1") and r.related("a-1", "street")
    assert r.related("a", "a")
    assert not r.related("a-1", "b") and not r.related("a", "b")
    assert not r.related("a", "nowhere") and not r.related("nowhere", "nowhere")


# A town of 12 × 12 grids in 3 × 3 communities under one street, with gaps between the
# grids: cells are finer than the communities, so many are answered without a test.
TOWN = [(1, "s", "街道", "street", None, -1, mapping(box(0, 0, 1.2, 1.2)))]
for cx in range(3):
    for cy in range(3):
        community = 10 + cx * 3 + cy
        TOWN.append((community, f"c{cx}{cy}", "社区", "community", 1, -community,
                     mapping(box(cx * 0.4, cy * 0.4, cx * 0.4 + 0.4, cy * 0.4 + 0.4))))
        for gx in range(4):
            for gy in range(4):
                x, y = cx * 0.4 + gx * 0.1, cy * 0.4 + gy * 0.1
                TOWN.append((1000 + len(TOWN), f"c{cx}{cy}-{gx}{gy}", "网格", "grid",
                             community, None, mapping(box(x, y, x + 0.09, y + 0.1))))
TOWN_ROUTER = Router.from_rows(TOWN, gap_m=0)
# The same town and one grid drawn far away: the cells grow coarse and crowded.
FAR = [*TOWN, (9999, "zz", "远方网格", "grid", 1, None, mapping(box(40, 40, 40.1, 40.1)))]
FAR_ROUTER = Router.from_rows(list(reversed(FAR)), gap_m=0)
EDGES = st.sampled_from([0.0, 0.09, 0.1, 0.19, 0.2, 0.4, 0.8, 1.2]) | st.floats(-0.1, 1.3)


@given(EDGES, EDGES)
def test_a_town_matches_the_rule_written_out(latitude: float, longitude: float) -> None:
    for router_, rows in ((TOWN_ROUTER, TOWN), (FAR_ROUTER, FAR)):
        _holds_to_rule_one(router_, rows, latitude, longitude)
    assert FAR_ROUTER.locate(40.05, 40.05).grid.code == "zz"


def test_points_a_rounding_step_from_edges() -> None:
    # A point is put in its cell by rounded arithmetic; these came out wrong before the
    # cells' boxes got their margin and the bounds their exact check (found in review).
    up, down = math.inf, -math.inf
    lone = box(109.748337, 31.458167, 109.775274, 31.754299)  # 6-decimal GPS figures
    router_ = Router.from_rows([(1, "a", "", "grid", None, None, mapping(lone))], gap_m=0)
    assert router_.locate(31.754299, 109.748337).how == "inside"  # on the max edge
    assert router_.locate(31.754299, math.nextafter(109.775274, up)).how == "outside"
    x0 = 0.03
    x1 = x0 + 0.3
    x2 = x1 + 0.3
    rows = [(1, "b", "", "grid", None, None, mapping(box(x0, 0, x1, 0.075))),
            (2, "a", "", "grid", None, None, mapping(box(x1, 0, x2, 0.075)))]
    pair = Router.from_rows(rows, gap_m=0)
    assert pair.locate(0.03, math.nextafter(x1, down)).grid.code == "b"  # only b covers it
    assert pair.locate(0.03, x1).grid.code == "a"  # the shared edge: the smaller code
    assert pair.locate(0.03, math.nextafter(x1, up)).grid.code == "a"
    third = [(i * 10 + j, f"g{i}{j}", "", "grid", None, None,
              mapping(box(i / 3, j / 3, (i + 1) / 3, (j + 1) / 3)))
             for i in range(6) for j in range(2)]
    tiles = Router.from_rows(third, gap_m=0)
    for i in range(1, 6):
        for x in (math.nextafter(i / 3, down), i / 3, math.nextafter(i / 3, up)):
            for y in (0.1, 0.5):
                assert tiles.locate(y, x).grid.code == _rule_one(third, y, x), (x, y)


def test_an_empty_geometry_is_left_out() -> None:
    rows = [(1, "a", "", "grid", None, None, mapping(box(0, 0, 1, 1))),
            (2, "b", "", "grid", None, None, {"type": "Polygon", "coordinates": []})]
    assert Router.from_rows(rows, gap_m=0).locate(0.5, 0.5).grid.code == "a"
