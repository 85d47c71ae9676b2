"""The part of the grid tree a figure covers: one or more root grids and everything below."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from dispatch.routing import GridNode, Router

# Router.children scans every grid, so a scope of a large tree costs O(n²) to build: cache
# scopes per (immutable) router; a new catalogue brings a new router and a new cache.
_CACHE: weakref.WeakKeyDictionary[Router, dict[tuple[int, ...], Scope]] = (
    weakref.WeakKeyDictionary())


@dataclass(frozen=True)
class Scope:
    """Root grids, the grid ids below them, and the units shown as per-grid lines.

    `grid_ids` is None when the scope is the whole tree (then no grid filter is applied,
    which also keeps the query plan simple for the district). `units` are the children of a
    single root, or the roots themselves when there are several; `unit_of` maps every grid
    id of the scope to its unit.
    """

    roots: tuple[GridNode, ...]
    grid_ids: tuple[int, ...] | None
    units: tuple[GridNode, ...]
    unit_of: dict[int, int]
    leaves: tuple[GridNode, ...]

    @property
    def title(self) -> str:
        """Names of the roots, joined."""
        return "、".join(node.name for node in self.roots)

    def id_list(self) -> list[int] | None:
        """`grid_ids` as a list for `IN (…)` (None: everything)."""
        return list(self.grid_ids) if self.grid_ids is not None else None

    def contains(self, grid_id: int | None) -> bool:
        """True when the grid is inside the scope."""
        return grid_id is not None and grid_id in self.unit_of


def minimal_roots(router: Router, grid_ids: list[int]) -> list[GridNode]:
    """The grids of `grid_ids` that are not below another one of them, by code."""
    wanted = {g for g in grid_ids if router.get(g) is not None}
    roots = [router.get(g) for g in wanted
             if not any(a.id in wanted for a in router.ancestors(g))]
    return sorted((r for r in roots if r is not None), key=lambda n: n.code)


def scope_for(router: Router, grid_ids: list[int]) -> Scope:
    """The scope of these grids (and everything below them)."""
    key = tuple(sorted(set(grid_ids)))
    cached = _CACHE.setdefault(router, {})
    if key not in cached:
        if len(cached) > 1000:
            cached.clear()
        cached[key] = _build(router, list(key))
    return cached[key]


def _build(router: Router, grid_ids: list[int]) -> Scope:
    roots = minimal_roots(router, grid_ids)
    if len(roots) == 1:
        units = router.children(roots[0].id) or [roots[0]]
    else:
        units = roots
    unit_of: dict[int, int] = {}
    leaves: list[GridNode] = []
    for unit in units:
        for node in router.descendants(unit.id):
            unit_of[node.id] = unit.id
    for root in roots:
        unit_of.setdefault(root.id, root.id)
        leaves.extend(n for n in router.descendants(root.id) if not router.children(n.id))
    everything = len(unit_of) >= len(router) and len(router) > 0
    ids = None if everything else tuple(sorted(unit_of))
    return Scope(tuple(roots), ids, tuple(units), unit_of,
                 tuple(sorted(leaves, key=lambda n: n.code)))
