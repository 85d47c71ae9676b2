"""Importers for the files that configure a town: grids (GeoJSON) and rosters (CSV/XLSX).

Both validate the whole file in memory, then write everything in one transaction, so a bad
row leaves the database untouched. Import the public names from this package:

    result = await import_grids(db, Path("examples/baiyang.geojson"))
"""

from dispatch.importing.common import ImportFailed, ImportResult
from dispatch.importing.grids import import_grids, load_gazetteer_rows, parse_grid_file
from dispatch.importing.roster import import_roster, parse_roster_file

__all__ = [
    "ImportFailed",
    "ImportResult",
    "import_grids",
    "import_roster",
    "load_gazetteer_rows",
    "parse_grid_file",
    "parse_roster_file",
]
