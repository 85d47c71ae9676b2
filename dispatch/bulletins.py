"""Monthly bulletins (月通报) and quarterly rankings (季评比): when they are due, and the score.

Timing (local time): the monthly bulletin of the current month is due from
`bulletin_day` at `bulletin_time` (default the 27th at 17:00; the month so far) until the
month ends; the quarterly ranking of the quarter just ended is due from the first working
day after it (the working-day calendar) at `ranking_time` (default 09:00) for
`RANKING_GRACE`. A restart inside those windows still sends them; the outbox's dedup key
(`bulletin:2026-11:<chat>`, `ranking:2026-Q4:<chat>`) makes sure each goes out once.

Score of a grid (0–100), over the cases created in the period and its patrols' shifts::

    score = 100 × Σ wᵢ·cᵢ / Σ wᵢ   over the components cᵢ that have data

    on_site       share of due on-site steps that were in time
    overdue       1 − (cases that missed a deadline / cases)
    satisfaction  satisfied / rated cases
    attendance    attended / expected shift starts

Default weights 40 / 20 / 20 / 20 (`[officials] weight_*`). A component without data (no
case, nothing rated, no scheduled shift) is left out and the others are re-weighted; a grid
with no component at all is not ranked. Ties: fewer missed deadlines first, then the code.
Ranked units are the leaf grids of the scope (the teams that patrol).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.clock import LOCAL_TZ, to_local
from dispatch.figures import Line, lines_by_grid, share
from dispatch.figures_attendance import Attendance, attendance
from dispatch.figures_period import Period, month_of, quarter_of
from dispatch.figures_scope import Scope
from dispatch.routing import GridNode
from schedules.calendar import WorkCalendar

RANKING_GRACE = timedelta(days=7)


@dataclass(frozen=True)
class Weights:
    """Weights of the score components."""

    on_site: float = 40.0
    overdue: float = 20.0
    satisfaction: float = 20.0
    attendance: float = 20.0


@dataclass(frozen=True)
class OfficialsConfig:
    """The `[officials]` section."""

    bulletin_day: int = 27
    bulletin_time: time = time(17, 0)
    ranking_time: time = time(9, 0)
    bulletins: bool = True
    rankings: bool = True
    weights: Weights = field(default_factory=Weights)
    tick: timedelta = timedelta(seconds=60)


@dataclass(frozen=True)
class Due:
    """A bulletin or ranking due now."""

    kind: str  # bulletin | ranking
    period: Period
    due_at: datetime

    def dedup_key(self, chat_id: int, part: str = "") -> str:
        """The outbox key that makes it go out once per chat."""
        return f"{self.kind}:{self.period.key()}:{chat_id}{':' + part if part else ''}"


def first_workday_after(day: date, calendar: WorkCalendar) -> date:
    """The first working day after `day`."""
    candidate = day + timedelta(days=1)
    for _ in range(40):
        if calendar.is_workday(candidate):
            return candidate
        candidate += timedelta(days=1)
    return candidate


def due_now(now: datetime, config: OfficialsConfig, calendar: WorkCalendar) -> list[Due]:
    """The bulletin and ranking whose time has come (see the module docstring)."""
    today = to_local(now).date()
    due: list[Due] = []
    if config.bulletins:
        month = month_of(today)
        moment = datetime.combine(month.first.replace(day=config.bulletin_day),
                                  config.bulletin_time, LOCAL_TZ)
        if moment <= now < month.end:
            due.append(Due("bulletin", month, moment))
    if config.rankings:
        ended = quarter_of(quarter_of(today).first - timedelta(days=1))
        day = first_workday_after(ended.last, calendar)
        moment = datetime.combine(day, config.ranking_time, LOCAL_TZ)
        if moment <= now < moment + RANKING_GRACE:
            due.append(Due("ranking", ended, moment))
    return due


@dataclass(frozen=True)
class Ranked:
    """A grid's place in a ranking."""

    grid: GridNode
    line: Line
    score: float | None
    rank: int | None
    components: dict[str, float | None]


def components(line: Line) -> dict[str, float | None]:
    """The score components of a line (None: no data)."""
    overdue = 1.0 - line.missed / line.cases if line.cases else None
    return {"on_site": share(line.on_site_in_time, line.on_site_due), "overdue": overdue,
            "satisfaction": share(line.satisfied, line.rated),
            "attendance": share(line.attended_shifts, line.expected_shifts)}


def score(line: Line, weights: Weights) -> tuple[float | None, dict[str, float | None]]:
    """The documented score (0–100) and its components."""
    parts = components(line)
    total = weight_sum = 0.0
    for name, value in parts.items():
        weight = getattr(weights, name)
        if value is not None and weight > 0:
            total += weight * value
            weight_sum += weight
    return (round(100.0 * total / weight_sum, 1) if weight_sum else None), parts


async def leaf_lines(session: AsyncSession, scope: Scope, period: Period,
                     now: datetime) -> dict[int, Line]:
    """One line per leaf grid of the scope (cases, SLA, satisfaction, attendance)."""
    by_grid = await lines_by_grid(session, scope, period.start, period.end, now)
    return leaf_lines_of(scope, by_grid, await attendance(session, scope, period, now))


def leaf_lines_of(scope: Scope, by_grid: dict[int | None, Line],
                  attend: Attendance) -> dict[int, Line]:
    """Leaf lines from per-grid lines and attendance already computed (e.g. by /status)."""
    lines = {leaf.id: Line() for leaf in scope.leaves}
    for grid_id, line in by_grid.items():
        if grid_id in lines:
            lines[grid_id].add(line)
    for grid_id, (expected, attended) in attend.by_grid.items():
        if grid_id in lines:
            lines[grid_id].expected_shifts += expected
            lines[grid_id].attended_shifts += attended
    return lines


async def ranking(session: AsyncSession, scope: Scope, period: Period, now: datetime,
                  weights: Weights) -> list[Ranked]:
    """The scope's leaf grids, best first (unranked ones last)."""
    return rank_lines(scope.leaves, await leaf_lines(session, scope, period, now), weights)


def rank_lines(leaves: tuple[GridNode, ...], lines: dict[int, Line],
               weights: Weights) -> list[Ranked]:
    """Rank grids by score (see the module docstring), best first, unranked last."""
    rows = []
    for leaf in leaves:
        line = lines.get(leaf.id, Line())
        value, parts = score(line, weights)
        rows.append((leaf, line, value, parts))
    rows.sort(key=lambda r: (r[2] is None, -(r[2] or 0.0), r[1].missed, r[0].code))
    ranked, place = [], 0
    for leaf, line, value, parts in rows:
        if value is not None:
            place += 1
        ranked.append(Ranked(leaf, line, value, place if value is not None else None, parts))
    return ranked
