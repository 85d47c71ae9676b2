"""`import roster`: CSV (BOM, GB18030, Chinese headers) and XLSX, bad rows, re-import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from dispatch.importing import ImportFailed, import_grids, import_roster
from storage.db import Database
from storage.models import Membership, Person

from .helpers import collection, row_counts, small_town, write_json, write_roster

ROWS = [
    "t-w-01,6100000101,张建国,patrol,daily 08:00-20:00",
    "t-w-01,6100000102,李秀英,patrol,daily 20:00-08:00",
    't-e,6100000103,王志强,patrol,"mon-fri 08:00-18:00; sat-sun 09:00-17:00"',
    "t-w,6100000201,马国庆,leader,",
    "t,6100000301,何志华,official,mon-fri 08:30-17:30",
    "t,6100000401,梁海,admin,",
]


@pytest.fixture
async def town(db: Database, tmp_path: Path) -> Database:
    """The database with the small test town's grids imported."""
    await import_grids(db, write_json(tmp_path / "town.geojson", collection(small_town())))
    return db


async def memberships(db: Database) -> dict[tuple[int, str], Membership]:
    """Memberships keyed by (telegram id, role), shifts loaded."""
    async with db.sessions() as session:
        rows = await session.execute(
            select(Person.telegram_id, Membership).join(Person, Membership.person_id == Person.id)
        )
        return {(tid, m.role): m for tid, m in rows.all()}


async def test_roster_import_stores_people_roles_and_shifts(town: Database, tmp_path: Path) -> None:
    result = await import_roster(town, write_roster(tmp_path / "roster.csv", ROWS))
    assert (result.created, result.updated, result.unchanged, result.removed) == (6, 0, 0, 0)
    assert (result.people_created, result.people_updated) == (6, 0)
    found = await memberships(town)
    night = found[(6100000102, "patrol")]
    assert night.shift_spec == "daily 20:00-08:00" and not night.always_on_call
    assert [(s.weekdays, s.on_date, s.start_minute, s.end_minute) for s in night.shifts] == [
        (0b1111111, None, 1200, 480)]
    assert len(found[(6100000103, "patrol")].shifts) == 2
    leader = found[(6100000201, "leader")]
    assert leader.always_on_call and leader.shifts == [] and leader.shift_spec == ""
    assert (await row_counts(town))["people"] == 6
    assert "memberships: 6 created" in str(result)


