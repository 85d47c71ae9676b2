"""Routing: which grid a point belongs to, over a uniform index of cells (and a shapely
STRtree for the neighbours and the gaps).

Rules, in order:
1. Inside (or on the edge of) one or more polygons: the deepest grid wins; on a shared edge
   or an overlap at equal depth, the grid with the smallest code wins (a fixed, documented
   rule, so the same point always goes to the same grid).
2. In a gap between polygons: the nearest grid within `gap_m` metres (default 300 m).
3. Elsewhere (far away, 0,0, another town): the top-level grid's duty desk, flagged
   `outside=True` so the resident is told.

Rule 1 is answered by `_Cells`: the polygons' bounds are cut into square cells, about
four per polygon. Each cell lists, in rule 1's order, the polygons whose bounds meet it;
when the first of them covers the whole cell (most cells), that is the answer for every
point in it, with no geometry test at all. Otherwise the listed polygons are tested in
order and the first that covers the point wins; a cell listing more than a few (cells made
coarse by a polygon drawn far from the others) leaves the point to the STRtree. A point
costs a few microseconds, where building a shapely Point and querying the STRtree cost
10-20.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.ops import nearest_points

from dispatch.geo import haversine_m

LEVEL_DEPTH = {"district": 0, "street": 1, "community": 2, "grid": 3}
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class GridNode:
    """What routing and rendering need to know about a grid."""

    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    patrol_chat_id: int | None
    depth: int


@dataclass(frozen=True)
class Route:
    """Where a point goes: the grid, how it was found, and how far the point was from it."""

    grid: GridNode | None
    how: str  # inside | nearest | outside | none
    distance_m: float = 0.0

    @property
    def outside(self) -> bool:
        """True when the point is in no grid and went to the duty desk."""
        return self.how in ("outside", "none")


class Router:
    """An immutable index of grid polygons; rebuild to reload, never mutate while serving."""

    def __init__(self, nodes: list[GridNode], geometries: dict[int, Any], gap_m: float = 300.0):
        self.gap_m = gap_m
        self._nodes = {node.id: node for node in nodes}
        self._by_code = {node.code: node for node in nodes}
        self._indexed = [node for node in nodes if node.id in geometries]
        self._geoms = [geometries[node.id] for node in self._indexed]
        self._position = {node.id: i for i, node in enumerate(self._indexed)}
        # Rule 1's order, once: the deepest grid first, then the smallest code.
        ordered = sorted(range(len(self._indexed)),
                         key=lambda i: (-self._indexed[i].depth, self._indexed[i].code))
        self._rank = [0] * len(ordered)
        for rank, i in enumerate(ordered):
            self._rank[i] = rank
        for geom in self._geoms:
            shapely.prepare(geom)
        self._tree = STRtree(self._geoms)
        self._cells = _Cells(self._geoms, ordered)
        roots = sorted((n for n in nodes if n.parent_id is None), key=lambda n: (n.depth, n.code))
        self.root: GridNode | None = roots[0] if roots else None

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, str, str, str, int | None, int | None,
                                            dict[str, Any] | None]],
                  gap_m: float = 300.0) -> Router:
        """Build from `(id, code, name, level, parent_id, patrol_chat_id, geojson)` rows."""
        nodes, geometries = [], {}
        for grid_id, code, name, level, parent_id, chat_id, geometry in rows:
            nodes.append(GridNode(grid_id, code, name, level, parent_id, chat_id,
                                  LEVEL_DEPTH.get(level, 3)))
            if geometry:
                geometries[grid_id] = shape(geometry)
        return cls(nodes, geometries, gap_m)

    def __len__(self) -> int:
        return len(self._nodes)

    def get(self, grid_id: int | None) -> GridNode | None:
        """The grid with this id."""
        return self._nodes.get(grid_id) if grid_id is not None else None

    def by_code(self, code: str) -> GridNode | None:
        """The grid with this code."""
        return self._by_code.get(code)

    def ancestors(self, grid_id: int) -> list[GridNode]:
        """Parent, grandparent, … up to the top (excluding the grid itself)."""
        chain, node = [], self.get(grid_id)
        seen: set[int] = set()
        while node is not None and node.parent_id is not None and node.parent_id not in seen:
            seen.add(node.parent_id)
            node = self.get(node.parent_id)
            if node is not None:
                chain.append(node)
        return chain

    def contains(self, code: str, other: str) -> bool:
        """The grid `code` is `other` or contains it."""
        a, b = self.by_code(code), self.by_code(other)
        return a is not None and b is not None and (a.id == b.id or a in self.ancestors(b.id))

    def related(self, code: str, other: str) -> bool:
        """The two grids are the same, or one of them contains the other."""
        a, b = self.by_code(code), self.by_code(other)
        if a is None or b is None:
            return False
        return a.id == b.id or a in self.ancestors(b.id) or b in self.ancestors(a.id)

    def children(self, grid_id: int) -> list[GridNode]:
        """Direct children, by code."""
        return sorted((n for n in self._nodes.values() if n.parent_id == grid_id),
                      key=lambda n: n.code)

    def descendants(self, grid_id: int) -> list[GridNode]:
        """The grid and everything below it."""
        out, stack = [], [grid_id]
        while stack:
            current = stack.pop()
            node = self.get(current)
            if node is not None:
                out.append(node)
                stack.extend(child.id for child in self.children(current))
        return out

    def neighbours(self, grid_id: int) -> list[GridNode]:
        """Grids of the same level whose polygons touch or overlap this one's."""
        node = self.get(grid_id)
        if node is None or grid_id not in self._position:
            return []
        hits = self._tree.query(self._geoms[self._position[grid_id]], predicate="intersects")
        found = {self._indexed[i] for i in hits}
        return sorted((n for n in found if n.id != grid_id and n.level == node.level),
                      key=lambda n: n.code)

    def locate(self, latitude: float, longitude: float) -> Route:
        """The grid responsible for a WGS-84 point (see the module docstring for the rules)."""
        on_earth = (math.isfinite(latitude) and math.isfinite(longitude)
                    and abs(latitude) <= 90 and abs(longitude) <= 180)
        if not on_earth or not self._geoms:
            return Route(self.root, "none" if self.root is None else "outside")
        index = self._cells.locate(longitude, latitude)
        if index is _Cells.CROWDED:  # many polygons in one cell: the STRtree sorts them out
            point = Point(longitude, latitude)
            # For a point, "intersects" is "covered by" (inside or on the edge).
            hits = self._tree.query(point, predicate="intersects")
            if len(hits):
                return Route(self._indexed[min(hits.tolist(), key=self._rank.__getitem__)],
                             "inside")
            return self._nearest(point, latitude, longitude)
        if index is not None:
            return Route(self._indexed[index], "inside")
        return self._nearest(Point(longitude, latitude), latitude, longitude)

    def _nearest(self, point: Point, latitude: float, longitude: float) -> Route:
        # Degrees are not metres: search a generous box, then measure on the sphere.
        cos_lat = max(math.cos(math.radians(latitude)), 0.01)
        radius_deg = self.gap_m / (METRES_PER_DEGREE * cos_lat)
        hits = self._tree.query(point.buffer(radius_deg), predicate="intersects")
        best: tuple[float, int, str, GridNode] | None = None
        for index in hits:
            node = self._indexed[index]
            nearest = nearest_points(self._geoms[index], point)[0]
            metres = haversine_m(latitude, longitude, nearest.y, nearest.x)
            if metres <= self.gap_m:
                key = (round(metres, 1), -node.depth, node.code, node)
                if best is None or key[:3] < best[:3]:
                    best = key
        if best is not None:
            return Route(best[3], "nearest", best[0])
        return Route(self.root, "none" if self.root is None else "outside")


