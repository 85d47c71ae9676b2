"""Public entry points of the grid and roster importers (implemented in `dispatch.importing`).

    result = await import_grids(db, Path("examples/baiyang.geojson"))
    result = await import_roster(db, Path("examples/roster.csv"))

Both raise `ImportFailed` (str: "FILE: row N: problem") and write nothing when any row is bad.
"""

from dispatch.importing import (
    ImportFailed,
    ImportResult,
    import_grids,
    import_roster,
    load_gazetteer_rows,
    parse_grid_file,
    parse_roster_file,
)

__all__ = [
    "ImportFailed",
    "ImportResult",
    "import_grids",
    "import_roster",
    "load_gazetteer_rows",
    "parse_grid_file",
    "parse_roster_file",
]
