"""What the bot waits for from a person in their private chat (an arrival location, an
outcome note, a check-in location). Stored on the person row, so any instance can take
the answer; it lapses after `until`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person
from storage.prepared import Prepared


async def set_pending(session: AsyncSession, telegram_id: int, kind: str, data: dict[str, Any],
                      until: datetime, name: str | None = None,
                      unless_busy_at: datetime | None = None) -> bool:
    """Wait for `kind` from this person until `until` (creates the person if unknown).

    One thing is awaited per person. With `unless_busy_at`, a wait still live at that moment
    is kept (an optional note must not displace an arrival the member still owes); returns
    False then.
    """
    person = await session.scalar(select(Person).where(Person.telegram_id == telegram_id))
    if person is None:
        person = Person(telegram_id=telegram_id, name=name or str(telegram_id))
        session.add(person)
    busy = (unless_busy_at is not None and person.pending is not None
            and person.pending_until is not None and person.pending_until > unless_busy_at)
    if busy:
        return False
    person.pending = {"kind": kind, **data}
    person.pending_until = until
    await session.flush()
    return True


# Asked before every private message is handled: prepared (see storage.prepared).
_SELECT_PENDING = Prepared(select(Person.pending, Person.pending_until).where(
    Person.telegram_id == bindparam("telegram_id")))


async def get_pending(session: AsyncSession, telegram_id: int,
                      now: datetime) -> dict[str, Any] | None:
    """The live pending action of this person, if any."""
    row = await _SELECT_PENDING.first(session, {"telegram_id": telegram_id})
    return live(row[0], row[1], now) if row is not None else None


async def waiting_for(session: AsyncSession, telegram_id: int, kind: str,
                      now: datetime) -> bool:
    """Is this person's live pending action of this kind (a location awaited after
    /checkin or /subscribe)?"""
    return (await get_pending(session, telegram_id, now) or {}).get("kind") == kind


def live(pending: dict[str, Any] | None, until: datetime | None,
         now: datetime) -> dict[str, Any] | None:
    """A stored pending action (and its `until`) if it has not lapsed at `now`."""
    if pending is None or until is None or until <= now:
        return None
    return dict(pending)


async def clear_pending(session: AsyncSession, telegram_id: int) -> None:
    """Stop waiting."""
    person = await session.scalar(select(Person).where(Person.telegram_id == telegram_id))
    if person is not None:
        person.pending = None
        person.pending_until = None
