"""Patrol attendance: scheduled shift starts against `shift_start` check-ins.

Rule (docs/officials.md): every shift of a patrol membership (not always on call) that
starts on a local day of the period, at or before now, is one *expected* shift start. It is
*attended* when the person has a `shift_start` check-in within `MATCH_WINDOW` (60 min)
before or after the start. Always-on-call members have no scheduled shifts and are left out.

The work is proportional to people × days (the roster), never to cases.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.clock import LOCAL_TZ
from dispatch.figures_period import Period
from dispatch.figures_scope import Scope
from dispatch.figures_sql import epoch_seconds
from dispatch.shifts import ShiftSpec
from storage.models import CheckIn, Membership, Role, Shift

MATCH_WINDOW = timedelta(minutes=60)


@dataclass
class Attendance:
    """Expected and attended shift starts, per grid id of the membership and per member."""

    by_grid: dict[int, tuple[int, int]] = field(default_factory=dict)
    by_member: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    @property
    def expected(self) -> int:
        """All expected shift starts."""
        return sum(expected for expected, _ in self.by_grid.values())

    @property
    def attended(self) -> int:
        """All attended shift starts."""
        return sum(attended for _, attended in self.by_grid.values())


def period_days(period: Period, now: datetime) -> list[tuple[date, float]]:
    """The period's local days up to `now`, with their midnights (epoch seconds)."""
    limit = now.timestamp()
    days = []
    for day in period.day_list():
        midnight = datetime.combine(day, time(0), LOCAL_TZ).timestamp()
        if midnight > limit:
            break
        days.append((day, midnight))
    return days


def shift_starts(specs: list[ShiftSpec], days: list[tuple[date, float]],
                 now: datetime) -> list[float]:
    """Start instants (epoch seconds) of these shifts on `days` (see `period_days`), up to
    `now`. Plain numbers, not datetimes: a district's month is tens of thousands of them."""
    limit = now.timestamp()
    starts = []
    for day, midnight in days:
        for spec in specs:
            if spec.starts_on(day):
                start = midnight + spec.start_minute * 60
                if start <= limit:
                    starts.append(start)
    return starts


async def attendance(session: AsyncSession, scope: Scope, period: Period,
                     now: datetime) -> Attendance:
    """Expected vs attended shift starts of the scope's patrol members in `period`."""
    query = (select(Membership.person_id, Membership.grid_id, Shift.weekdays, Shift.on_date,
                    Shift.start_minute, Shift.end_minute)
             .join(Shift, Shift.membership_id == Membership.id)
             .where(Membership.role == Role.PATROL, Membership.always_on_call.is_(False)))
    ids = scope.id_list()
    if ids is not None:
        query = query.where(Membership.grid_id.in_(ids))
    specs: dict[tuple[int, int], list[ShiftSpec]] = defaultdict(list)
    for person_id, grid_id, weekdays, on_date, start, end in (await session.execute(query)).all():
        specs[(person_id, grid_id)].append(ShiftSpec(weekdays, on_date, start, end))
    if not specs:
        return Attendance()
    checkins = await _checkins(session, {person for person, _ in specs}, period, now)
    window = MATCH_WINDOW.total_seconds()
    days = period_days(period, now)
    result: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    members: dict[tuple[int, int], tuple[int, int]] = {}
    for (person_id, grid_id), person_specs in specs.items():
        times = checkins.get(person_id, [])
        expected = attended = 0
        for start in shift_starts(person_specs, days, now):
            expected += 1
            position = bisect.bisect_left(times, start - window)
            if position < len(times) and times[position] <= start + window:
                attended += 1
        members[(person_id, grid_id)] = (expected, attended)
        result[grid_id][0] += expected
        result[grid_id][1] += attended
    return Attendance({grid: (c[0], c[1]) for grid, c in result.items()}, members)


async def _checkins(session: AsyncSession, people: set[int], period: Period,
                    now: datetime) -> dict[int, list[float]]:
    """Sorted shift_start check-in times (epoch seconds) per person around the period."""
    at = epoch_seconds(session.bind.dialect.name, CheckIn.at)
    query = (select(CheckIn.person_id, at)
             .where(CheckIn.kind == "shift_start",
                    CheckIn.at >= period.start - MATCH_WINDOW,
                    CheckIn.at <= min(period.end, now) + MATCH_WINDOW))
    if len(people) <= 2000:
        query = query.where(CheckIn.person_id.in_(sorted(people)))
    times: dict[int, list[float]] = defaultdict(list)
    for person_id, moment in (await session.execute(query)).all():
        if person_id in people:
            times[person_id].append(float(moment))
    for values in times.values():
        values.sort()
    return times
