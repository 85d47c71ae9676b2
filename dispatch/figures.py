"""Figures for officials (/status, bulletins, rankings, exports), computed by SQL aggregates.

Nothing here loads cases one by one: each figure is a GROUP BY over the cases created in the
period (filtered on `created_at` and the scope's grid ids, both indexed), plus a short list of
the worst overdue cases. Definitions of "due", "in time", "missed" and "overdue now" are in
`dispatch.figures_sql`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch import figures_sql as q
from dispatch.duty import on_duty
from dispatch.figures_attendance import Attendance, attendance
from dispatch.figures_period import Period
from dispatch.figures_scope import Scope
from dispatch.routing import Router
from storage.models import Case

WORST = 5


@dataclass
class Counts:
    """Cases by displayed state group and by category."""

    by_group: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All cases counted."""
        return sum(self.by_group.values())


@dataclass
class Line:
    """Aggregates of one set of cases (a grid, a unit, the whole scope)."""

    cases: int = 0
    open: int = 0
    missed: int = 0
    ack_due: int = 0
    ack_in_time: int = 0
    on_site_due: int = 0
    on_site_in_time: int = 0
    on_site_due_off: int = 0
    on_site_in_time_off: int = 0
    satisfied: int = 0
    rated: int = 0
    reopened: int = 0
    acked: int = 0
    arrived: int = 0
    overdue_now: int = 0
    expected_shifts: int = 0
    attended_shifts: int = 0

    def add(self, other: Line) -> None:
        """Add `other`'s counts to this line."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def on_site_due_work(self) -> int:
        """On-site steps due under the workday rule."""
        return self.on_site_due - self.on_site_due_off

    @property
    def on_site_in_time_work(self) -> int:
        """On site in time under the workday rule."""
        return self.on_site_in_time - self.on_site_in_time_off


def share(part: int, whole: int) -> float | None:
    """part / whole, None when there is nothing to divide."""
    return part / whole if whole else None


@dataclass(frozen=True)
class OverdueCase:
    """An open case past its current deadline."""

    case_id: int
    number: str
    grid_id: int | None
    state: str
    category: str
    deadline: datetime
    late: timedelta
    on_duty: tuple[str, ...] = ()


@dataclass
class StatusFigures:
    """Everything /status shows for a scope and a period."""

    scope: Scope
    period: Period
    now: datetime
    current: Counts
    previous: Counts
    total: Line
    units: list[tuple[int, Line]]
    overdue_count: int
    worst: list[OverdueCase]
    median_ack_s: float | None
    median_arrive_s: float | None
    by_grid: dict[int | None, Line] = field(default_factory=dict)
    attendance: Attendance = field(default_factory=Attendance)


def _line_columns(now: datetime) -> list:
    return [
        func.count(Case.id),
        q.count_if(Case.state.in_(q.OPEN)),
        q.count_if(q.missed_deadline(now)),
        q.count_if(q.ack_due(now)),
        q.count_if(q.ack_due(now) & q.ack_in_time()),
        q.count_if(q.on_site_due(now)),
        q.count_if(q.on_site_due(now) & q.on_site_in_time()),
        q.count_if(q.on_site_due(now) & Case.off_hours),
        q.count_if(q.on_site_due(now) & q.on_site_in_time() & Case.off_hours),
        q.count_if(Case.satisfaction == "satisfied"),
        q.count_if(Case.satisfaction.in_(("satisfied", "unsatisfied"))),
        func.coalesce(func.sum(Case.reopened_count), 0),
        q.count_if(Case.acked_at.is_not(None)),
        q.count_if(Case.on_site_at.is_not(None)),
    ]


_LINE_FIELDS = ("cases", "open", "missed", "ack_due", "ack_in_time", "on_site_due",
                "on_site_in_time", "on_site_due_off", "on_site_in_time_off", "satisfied",
                "rated", "reopened", "acked", "arrived")


def _in_period(query: Select, scope: Scope, start: datetime, end: datetime) -> Select:
    return query.where(q.in_scope(scope.id_list()), Case.created_at >= start,
                       Case.created_at < end)


async def lines_by_grid(session: AsyncSession, scope: Scope, start: datetime, end: datetime,
                        now: datetime) -> dict[int | None, Line]:
    """One `Line` per grid id of the scope, for cases created in [start, end)."""
    query = _in_period(select(Case.grid_id, *_line_columns(now)), scope, start, end)
    lines: dict[int | None, Line] = {}
    for row in (await session.execute(query.group_by(Case.grid_id))).all():
        lines[row[0]] = Line(**{name: int(value or 0)
                                for name, value in zip(_LINE_FIELDS, row[1:], strict=True)})
    return lines


async def counts(session: AsyncSession, scope: Scope, start: datetime, end: datetime) -> Counts:
    """Cases created in [start, end) by state group and by category."""
    query = _in_period(select(Case.state, Case.category, func.count(Case.id)), scope, start, end)
    result = Counts()
    for state, category, number in (await session.execute(
            query.group_by(Case.state, Case.category))).all():
        group = q.GROUP_OF_STATE.get(state, "waiting")
        result.by_group[group] = result.by_group.get(group, 0) + number
        result.by_category[category] = result.by_category.get(category, 0) + number
    return result


async def overdue_by_grid(session: AsyncSession, scope: Scope, now: datetime) -> dict[int, int]:
    """Open cases past their current deadline now, per grid (any creation time)."""
    grid = q.grid_not_indexed()
    query = (select(grid, func.count(Case.id))
             .where(q.in_scope(scope.id_list(), grid),
                    q.overdue_now(now, session.bind.dialect.name))
             .group_by(grid))
    return {grid_id: number for grid_id, number in (await session.execute(query)).all()}


async def overdue_cases(session: AsyncSession, scope: Scope, now: datetime,
                        limit: int | None = None) -> list[OverdueCase]:
    """Open cases past their current deadline, most late first."""
    deadline = q.current_deadline().label("deadline")
    query = (select(Case.id, Case.number, Case.grid_id, Case.state, Case.category, deadline)
             .where(q.in_scope(scope.id_list(), q.grid_not_indexed()),
                    q.overdue_now(now, session.bind.dialect.name))
             .order_by(deadline, Case.id))
    if limit is not None:
        query = query.limit(limit)
    return [OverdueCase(row.id, row.number, row.grid_id, row.state, row.category,
                        row.deadline, now - row.deadline)
            for row in (await session.execute(query)).all()]


async def median_seconds(session: AsyncSession, scope: Scope, start: datetime, end: datetime,
                         column, count: int) -> float | None:
    """Median of `column - created_at` (seconds) over cases with `column` set; `count` is how
    many there are (known from the line aggregates), so the median is one ORDER BY … OFFSET."""
    if count <= 0:
        return None
    seconds = q.seconds_between(session.bind.dialect.name, column, Case.created_at)
    query = _in_period(select(seconds.label("s")), scope, start, end).where(column.is_not(None))
    middle = (count - 1) // 2
    values = list((await session.execute(
        query.order_by(seconds).offset(middle).limit(1 if count % 2 else 2))).scalars())
    # julianday arithmetic on SQLite is off by microseconds: whole seconds are plenty.
    return float(round(sum(values) / len(values))) if values else None


async def status_figures(session: AsyncSession, router: Router, scope: Scope, period: Period,
                         now: datetime, *, duty: bool = True) -> StatusFigures:
    """Every figure /status shows (see the module docstring)."""
    start, end = period.start, period.end
    by_grid = await lines_by_grid(session, scope, start, end, now)
    overdue = await overdue_by_grid(session, scope, now)
    attend = await attendance(session, scope, period, now)
    total, units = _roll_up(scope, by_grid, overdue, attend)
    worst = await overdue_cases(session, scope, now, WORST)
    if duty:
        worst = [await with_duty(session, item, now, router) for item in worst]
    previous_start, previous_end = period.comparison_bounds(now)
    return StatusFigures(
        scope=scope, period=period, now=now,
        current=await counts(session, scope, start, end),
        previous=await counts(session, scope, previous_start, previous_end),
        total=total, units=units, overdue_count=total.overdue_now, worst=worst,
        median_ack_s=await median_seconds(session, scope, start, end, Case.acked_at,
                                          total.acked),
        median_arrive_s=await median_seconds(session, scope, start, end, Case.on_site_at,
                                             total.arrived),
        by_grid=by_grid, attendance=attend)


def _roll_up(scope: Scope, by_grid: dict[int | None, Line], overdue: dict[int, int],
             attend: Attendance) -> tuple[Line, list[tuple[int, Line]]]:
    """Sum grid lines into the scope's units (worst first) and a total."""
    units = {unit.id: Line() for unit in scope.units}
    total = Line()
    for grid_id, line in by_grid.items():
        total.add(line)
        unit = scope.unit_of.get(grid_id) if grid_id is not None else None
        if unit in units:
            units[unit].add(line)
    for grid_id, number in overdue.items():
        total.overdue_now += number
        unit = scope.unit_of.get(grid_id)
        if unit in units:
            units[unit].overdue_now += number
    for grid_id, (expected, attended) in attend.by_grid.items():
        total.expected_shifts += expected
        total.attended_shifts += attended
        unit = scope.unit_of.get(grid_id)
        if unit in units:
            units[unit].expected_shifts += expected
            units[unit].attended_shifts += attended
    ordered = sorted(units.items(), key=lambda item: worst_first(item[1]))
    return total, ordered


def worst_first(line: Line) -> tuple:
    """Sort key: overdue now, then missed deadlines, then on-site-in-time share (low first)."""
    rate = share(line.on_site_in_time, line.on_site_due)
    return (-line.overdue_now, -line.missed, rate if rate is not None else 2.0, -line.cases)


async def with_duty(session: AsyncSession, item: OverdueCase, now: datetime,
                    router: Router) -> OverdueCase:
    """The case with the names of who is on duty for its grid now."""
    duty = await on_duty(session, item.grid_id, now, router)
    names = tuple(member.name for member in duty.members)
    return OverdueCase(item.case_id, item.number, item.grid_id, item.state, item.category,
                       item.deadline, item.late, names)
