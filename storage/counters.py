"""Per-day counters, allocated atomically on both backends."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CaseNumberCounter
from storage.prepared import Prepared


async def next_case_number(session: AsyncSession, local_day: date) -> str:
    """The next case number of `local_day`: `YYYYMMDD-NNNN` (unique per day, never reused).

    One upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`) so two instances creating cases
    at the same moment never get the same number.
    """
    statement = _NEXT_PG if session.bind.dialect.name == "postgresql" else _NEXT_SQLITE
    number = await statement.scalar(session, {"day": local_day})
    return f"{local_day:%Y%m%d}-{number:04d}"


def _next(insert) -> Prepared:
    table = CaseNumberCounter.__table__
    return Prepared(insert(table).values(day=bindparam("day"), last=1)
                    .on_conflict_do_update(index_elements=[table.c.day],
                                           set_={"last": table.c.last + 1})
                    .returning(table.c.last))


_NEXT_PG, _NEXT_SQLITE = _next(pg_insert), _next(sqlite_insert)