async def test_csv_with_bom_and_crlf(town: Database, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "excel.csv", ROWS, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert (await import_roster(town, path)).created == 6


async def test_gb18030_csv_and_chinese_headers(town: Database, tmp_path: Path) -> None:
    path = write_roster(
        tmp_path / "gbk.csv", ["t-w-01,6100000101,张建国,巡查员,每天 08:00-20:00"],
        header="网格,电报ID,姓名,角色,班次,备注", encoding="gb18030",
    )
    await import_roster(town, path)
    found = await memberships(town)
    assert found[(6100000101, "patrol")].shift_spec == "每天 08:00-20:00"


async def test_xlsx_roster(town: Database, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Grid", "Telegram ID", "Name", "Role", "Shift"])
    sheet.append(["t-w-01", 6100000101, "张建国", "patrol", "daily 08:00-20:00"])
    sheet.append([None, None, None, None, None])  # blank rows are skipped
    sheet.append(["t-w-01", 6100000102.0, "李秀英", "Patrol", "2027-02-05 18:00-02:00"])
    sheet.append(["t-w", "6100000201", "马国庆", "leader", None])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    result = await import_roster(town, path)
    assert result.created == 3
    dated = (await memberships(town))[(6100000102, "patrol")].shifts[0]
    assert (dated.on_date, dated.start_minute, dated.end_minute) == (date(2027, 2, 5), 1080, 120)

    sheet.append(["t-w", "abc", "坏行", "leader", None])
    workbook.save(path)
    with pytest.raises(ImportFailed) as info:
        await import_roster(town, path)
    assert str(info.value) == (
        f"{path}: row 6: telegram_id must be an integer, got 'abc'")


BAD_ROWS = [
    ("bad shift syntax", "t-w-01,6100000101,张建国,patrol,daily 8点-20点",
     "row 3: shift: bad shift 'daily 8点-20点'"),
    ("unknown role", "t-w-01,6100000101,张建国,boss,",
     "row 3: unknown role 'boss' (use patrol, leader, official or admin)"),
    ("unknown grid", "t-w-1,6100000101,张建国,patrol,",
     "row 3: unknown grid 't-w-1'; did you mean 't-w-01'?"),
    ("non-integer telegram id", "t-w-01,@zhangjg,张建国,patrol,",
     "row 3: telegram_id must be an integer, got '@zhangjg'"),
    ("negative telegram id", "t-w-01,-1001000000001,张建国,patrol,",
     "row 3: telegram_id must be a person's user id"),
    ("scientific telegram id", "t-w-01,6.1E+09,张建国,patrol,", "scientific notation"),
    ("empty name", "t-w-01,6100000105,,patrol,", "row 3: name is empty"),
    ("empty grid", ",6100000105,某人,patrol,", "row 3: grid is empty"),
    ("duplicate row", "t-w-01,6100000101,张建国,patrol,daily 09:00-10:00",
     "row 3: duplicate of row 2"),
    ("conflicting names", "t-e,6100000101,张建华,patrol,",
     "row 3: telegram_id 6100000101 is named '张建华' here but '张建国' in row 2"),
]


@pytest.mark.parametrize(("name", "bad_row", "fragment"), BAD_ROWS,
                         ids=[case[0] for case in BAD_ROWS])
async def test_bad_row_fails_names_the_row_and_writes_nothing(
    town: Database, tmp_path: Path, name: str, bad_row: str, fragment: str
) -> None:
    good = write_roster(tmp_path / "good.csv", ROWS)
    await import_roster(town, good)
    before = await row_counts(town)
    path = write_roster(tmp_path / "roster.csv", [ROWS[0], bad_row, *ROWS[1:]])
    with pytest.raises(ImportFailed) as info:
        await import_roster(town, path)
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"{path}: row ")
    assert info.value.row == 3
    assert await row_counts(town) == before


@pytest.mark.parametrize(
    ("header", "content", "fragment"),
    [
        ("grid,telegram_id,name,shift", None, "row 1: missing column(s) role"),
        ("grid,telegram_id,name,role,role", None, "row 1: column 'role' appears twice"),
        (None, b"", "the file is empty"),
        (None, b"grid,telegram_id,name,role,shift\r\n", "row 1: no data rows"),
        (None, b"\xff\xfeg\x00", "UTF-16"),
        (None, b"grid,telegram_id,name,role\n\x80\xff\xfe,1,a,patrol\n", "cannot decode"),
    ],
)
async def test_bad_roster_files(
    town: Database, tmp_path: Path, header: str | None, content: bytes | None, fragment: str
) -> None:
    path = tmp_path / "roster.csv"
    if content is None:
        write_roster(path, ROWS[:1], header=header or "")
    else:
        path.write_bytes(content)
    with pytest.raises(ImportFailed) as info:
        await import_roster(town, path)
    assert fragment in str(info.value)


@pytest.mark.parametrize(("name", "fragment"), [
    ("roster.xls", "old Excel .xls"), ("roster.txt", "unsupported file type .txt"),
])
async def test_unsupported_file_types(town: Database, tmp_path: Path, name: str,
                                      fragment: str) -> None:
    path = tmp_path / name
    path.write_text("x", encoding="utf-8")
    with pytest.raises(ImportFailed, match=fragment):
        await import_roster(town, path)


async def test_broken_xlsx(town: Database, tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(ImportFailed, match="not a valid .xlsx workbook"):
        await import_roster(town, path)


async def test_reimport_updates_removes_and_is_idempotent(town: Database, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "roster.csv", ROWS)
    await import_roster(town, path)
    again = await import_roster(town, path)
    assert (again.created, again.updated, again.unchanged, again.removed) == (0, 0, 6, 0)
    assert (again.people_created, again.people_updated, again.people_unchanged) == (0, 0, 6)
    counts = await row_counts(town)

    changed = list(ROWS)
    changed[0] = "t-w-01,6100000101,张建国,patrol,daily 07:00-19:00"  # new shift
    changed[1] = "t-w-01,6100000102,李秀英（组长）,patrol,daily 20:00-08:00"  # renamed
    write_roster(path, changed)
    result = await import_roster(town, path)
    assert (result.created, result.updated, result.unchanged, result.removed) == (0, 1, 5, 0)
    assert (result.people_updated, result.people_unchanged) == (1, 5)
    found = await memberships(town)
    shift = found[(6100000101, "patrol")].shifts
    assert [(s.start_minute, s.end_minute) for s in shift] == [(420, 1140)]
    assert await row_counts(town) == counts
    assert (await import_roster(town, path)).unchanged == 6

    # The file is authoritative for its grids: 李秀英 dropped from t-w-01 is removed there;
    # memberships in grids the file does not mention (t-e, t-w, t) are not touched.
    write_roster(path, [changed[0]])
    result = await import_roster(town, path)
    assert (result.unchanged, result.removed) == (1, 1)
    found = await memberships(town)
    assert (6100000102, "patrol") not in found
    assert {(6100000103, "patrol"), (6100000201, "leader")} <= set(found)
    assert (await row_counts(town))["people"] == 6  # people are kept


async def test_shift_to_always_on_call_and_role_change(town: Database, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "roster.csv", ROWS[:1])
    await import_roster(town, path)
    write_roster(path, ["t-w-01,6100000101,张建国,leader,"])
    result = await import_roster(town, path)
    assert (result.created, result.removed) == (1, 1)
    found = await memberships(town)
    assert set(found) == {(6100000101, "leader")}
    assert found[(6100000101, "leader")].always_on_call
    assert (await row_counts(town))["shifts"] == 0


async def test_roster_before_grids_fails_clearly(db: Database, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "roster.csv", ROWS)
    with pytest.raises(ImportFailed, match=r"row 2: unknown grid 't-w-01' \(import the grids"):
        await import_roster(db, path)
    assert (await row_counts(db))["people"] == 0
