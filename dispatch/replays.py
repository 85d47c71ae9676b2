"""Telegram updates handed out again: recognised, never taken twice.

Telegram delivers an update at least once. It hands one out again when the bot's
confirmation did not reach it: the bot was killed before its next getUpdates, a webhook
answer was lost, or two instances were given the same update. Taken twice, a patrol
member's arrival location would land on the case they took next, an old /checkout would
end the shift begun since, an old /cancel would drop the report begun since.

Two records, one per kind of handler:

- a resident's draft remembers the updates that changed it (`dispatch.intake.
  already_applied`): the draft is read and written on every message anyway. When the
  draft goes (submitted, cancelled, expired), its ids come here (`remember`), so an
  update of a report already filed does not start the next one;
- the other handlers that change something (the README lists them; case buttons need
  nothing, they carry the case's version) record the update here, in the transaction of
  the change (`first_time`), so the record and the change stand or fall together: an
  update whose handling a crash cut short is taken when it comes again. Both halves of
  an undoing pair are recorded (/bind and /unbind, /checkin and /checkout), or a replayed
  tail would redo one and not the other. The residents' intake reads this record with
  the draft (one statement), so an answer to a wait (到场, 办结, /checkin, /subscribe)
  handed out again after the wait was answered does not start a report either.

Records are kept a day: Telegram keeps an update no longer than that. Update ids are
one bot's sequence: two bot tokens over one database could share ids (not supported).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import HandledUpdate
from storage.prepared import Prepared

KEPT = timedelta(days=1)


# One INSERT that skips an update already recorded, per dialect; prepared
# (storage.prepared): a draft's ids are recorded on the residents' path, at submission.
def _record(insert: Any) -> Any:
    return (insert(HandledUpdate).values(update_id=bindparam("update_id"), at=bindparam("at"))
            .on_conflict_do_nothing(index_elements=["update_id"]))


_DIALECTS = (("postgresql", pg_insert), ("sqlite", sqlite_insert))
_RECORD = {name: Prepared(_record(insert).returning(HandledUpdate.update_id))
           for name, insert in _DIALECTS}
_RECORD_MANY = {name: Prepared(_record(insert)) for name, insert in _DIALECTS}


async def first_time(session: AsyncSession, update_id: int | None, now: datetime) -> bool:
    """Record the update as taken, in the caller's transaction; False when it already was
    (the same update handed out again: the caller changes nothing)."""
    if update_id is None:
        return True
    return await _RECORD[session.bind.dialect.name].scalar(
        session, {"update_id": update_id, "at": now}) is not None


async def taken(session: AsyncSession, update_id: int | None) -> bool:
    """Was this update recorded as taken?"""
    return update_id is not None and await session.get(HandledUpdate, update_id) is not None


async def remember(session: AsyncSession, update_ids: Iterable[int], now: datetime) -> None:
    """Record updates taken already (those of a draft that goes), in the caller's
    transaction."""
    rows = [{"update_id": update_id, "at": now} for update_id in update_ids]
    await _RECORD_MANY[session.bind.dialect.name].run_many(session, rows)


async def forget_old(session: AsyncSession, now: datetime) -> int:
    """Drop records older than a day; the number dropped."""
    result = await session.execute(delete(HandledUpdate).where(HandledUpdate.at < now - KEPT))
    return result.rowcount or 0
