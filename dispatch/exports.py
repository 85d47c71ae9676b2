"""Exports for officials: an XLSX of cases, per-grid figures, attendance and reporters (or a
CSV of the cases), from /export, the quarterly ranking and `lantian export`.

Four sheets (headers from the catalogue of the reader's language, passed in as `label`):

- cases: number, grid, category, state, the time of each step and each deadline (local time),
  the rule used (off hours), late flags per step and "overdue now", outcome, satisfaction,
  reopened and report counts, and the first reporter's anonymous id (never a name);
- grids: every grid of the scope with its figures (its own cases and those below it), the
  score and the rank of leaf grids (see dispatch.bulletins);
- attendance: each patrol member's expected and attended shift starts;
- reporters: per anonymous reporter id (never a name), the reports on the cases sheet's
  cases, how many were the first of their case, and how many of their cases the
  patrol resolved or found unfounded: what rewards and abuse handling need.

Writing the workbook is CPU work: call `write_xlsx`/`write_csv` in a thread.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import case, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from dispatch import figures_sql as q
from dispatch.bulletins import Weights, rank_lines
from dispatch.clock import to_local
from dispatch.figures import Line, lines_by_grid, overdue_by_grid, share
from dispatch.figures_attendance import attendance
from dispatch.figures_period import Period
from dispatch.figures_scope import Scope
from dispatch.routing import Router
from storage.models import Case, CaseState, Person, Report

Label = Callable[[str], str]
CASE_COLUMNS = ("number", "grid_code", "grid_name", "category", "state", "created",
                "dispatched", "acked", "on_site", "resolved", "ack_deadline",
                "on_site_deadline", "resolve_deadline", "off_hours", "ack_late",
                "on_site_late", "resolve_late", "overdue_now", "escalation", "outcome",
                "satisfaction", "reopened", "reports", "reporter")
GRID_COLUMNS = ("code", "name", "level", "cases", "open", "missed", "ack_due", "ack_in_time",
                "ack_share", "on_site_due", "on_site_in_time", "on_site_share", "work_due",
                "work_in_time", "off_due", "off_in_time", "overdue_now", "satisfied", "rated",
                "satisfaction_share", "reopened", "expected_shifts", "attended_shifts",
                "attendance_share", "score", "rank")
ATTENDANCE_COLUMNS = ("person", "grid_code", "grid_name", "expected_shifts", "attended_shifts",
                      "attendance_share")
REPORTER_COLUMNS = ("reporter", "reports", "first", "resolved", "unfounded", "last_report")


@dataclass
class ExportData:
    """Rows of the three sheets (cells already plain values)."""

    cases: list[list[Any]]
    grids: list[list[Any]]
    attendance: list[list[Any]]
    reporters: list[list[Any]]


def _local(moment: datetime | None) -> datetime | None:
    # Excel has no time zones: local wall-clock time, naive.
    return to_local(moment).replace(tzinfo=None) if moment is not None else None


def _flag(condition) -> Any:
    return case((condition, literal(1)), else_=literal(0))


def _percent(part: int, whole: int) -> float | None:
    value = share(part, whole)
    return round(100.0 * value, 1) if value is not None else None


async def case_rows(session: AsyncSession, router: Router, scope: Scope, period: Period,
                    now: datetime, label: Label) -> list[list[Any]]:
    """One row per case created in the period (streamed from the database in order)."""
    reporter = (select(Report.anonymous_id).where(Report.case_id == Case.id)
                .order_by(Report.id).limit(1).scalar_subquery())
    query = (select(Case.number, Case.grid_id, Case.category, Case.state, Case.created_at,
                    Case.dispatched_at, Case.acked_at, Case.on_site_at, Case.resolved_at,
                    Case.ack_deadline, Case.on_site_deadline, Case.resolve_deadline,
                    Case.off_hours, _flag(q.ack_due(now) & ~q.ack_in_time()),
                    _flag(q.on_site_due(now) & ~q.on_site_in_time()),
                    _flag(q.resolve_late(now)), _flag(q.overdue_now(now)),
                    Case.escalation_level, Case.outcome, Case.satisfaction, Case.reopened_count,
                    Case.report_count, reporter)
             .where(q.in_scope(scope.id_list()), Case.created_at >= period.start,
                    Case.created_at < period.end)
             .order_by(Case.created_at, Case.id))
    rows = []
    result = await session.stream(query.execution_options(yield_per=2000))
    async for row in result:
        grid = router.get(row[1])
        rows.append([row[0], grid.code if grid else "", grid.name if grid else "",
                     label(f"category.{row[2]}"), label(f"state.{row[3]}"),
                     *(_local(value) for value in row[4:12]), int(bool(row[12])),
                     *row[13:17], row[17],
                     label(f"export.outcome.{row[18]}") if row[18] else "",
                     label(f"export.satisfaction.{row[19]}") if row[19] else "",
                     row[20], row[21], row[22] or ""])
    return rows


async def reporter_rows(session: AsyncSession, scope: Scope, period: Period) -> list[list[Any]]:
    """One row per anonymous reporter with reports on the cases of the period (created in
    it, in the scope, as on the cases sheet, by the same index); most reports first."""
    earlier = aliased(Report)
    first = ~exists().where(earlier.case_id == Report.case_id, earlier.id < Report.id)
    count = func.count(Report.id)
    query = (select(Report.anonymous_id, count, func.sum(_flag(first)),
                    func.sum(_flag(Case.state == CaseState.RESOLVED)),
                    func.sum(_flag(Case.state == CaseState.UNFOUNDED)),
                    func.max(Report.submitted_at))
             .join(Case, Report.case_id == Case.id)
             .where(q.in_scope(scope.id_list()), Case.created_at >= period.start,
                    Case.created_at < period.end)
             .group_by(Report.anonymous_id)
             .order_by(count.desc(), Report.anonymous_id))
    return [[row[0], row[1], int(row[2] or 0), int(row[3] or 0), int(row[4] or 0),
             _local(row[5])] for row in await session.execute(query)]


def _grid_row(node, line: Line, score: float | None, rank: int | None) -> list[Any]:
    return [node.code, node.name, node.level, line.cases, line.open, line.missed,
            line.ack_due, line.ack_in_time, _percent(line.ack_in_time, line.ack_due),
            line.on_site_due, line.on_site_in_time,
            _percent(line.on_site_in_time, line.on_site_due),
            line.on_site_due_work, line.on_site_in_time_work, line.on_site_due_off,
            line.on_site_in_time_off, line.overdue_now, line.satisfied, line.rated,
            _percent(line.satisfied, line.rated), line.reopened, line.expected_shifts,
            line.attended_shifts, _percent(line.attended_shifts, line.expected_shifts),
            score, rank]


async def collect(session: AsyncSession, router: Router, scope: Scope, period: Period,
                  now: datetime, label: Label, weights: Weights | None = None) -> ExportData:
    """Everything the workbook holds."""
    weights = weights or Weights()
    by_grid = await lines_by_grid(session, scope, period.start, period.end, now)
    overdue = await overdue_by_grid(session, scope, now)
    attend = await attendance(session, scope, period, now)
    rolled: dict[int, Line] = {grid_id: Line() for grid_id in scope.unit_of}

    def add_up(grid_id: int | None, line: Line) -> None:
        if grid_id is None or grid_id not in rolled:
            return
        for target in [grid_id, *(g.id for g in router.ancestors(grid_id))]:
            if target in rolled:
                rolled[target].add(line)

    for grid_id, line in by_grid.items():
        add_up(grid_id, line)
    for grid_id, number in overdue.items():
        add_up(grid_id, Line(overdue_now=number))
    for grid_id, (expected, attended) in attend.by_grid.items():
        add_up(grid_id, Line(expected_shifts=expected, attended_shifts=attended))
    # A leaf's rolled-up line is its own line: rank from it (no second pass over the cases).
    ranks = {item.grid.id: item for item in rank_lines(scope.leaves, rolled, weights)}
    nodes = sorted((router.get(g) for g in scope.unit_of), key=lambda n: (n.depth, n.code))
    grids = [_grid_row(node, rolled[node.id], getattr(ranks.get(node.id), "score", None),
                       getattr(ranks.get(node.id), "rank", None)) for node in nodes]
    names = dict((await session.execute(select(Person.id, Person.name).where(
        Person.id.in_(sorted({p for p, _ in attend.by_member}) or [-1])))).all())
    people = []
    for (person_id, grid_id), (expected, attended) in sorted(
            attend.by_member.items(), key=lambda item: (router.get(item[0][1]).code,
                                                        names.get(item[0][0], ""))):
        grid = router.get(grid_id)
        people.append([names.get(person_id, ""), grid.code, grid.name, expected, attended,
                       _percent(attended, expected)])
    return ExportData(await case_rows(session, router, scope, period, now, label), grids, people,
                      await reporter_rows(session, scope, period))


def _headers(prefix: str, columns: tuple[str, ...], label: Label) -> list[str]:
    return [label(f"export.{prefix}.{column}") for column in columns]


def write_xlsx(data: ExportData, path: Path, label: Label) -> None:
    """Write the four sheets (write-only mode: rows are streamed to the file)."""
    workbook = Workbook(write_only=True)
    for key, prefix, columns, rows in (
            ("export.sheet.cases", "case", CASE_COLUMNS, data.cases),
            ("export.sheet.grids", "grid", GRID_COLUMNS, data.grids),
            ("export.sheet.attendance", "person", ATTENDANCE_COLUMNS, data.attendance),
            ("export.sheet.reporters", "reporter", REPORTER_COLUMNS, data.reporters)):
        sheet = workbook.create_sheet(label(key))
        sheet.append(_headers(prefix, columns, label))
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def write_csv(data: ExportData, path: Path, label: Label) -> None:
    """Write the cases sheet as CSV, UTF-8 with a BOM so Excel reads the Chinese right."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_headers("case", CASE_COLUMNS, label))
        for row in data.cases:
            writer.writerow(["" if v is None else v.isoformat(sep=" ", timespec="seconds")
                             if isinstance(v, datetime) else v for v in row])


async def export_cli(argv: list[str], settings: Any) -> int:
    """`lantian export --from YYYY-MM-DD --to YYYY-MM-DD --out FILE.xlsx|.csv [--grid CODE]`
    (see dispatch.exports_cli)."""
    from dispatch.exports_cli import run

    return await run(argv, settings)
