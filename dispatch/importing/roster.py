"""`lantian import roster FILE.csv|FILE.xlsx`: who serves in which grid, in which role, when.

Every row is checked in memory first (columns, ids, roles, shift syntax, duplicates), then
against the database (grid codes), then written in one transaction. A roster file is
authoritative for the grids it mentions: memberships in those grids that the file no longer
lists are removed. See docs/formats.md for the format.
"""

from __future__ import annotations

import asyncio
import csv
import difflib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.importing.common import ImportFailed, ImportResult
from dispatch.shifts import ShiftSpec, ShiftSyntaxError, parse_shifts
from storage.db import Database
from storage.models import Grid, Membership, Person, Role, Shift

COLUMN_ALIASES = {
    "grid": {"grid", "gridcode", "网格", "网格编码", "网格代码", "网格编号"},
    "telegram_id": {"telegramid", "tgid", "telegramuserid", "电报id"},
    "name": {"name", "姓名", "名字"},
    "role": {"role", "角色"},
    "shift": {"shift", "shifts", "班次", "值班时间"},
}
REQUIRED_COLUMNS = ("grid", "telegram_id", "name", "role")  # `shift` may be left out
ROLE_ALIASES = {
    "巡查员": Role.PATROL, "网格员": Role.PATROL, "巡查": Role.PATROL,
    "网格长": Role.LEADER,
    "干部": Role.OFFICIAL,
    "管理员": Role.ADMIN,
}
_SHIFT_MAX, _NAME_MAX = 500, 200
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)


