"""What the bot waits for from a person in their private chat (an arrival location, an
outcome note, a check-in location). Stored on the person row, so any instance can take
the answer; it lapses after `until`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person


async def set_pending(session: AsyncSession, telegram_id: int, kind: str, data: dict[str, Any],
                      until: datetime, name: str | None = None) -> None:
    """Wait for `kind` from this person until `until` (creates the person if unknown)."""
    person = await session.scalar(select(Person).where(Person.telegram_id == telegram_id))
    if person is None:
        person = Person(telegram_id=telegram_id, name=name or str(telegram_id))
        session.add(person)
    person.pending = {"kind": kind, **data}
    person.pending_until = until
    await session.flush()


async def get_pending(session: AsyncSession, telegram_id: int,
                      now: datetime) -> dict[str, Any] | None:
    """The live pending action of this person, if any."""
    row = (await session.execute(select(Person.pending, Person.pending_until)
                                 .where(Person.telegram_id == telegram_id))).one_or_none()
    if row is None or row[0] is None or row[1] is None or row[1] <= now:
        return None
    return dict(row[0])


async def clear_pending(session: AsyncSession, telegram_id: int) -> None:
    """Stop waiting."""
    person = await session.scalar(select(Person).where(Person.telegram_id == telegram_id))
    if person is not None:
        person.pending = None
        person.pending_until = None