class _Cells:
    """Rule 1 over a uniform grid of cells (see the module docstring). `ordered`: polygon
    indexes in rule 1's order (the deepest first, then the smallest code)."""

    PER_POLYGON = 4  # cells per polygon, about
    # More polygons than this to test in one cell (a grid drawn far from the others makes
    # the cells coarse): the caller asks the STRtree instead.
    MAX_TESTS = 8
    CROWDED = -1
    _CHUNK = 20_000  # cells whose cover is tested at a time (bounds the memory of boxes)

    def __init__(self, geoms: list[Any], ordered: list[int]) -> None:
        self._geoms = geoms
        self._answers: list[int | tuple[int, ...] | None] = []
        self._cols = self._rows = 0
        if not geoms:
            return
        bounds = shapely.bounds(np.array(geoms, dtype=object))
        ordered = [i for i in ordered if np.isfinite(bounds[i]).all()]  # not empty
        if not ordered:
            return
        kept = bounds[ordered]
        self._x0, self._y0 = float(kept[:, 0].min()), float(kept[:, 1].min())
        self._x1, self._y1 = float(kept[:, 2].max()), float(kept[:, 3].max())
        width = max(self._x1 - self._x0, 1e-9)
        height = max(self._y1 - self._y0, 1e-9)
        # A point is put in its cell by rounded arithmetic, so it may lie a few ulps outside
        # the cell's box: a cell is "covered" only if its box grown by this margin is.
        self._margin = 64 * 2.0 ** -52 * (max(abs(self._x0), abs(self._x1), abs(self._y0),
                                                abs(self._y1)) + max(width, height))
        side = math.sqrt(width * height / (self.PER_POLYGON * len(ordered)))
        self._cols = max(1, min(4096, math.ceil(width / side)))
        self._rows = max(1, min(4096, math.ceil(height / side)))
        self._w, self._h = width / self._cols, height / self._rows
        lists: list[list[int]] = [[] for _ in range(self._cols * self._rows)]
        # Listed per cell up to one past MAX_TESTS (then it is crowded): many large,
        # overlapping polygons cost numpy work over their cells, not a Python loop.
        counts = np.zeros((self._rows, self._cols), dtype=np.int32)
        for i in ordered:  # so each cell's list comes in rule 1's order
            minx, miny, maxx, maxy = bounds[i]
            ix0, iy0 = self._cell(minx, miny)
            ix1, iy1 = self._cell(maxx, maxy)
            block = counts[iy0:iy1 + 1, ix0:ix1 + 1]
            room = np.argwhere(block <= self.MAX_TESTS)
            block += 1
            for dy, dx in room.tolist():
                lists[(iy0 + dy) * self._cols + ix0 + dx].append(i)
        # A cell the first of its polygons covers entirely has its answer already.
        self._answers = [None] * len(lists)
        filled = [c for c, found in enumerate(lists) if found]
        for at in range(0, len(filled), self._CHUNK):
            chunk = filled[at:at + self._CHUNK]
            boxes = shapely.box(*np.array([self._box(c) for c in chunk]).T)
            firsts = np.array([geoms[lists[c][0]] for c in chunk], dtype=object)
            for c, whole in zip(chunk, shapely.covers(firsts, boxes).tolist(), strict=True):
                self._answers[c] = lists[c][0] if whole else tuple(lists[c])

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        ix = min(max(int((x - self._x0) / self._w), 0), self._cols - 1)
        iy = min(max(int((y - self._y0) / self._h), 0), self._rows - 1)
        return ix, iy

    def _box(self, cell: int) -> tuple[float, float, float, float]:
        iy, ix = divmod(cell, self._cols)
        x, y, m = self._x0 + ix * self._w, self._y0 + iy * self._h, self._margin
        return x - m, y - m, x + self._w + m, y + self._h + m

    def locate(self, x: float, y: float) -> int | None:
        """The index of the polygon rule 1 gives the point, None when none covers it, or
        CROWDED."""
        if not (self._cols and self._x0 <= x <= self._x1 and self._y0 <= y <= self._y1):
            return None  # outside every polygon's bounds
        ix, iy = self._cell(x, y)
        answer = self._answers[iy * self._cols + ix]
        if answer is None or isinstance(answer, int):
            return answer
        if len(answer) > self.MAX_TESTS:
            return self.CROWDED
        for i in answer:
            if shapely.intersects_xy(self._geoms[i], x, y):  # covers, for a point
                return i
        return None
