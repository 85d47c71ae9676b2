"""What both importers share: the failure they raise and the counts they return."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ImportFailed(Exception):
    """An import refused; nothing was written.

    Attributes: `file` (the path as given), `row` (for rosters the spreadsheet row number,
    header = row 1; for grid files the 1-based feature index; None for file-level problems),
    `problem` (one line, English), `code` (the grid code of the feature, when known) and
    `unit` (`row` or `feature`). `str()` gives `FILE: row N: problem`,
    `FILE: feature N (code X): problem` or `FILE: problem`.
    """

    def __init__(
        self,
        file: str | Path,
        problem: str,
        *,
        row: int | None = None,
        code: str | None = None,
        unit: str = "row",
    ) -> None:
        self.file = str(file)
        self.problem = problem
        self.row = row
        self.code = code
        self.unit = unit
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.row is not None:
            where = f"{self.unit} {self.row}"
            if self.code:
                where += f" (code {self.code})"
            where += ": "
        elif self.code:
            where = f"code {self.code}: "
        return f"{self.file}: {where}{self.problem}"


@dataclass
class ImportResult:
    """Counts of what an import did.

    For grids, `created/updated/unchanged` count grids and `removed` stays 0 (grids missing
    from a file are left alone). For rosters they count memberships (`removed`: memberships of
    the file's grids that the file no longer lists) and `people_*` count people.
    """

    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0

    @property
    def total(self) -> int:
        """Grids or memberships in the file."""
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        return self.summary()

    def summary(self) -> str:
        """One line for the CLI, e.g. `grids: 3 created, 1 updated, 8 unchanged`."""
        what = "grids" if self.kind == "grids" else "memberships"
        text = (
            f"{what}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )
        if self.kind != "grids":
            text += (
                f", {self.removed} removed; people: {self.people_created} created, "
                f"{self.people_updated} updated, {self.people_unchanged} unchanged"
            )
        return text
