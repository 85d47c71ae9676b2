"""Patrol check-ins: a member starts a shift (/checkin, with a location) and ends it
(/checkout). Rows of `checkins` with kind ``shift_start`` / ``shift_end``; the lead's
on-site ``arrival`` rows live in the same table and are not touched here.

Every function runs inside the caller's transaction; times are aware UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.routing import Router
from dispatch.shifts import ShiftSpec
from storage.models import CheckIn, Membership, Person, Role

SHIFT_START = "shift_start"
SHIFT_END = "shift_end"
DUTY_ROLES = (Role.PATROL, Role.LEADER)


@dataclass(frozen=True)
class DutyMembership:
    """One grid a person patrols or leads, with their shifts there."""

    person_id: int
    grid_id: int
    role: str
    specs: tuple[ShiftSpec, ...]
    always_on_call: bool


async def memberships_of(session: AsyncSession, telegram_id: int) -> list[DutyMembership]:
    """The person's patrol and leader memberships (empty: not a patrol member)."""
    rows = await session.execute(
        select(Membership).join(Person, Membership.person_id == Person.id)
        .where(Person.telegram_id == telegram_id, Membership.role.in_(DUTY_ROLES))
        .order_by(Membership.id))
    return [DutyMembership(m.person_id, m.grid_id, m.role,
                           tuple(ShiftSpec(s.weekdays, s.on_date, s.start_minute, s.end_minute)
                                 for s in m.shifts), m.always_on_call)
            for m in rows.scalars()]


def choose_grid(grid_ids: Sequence[int], located: int | None, router: Router) -> int:
    """The grid a check-in belongs to: the member's grid containing the point (the located
    grid or one of its ancestors), else their first grid."""
    if located is not None:
        chain = [located, *(g.id for g in router.ancestors(located))]
        for candidate in chain:
            if candidate in grid_ids:
                return candidate
    return grid_ids[0]


async def last_shift_event(session: AsyncSession, person_id: int) -> CheckIn | None:
    """The person's latest shift start or end."""
    return await session.scalar(
        select(CheckIn).where(CheckIn.person_id == person_id,
                              CheckIn.kind.in_((SHIFT_START, SHIFT_END)))
        .order_by(CheckIn.at.desc(), CheckIn.id.desc()).limit(1))


async def open_shift(session: AsyncSession, person_id: int) -> CheckIn | None:
    """The shift start the person has not checked out of yet, if any."""
    last = await last_shift_event(session, person_id)
    return last if last is not None and last.kind == SHIFT_START else None


async def check_in(session: AsyncSession, person_id: int, grid_id: int, at: datetime,
                   latitude: float | None, longitude: float | None) -> CheckIn:
    """Record the start of a shift."""
    row = CheckIn(person_id=person_id, grid_id=grid_id, kind=SHIFT_START, at=at,
                  latitude=latitude, longitude=longitude)
    session.add(row)
    await session.flush()
    return row


async def check_out(session: AsyncSession, person_id: int, at: datetime,
                    latitude: float | None = None,
                    longitude: float | None = None) -> tuple[CheckIn, CheckIn] | None:
    """Record the end of the open shift; returns (start, end), or None when none is open."""
    start = await open_shift(session, person_id)
    if start is None:
        return None
    end = CheckIn(person_id=person_id, grid_id=start.grid_id, kind=SHIFT_END, at=at,
                  latitude=latitude, longitude=longitude)
    session.add(end)
    await session.flush()
    return start, end


async def checked_in(session: AsyncSession, person_ids: Sequence[int], since: datetime,
                     until: datetime) -> set[int]:
    """Those of `person_ids` who started a shift within `[since, until]`."""
    if not person_ids:
        return set()
    rows = await session.execute(
        select(CheckIn.person_id).where(CheckIn.person_id.in_(list(person_ids)),
                                        CheckIn.kind == SHIFT_START,
                                        CheckIn.at >= since, CheckIn.at <= until))
    return set(rows.scalars())


async def shift_events(session: AsyncSession, since: datetime, until: datetime,
                       grid_ids: Sequence[int] | None = None) -> list[CheckIn]:
    """Shift starts and ends in `[since, until)`, oldest first (attendance figures)."""
    query = (select(CheckIn).where(CheckIn.kind.in_((SHIFT_START, SHIFT_END)),
                                   CheckIn.at >= since, CheckIn.at < until)
             .order_by(CheckIn.at, CheckIn.id))
    if grid_ids is not None:
        query = query.where(CheckIn.grid_id.in_(list(grid_ids)))
    return list((await session.execute(query)).scalars())
