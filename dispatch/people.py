"""People's own choices: the language a person chose with /lang."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person
from storage.prepared import Prepared

# Asked for every person the bot answers who is not in its short-lived cache: prepared.
_LANGUAGE_OF = Prepared(select(Person.__table__.c.language).where(
    Person.__table__.c.telegram_id == bindparam("telegram_id")))


async def chosen_language(session: AsyncSession, telegram_id: int) -> str | None:
    """The language this person chose (/lang), or None (never chose, or unknown)."""
    return await _LANGUAGE_OF.scalar(session, {"telegram_id": telegram_id})


async def choose_language(session: AsyncSession, telegram_id: int, name: str,
                          language: str) -> None:
    """Remember a person's language choice (a resident's first /lang creates their row)."""
    person = await session.scalar(select(Person).where(Person.telegram_id == telegram_id))
    if person is None:
        session.add(Person(telegram_id=telegram_id, name=name, language=language))
    else:
        person.language = language