@dataclass
class RosterRow:
    """One validated roster row; `row` is the spreadsheet row number (header = 1)."""

    row: int
    grid: str
    telegram_id: int
    name: str
    role: str
    shift_text: str
    specs: list[ShiftSpec]


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as text (integers stay integers, Excel floats like 12.0 too)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def _decode_csv(path: Path, raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed(path, "UTF-16 text (Excel 'Unicode text'); save as 'CSV UTF-8'")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:  # Excel on Chinese Windows saves plain "CSV" in GBK/GB18030
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            line = raw[: utf8_error.start].count(b"\n") + 1
            raise ImportFailed(
                path,
                f"cannot decode the text: not UTF-8 (bad byte at offset {utf8_error.start}, "
                f"line {line}) and not GB18030; save it as 'CSV UTF-8 (逗号分隔)'",
            ) from None


def read_table(path: Path) -> list[tuple[int, list[str]]]:
    """All rows of a .csv or .xlsx file as (spreadsheet row number, cell texts)."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ImportFailed(path, "old Excel .xls is not supported; save it as .xlsx or CSV UTF-8")
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise ImportFailed(path, f"unsupported file type {suffix or '(none)'}; use .csv or .xlsx")
    if suffix == ".csv":
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ImportFailed(path, f"cannot read the file: {exc.strerror or exc}") from None
        text = _decode_csv(path, raw)
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if "," not in first_line and "\t" in first_line else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            return [(n, [_cell_text(c) for c in cells]) for n, cells in enumerate(reader, 1)]
        except csv.Error as exc:
            raise ImportFailed(path, f"malformed CSV: {exc}", row=reader.line_num) from None
    import openpyxl  # imported here: only XLSX imports pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise ImportFailed(path, f"cannot read the file: {exc.strerror or exc}") from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise ImportFailed(path, f"not a valid .xlsx workbook ({exc})") from None
    try:
        sheet = workbook.worksheets[0]
        return [
            (n, [_cell_text(v) for v in values])
            for n, values in enumerate(sheet.iter_rows(values_only=True), 1)
        ]
    finally:
        workbook.close()


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[\s_\-]+", "", text)


def _columns(path: Path, row: int, cells: list[str]) -> dict[str, int]:
    lookup = {alias: column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = lookup.get(_header_key(cell))
        if column is None:
            continue  # unknown columns (notes, phone numbers …) are ignored
        if column in found:
            raise ImportFailed(path, f"column {column!r} appears twice in the header", row=row)
        found[column] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        raise ImportFailed(
            path,
            f"missing column(s) {', '.join(missing)} in the header (found: "
            f"{', '.join(c for c in cells if c) or 'nothing'}); expected "
            "grid, telegram_id, name, role, shift (or 网格, 电报ID, 姓名, 角色, 班次)",
            row=row,
        )
    return found


def _telegram_id(text: str) -> int:
    if not text:
        raise ValueError("telegram_id is empty")
    if _SCIENTIFIC.match(text):
        raise ValueError(
            f"telegram_id {text!r} is in scientific notation (Excel rounded it); "
            "format the column as a number without decimals or as text"
        )
    if not re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        raise ValueError(f"telegram_id must be an integer, got {text!r}")
    value = int(text.split(".")[0])
    if value <= 0:
        raise ValueError(
            f"telegram_id must be a person's user id (a positive integer), got {value}"
        )
    if value >= 2**63:
        raise ValueError(f"telegram_id {value} is too large")
    return value


def _role(text: str) -> str:
    key = text.strip().lower()
    if key in {r.value for r in Role}:
        return key
    if text.strip() in ROLE_ALIASES:
        return ROLE_ALIASES[text.strip()].value
    shown = repr(text) if text else "(empty)"
    raise ValueError(f"unknown role {shown} (use patrol, leader, official or admin)")


def _parse_row(number: int, cells: list[str], columns: dict[str, int]) -> RosterRow:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    grid = cell("grid")
    if not grid:
        raise ValueError("grid is empty")
    telegram_id = _telegram_id(cell("telegram_id"))
    name = " ".join(cell("name").split())
    if not name:
        raise ValueError("name is empty")
    if len(name) > _NAME_MAX:
        raise ValueError(f"name is longer than {_NAME_MAX} characters")
    role = _role(cell("role"))
    shift_text = " ".join(cell("shift").split())
    if len(shift_text) > _SHIFT_MAX:
        raise ValueError(f"shift is longer than {_SHIFT_MAX} characters")
    specs = parse_shifts(shift_text)  # ShiftSyntaxError is a ValueError
    return RosterRow(number, grid, telegram_id, name, role, shift_text, specs)


def parse_roster_file(path: Path) -> list[RosterRow]:
    """Read and validate a roster in memory (no database). Raises ImportFailed."""
    table = [(n, cells) for n, cells in read_table(path) if any(cells)]
    if not table:
        raise ImportFailed(path, "the file is empty (expected a header row and data rows)")
    header_row, header = table[0]
    columns = _columns(path, header_row, header)
    rows: list[RosterRow] = []
    seen: dict[tuple[int, str, str], int] = {}
    names: dict[int, tuple[str, int]] = {}
    for number, cells in table[1:]:
        try:
            row = _parse_row(number, cells, columns)
        except ShiftSyntaxError as exc:
            raise ImportFailed(path, f"shift: {exc}", row=number) from None
        except ValueError as exc:
            raise ImportFailed(path, str(exc), row=number) from None
        key = (row.telegram_id, row.grid, row.role)
        if key in seen:
            raise ImportFailed(
                path, f"duplicate of row {seen[key]} (same telegram_id, grid and role)",
                row=number,
            )
        seen[key] = number
        first_name, first_row = names.setdefault(row.telegram_id, (row.name, number))
        if first_name != row.name:
            raise ImportFailed(
                path, f"telegram_id {row.telegram_id} is named {row.name!r} here but "
                f"{first_name!r} in row {first_row}", row=number,
            )
        rows.append(row)
    if not rows:
        raise ImportFailed(path, "no data rows under the header", row=header_row)
    return rows


def _spec_key(spec: ShiftSpec) -> tuple[int, str, int, int]:
    return (spec.weekdays, spec.on_date.isoformat() if spec.on_date else "",
            spec.start_minute, spec.end_minute)


def _shifts_of(membership: Membership) -> list[tuple[int, str, int, int]]:
    specs = [ShiftSpec(s.weekdays, s.on_date, s.start_minute, s.end_minute)
             for s in membership.shifts]
    return sorted(_spec_key(s) for s in specs)


def _new_shifts(specs: list[ShiftSpec]) -> list[Shift]:
    return [Shift(weekdays=s.weekdays, on_date=s.on_date, start_minute=s.start_minute,
                  end_minute=s.end_minute) for s in specs]


async def _write(session: AsyncSession, path: Path, rows: list[RosterRow]) -> ImportResult:
    result = ImportResult(kind="roster")
    all_codes = {code: id_ for id_, code in (await session.execute(select(Grid.id, Grid.code)))}
    for row in rows:
        if row.grid not in all_codes:
            close = difflib.get_close_matches(row.grid, list(all_codes), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else " (import the grids first)"
            raise ImportFailed(path, f"unknown grid {row.grid!r}{hint}", row=row.row)
    grid_ids = sorted({all_codes[row.grid] for row in rows})

    ids = sorted({row.telegram_id for row in rows})
    people = {
        p.telegram_id: p
        for p in (await session.execute(select(Person).where(Person.telegram_id.in_(ids))))
        .scalars()
    }
    first_rows: dict[int, RosterRow] = {}
    for row in rows:
        first_rows.setdefault(row.telegram_id, row)
    for telegram_id, row in first_rows.items():
        person = people.get(telegram_id)
        if person is None:
            person = Person(telegram_id=telegram_id, name=row.name)
            session.add(person)
            people[telegram_id] = person
            result.people_created += 1
        elif person.name != row.name:
            person.name = row.name
            result.people_updated += 1
        else:
            result.people_unchanged += 1
    await session.flush()

    found = await session.execute(select(Membership).where(Membership.grid_id.in_(grid_ids)))
    existing = {(m.person_id, m.grid_id, m.role): m for m in found.scalars()}
    listed: set[tuple[int, int, str]] = set()
    for row in rows:
        key = (people[row.telegram_id].id, all_codes[row.grid], row.role)
        listed.add(key)
        membership = existing.get(key)
        if membership is None:
            session.add(Membership(
                person_id=key[0], grid_id=key[1], role=row.role, shift_spec=row.shift_text,
                always_on_call=not row.specs, shifts=_new_shifts(row.specs),
            ))
            result.created += 1
            continue
        changed = False
        if membership.shift_spec != row.shift_text:
            membership.shift_spec = row.shift_text
            changed = True
        if membership.always_on_call != (not row.specs):
            membership.always_on_call = not row.specs
            changed = True
        if _shifts_of(membership) != sorted(_spec_key(s) for s in row.specs):
            membership.shifts.clear()
            membership.shifts.extend(_new_shifts(row.specs))
            changed = True
        if changed:
            result.updated += 1
        else:
            result.unchanged += 1
    for key, membership in existing.items():
        if key not in listed:
            await session.delete(membership)
            result.removed += 1
    await session.flush()
    return result


async def import_roster(db: Database, path: Path) -> ImportResult:
    """Import (or re-import) a roster CSV/XLSX. All-or-nothing; raises ImportFailed."""
    path = Path(path)
    rows = await asyncio.to_thread(parse_roster_file, path)
    async with db.transaction() as session:
        return await _write(session, path, rows)
