"""The export workbook and CSV match the database; the CLI's bad arguments exit 2."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import func, select

from bot.settings import Settings
from dispatch.exports import (
    CASE_COLUMNS,
    GRID_COLUMNS,
    REPORTER_COLUMNS,
    collect,
    export_cli,
    write_csv,
    write_xlsx,
)
from dispatch.figures_period import Period
from dispatch.figures_scope import scope_for
from handlers.i18n import t
from storage.models import Case, Report
from tests.test_officials.factory import add_cases, make_case, town

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


def zh(key: str) -> str:
    return t("zh", key)


async def test_workbook_matches_the_database(db, tmp_path: Path) -> None:
    router = await town(db)
    bm1, md = router.by_code("wx-by-bm-01").id, router.by_code("wx-by-md").id
    async with db.transaction() as session:
        await add_cases(session, [
            make_case(bm1, datetime(2026, 11, 20, 9, tzinfo=SH), satisfaction="satisfied",
                      reporter="RABC123"),
            make_case(bm1, datetime(2026, 11, 21, 9, tzinfo=SH), ack_min=12, arrive_min=45),
            make_case(md, datetime(2026, 11, 22, 9, tzinfo=SH), "new", ack_min=None,
                      arrive_min=None, close_min=None, category="dust"),
            make_case(md, datetime(2026, 10, 30, 9, tzinfo=SH)),  # outside the period
        ])
    async with db.transaction() as session:  # more reports, some by the same pseudonym
        dust, bm_21, bm_20, _ = (await session.execute(
            select(Case).order_by(Case.created_at.desc()))).scalars().all()
        bm_21.state, bm_20.state = "unfounded", "resolved"
        for case, anonymous_id, at in (
                (dust, "RABC123", datetime(2026, 11, 22, 18, tzinfo=SH)),
                (bm_21, "RABC123", datetime(2026, 11, 21, 10, tzinfo=SH)),
                (bm_20, "RSECOND", datetime(2026, 11, 20, 10, tzinfo=SH))):
            session.add(Report(case_id=case.id, reporter_user_id=1, reporter_chat_id=1,
                               reporter_name="张 三", anonymous_id=anonymous_id,
                               category=case.category, received_at=at, submitted_at=at))
    scope = scope_for(router, [router.by_code("wx-by").id])
    period = Period("range", date(2026, 11, 1), date(2026, 11, 30))
    async with db.report_sessions() as session:
        data = await collect(session, router, scope, period, NOW, zh)
        in_db = await session.scalar(select(func.count(Case.id)).where(
            Case.created_at >= period.start, Case.created_at < period.end))
    path = tmp_path / "out.xlsx"
    write_xlsx(data, path, zh)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["工单", "分网格", "考勤", "举报人"]
    cases = list(book["工单"].iter_rows(values_only=True))
    assert len(cases) - 1 == in_db == 3
    header = list(cases[0])
    assert header[0] == "编号" and len(header) == len(CASE_COLUMNS)
    first = dict(zip(CASE_COLUMNS, cases[1], strict=True))
    assert first["grid_code"] == "wx-by-bm-01" and first["category"] == "焚烧"
    assert first["created"] == datetime(2026, 11, 20, 9, 0)  # local wall-clock time
    assert first["reporter"] == "RABC123" and first["satisfaction"] == "满意"
    second = dict(zip(CASE_COLUMNS, cases[2], strict=True))
    assert (second["ack_late"], second["on_site_late"]) == (1, 1)
    third = dict(zip(CASE_COLUMNS, cases[3], strict=True))
    assert third["overdue_now"] == 1 and third["acked"] is None
    grids = {row[0]: dict(zip(GRID_COLUMNS, row, strict=True))
             for row in book["分网格"].iter_rows(min_row=2, values_only=True)}
    assert grids["wx-by"]["cases"] == 3 and grids["wx-by-bm"]["cases"] == 2
    assert grids["wx-by-bm-01"]["missed"] == 1 and grids["wx-by-md"]["overdue_now"] == 1
    assert grids["wx-by-bm-01"]["rank"] is not None
    people = list(book["考勤"].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in people} >= {"张建国", "周涛"}
    reporters = [dict(zip(REPORTER_COLUMNS, row, strict=True))
                 for row in book["举报人"].iter_rows(min_row=2, values_only=True)]
    assert reporters[0]["reporter"] == "RABC123"  # the most reports first
    # (reports, the first of their case, cases resolved, cases unfounded)
    assert {r["reporter"]: (r["reports"], r["first"], r["resolved"], r["unfounded"])
            for r in reporters} == {
        "RABC123": (3, 1, 1, 1),  # opened bm_20 (resolved), joined bm_21 and the dust case
        "RSECOND": (1, 0, 1, 0),  # joined bm_20
        f"R{bm_21.id:06d}": (1, 1, 0, 1),  # opened bm_21 (unfounded)
        f"R{dust.id:06d}": (1, 1, 0, 0)}  # opened the dust case (still open)
    assert reporters[0]["last_report"] == datetime(2026, 11, 22, 18, 0)  # local time
    assert "张" not in str(reporters)  # never a name
    csv_path = tmp_path / "out.csv"
    write_csv(data, csv_path, zh)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "编号".encode() in raw
    assert raw.count(b"\n") == 4


async def test_cli_exports_and_refuses_bad_arguments(db_url: str, tmp_path: Path, capsys) -> None:
    from storage.db import Database

    db = Database(db_url)
    try:
        await town(db)
    finally:
        await db.dispose()
    settings = Settings(bot_token=None, database_url=db_url)
    out = tmp_path / "x.xlsx"
    assert await export_cli(["--from", "2026-11-01", "--to", "2026-11-30", "--out", str(out)],
                            settings) == 0
    assert openpyxl.load_workbook(out).sheetnames == ["工单", "分网格", "考勤", "举报人"]
    for argv in (["--from", "2026-11-31", "--to", "2026-12-01", "--out", "a.xlsx"],
                 ["--from", "2026-11-01", "--to", "2026-10-01", "--out", "a.xlsx"],
                 ["--from", "2026-11-01", "--to", "2026-11-02", "--out", "a.pdf"],
                 ["--from", "2026-11-01", "--out", "a.xlsx"],
                 ["--from", "2026-11-01", "--to", "2026-11-02", "--out", "a.csv",
                  "--grid", "nope"]):
        capsys.readouterr()
        assert await export_cli(argv, settings) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("lantian export:") and "\n" not in err
