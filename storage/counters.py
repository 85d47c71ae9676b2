"""Per-day counters, allocated atomically on both backends."""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CaseNumberCounter


async def next_case_number(session: AsyncSession, local_day: date) -> str:
    """The next case number of `local_day`: `YYYYMMDD-NNNN` (unique per day, never reused).

    One upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`) so two instances creating cases
    at the same moment never get the same number.
    """
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    table = CaseNumberCounter.__table__
    statement = (
        insert(table)
        .values(day=local_day, last=1)
        .on_conflict_do_update(index_elements=[table.c.day], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    number = (await session.execute(statement)).scalar_one()
    return f"{local_day:%Y%m%d}-{number:04d}"
