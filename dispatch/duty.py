"""Who is on duty in a grid at a moment, and who may act on a grid's cases.

On duty: patrol members of the grid whose shift covers the moment (or who are always on
call); during a `high` sensitive window every patrol member of the grid ("all hands").
Nobody: the grid's leaders; still nobody: the same question one level up, to the top.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.clock import to_local
from dispatch.routing import Router
from dispatch.shifts import ShiftSpec, is_on_duty
from schedules.windows import WindowRule, active_windows
from storage.db import IN_CHUNK, chunks
from storage.models import Case, Membership, Person, Role, Shift
from storage.prepared import Prepared


@dataclass(frozen=True)
class Member:
    """A person in a grid's roster."""

    person_id: int
    telegram_id: int
    name: str
    language: str | None
    role: str
    grid_id: int


@dataclass(frozen=True)
class Duty:
    """Who answers for a grid now, and how they were found."""

    members: tuple[Member, ...]
    grid_id: int | None  # the grid whose people they are (an ancestor after a fallback)
    source: str  # shift | all_hands | leader | none


def all_hands(windows: list[WindowRule], now: datetime, category: str | None = None) -> bool:
    """Inside a `high` sensitive window (that concerns `category`, when one is given), every
    patrol member of a grid counts as on duty."""
    return any(w.level == "high" and (category is None or category in w.categories)
               for w in active_windows(windows, now))


@dataclass(frozen=True)
class RosterEntry:
    """One membership of a roster: the member, their shifts, and whether always on call."""

    member: Member
    specs: tuple[ShiftSpec, ...]
    always_on_call: bool


_MEMBERSHIPS = Membership.__table__
_PEOPLE = Person.__table__
_SHIFTS = Shift.__table__
# One read: the memberships joined with their shifts (a row per shift, one for a
# membership without any), ordered by name and then by shift.
_ROSTER = Prepared(select(_MEMBERSHIPS.c.id, _MEMBERSHIPS.c.grid_id, _MEMBERSHIPS.c.role,
                  _MEMBERSHIPS.c.always_on_call, _PEOPLE.c.id.label("person_id"),
                  _PEOPLE.c.telegram_id, _PEOPLE.c.name, _PEOPLE.c.language,
                  _SHIFTS.c.id.label("shift_id"), _SHIFTS.c.weekdays, _SHIFTS.c.on_date,
                  _SHIFTS.c.start_minute, _SHIFTS.c.end_minute)
           .join(_PEOPLE, _MEMBERSHIPS.c.person_id == _PEOPLE.c.id)
           .outerjoin(_SHIFTS, _SHIFTS.c.membership_id == _MEMBERSHIPS.c.id)
           .where(_MEMBERSHIPS.c.grid_id.in_(bindparam("grid_ids", expanding=True)),
                  _MEMBERSHIPS.c.role.in_(bindparam("roles", expanding=True)))
           .order_by(_PEOPLE.c.name, _PEOPLE.c.id, _MEMBERSHIPS.c.id, _SHIFTS.c.id))


async def roster(session: AsyncSession, grid_ids: list[int],
                 roles: tuple[str, ...] | None = None) -> list[RosterEntry]:
    """Memberships (with shifts) and people of these grids, by name.

    Plain rows, not ORM objects: this runs for every dispatched and refreshed case."""
    rows = []
    for part in chunks(list(grid_ids)):
        rows += await _ROSTER.all(session, {"grid_ids": part,
                                            "roles": list(roles or tuple(Role))})
    if len(grid_ids) > IN_CHUNK:
        rows.sort(key=lambda row: (row.name, row.person_id, row.id, row.shift_id or 0))
    entries: dict[int, tuple[Any, list[ShiftSpec]]] = {}
    for row in rows:
        _, specs = entries.setdefault(row.id, (row, []))
        if row.shift_id is not None:
            specs.append(ShiftSpec(row.weekdays, row.on_date, row.start_minute,
                                   row.end_minute))
    return [RosterEntry(Member(row.person_id, row.telegram_id, row.name, row.language,
                               row.role, row.grid_id),
                        tuple(specs), row.always_on_call) for row, specs in entries.values()]


def _member(membership: Membership, person: Person) -> Member:
    return Member(person.id, person.telegram_id, person.name, person.language, membership.role,
                  membership.grid_id)


async def on_duty(session: AsyncSession, grid_id: int | None, moment: datetime, router: Router,
                  *, all_hands: bool = False) -> Duty:
    """Who is on duty for `grid_id` at `moment` (see the module docstring for the fallbacks)."""
    local = to_local(moment)
    chain = [grid_id] + [g.id for g in router.ancestors(grid_id)] if grid_id else []
    for current in chain:
        entries = await roster(session, [current], (Role.PATROL, Role.LEADER))
        patrols = [e for e in entries if e.member.role == Role.PATROL]
        if all_hands and patrols:
            return Duty(tuple(e.member for e in patrols), current, "all_hands")
        now_on = [e for e in patrols if is_on_duty(e.specs, e.always_on_call, local)]
        if now_on:
            return Duty(tuple(e.member for e in now_on), current, "shift")
        leaders = [e.member for e in entries if e.member.role == Role.LEADER]
        if leaders:
            return Duty(tuple(leaders), current, "leader")
    return Duty((), None, "none")


async def leaders_of(session: AsyncSession, grid_id: int, router: Router) -> list[Member]:
    """The grid's leaders, or the nearest ancestor's."""
    for current in [grid_id] + [g.id for g in router.ancestors(grid_id)]:
        entries = await roster(session, [current], (Role.LEADER,))
        if entries:
            return [e.member for e in entries]
    return []


async def may_act(session: AsyncSession, telegram_id: int, grid_id: int | None,
                  router: Router) -> Member | None:
    """The membership that lets this person act on a case of `grid_id`: a patrol member of
    the grid, or a leader (or admin) of the grid or of any grid above it. None: refused."""
    if grid_id is None:
        return None
    above = [g.id for g in router.ancestors(grid_id)]
    query = (select(Membership, Person).join(Person, Membership.person_id == Person.id)
             .where(Person.telegram_id == telegram_id,
                    Membership.grid_id.in_([grid_id, *above])))
    best: Member | None = None
    for membership, person in (await session.execute(query)).all():
        if membership.role == Role.PATROL and membership.grid_id == grid_id:
            return _member(membership, person)
        if membership.role in (Role.LEADER, Role.ADMIN):
            best = best or _member(membership, person)
    return best


async def admins(session: AsyncSession) -> list[Member]:
    """Everyone with the admin role in any grid, once each."""
    query = (select(Membership, Person).join(Person, Membership.person_id == Person.id)
             .where(Membership.role == Role.ADMIN).order_by(Person.id))
    found: dict[int, Member] = {}
    for membership, person in (await session.execute(query)).all():
        found.setdefault(person.id, _member(membership, person))
    return list(found.values())


async def assignee_of(session: AsyncSession, case: Case) -> Member | None:
    """The person who took the case, if anyone has."""
    if case.assignee_id is None:
        return None
    person = await session.get(Person, case.assignee_id)
    return Member(person.id, person.telegram_id, person.name, person.language, Role.PATROL,
                  case.grid_id or 0) if person else None
