"""Who is talking: language preference and known people."""

from __future__ import annotations

import time

from sqlalchemy import bindparam, select
from telegram import User

from handlers.i18n import language_for
from handlers.services import Services
from storage.models import Person
from storage.prepared import Prepared

# The /lang choice of recent users, so answering does not cost a query per update. Entries
# live CACHE_SECONDS: another instance's /lang change shows up here within that time.
CACHE_SECONDS = 60.0
CACHE_SIZE = 50_000
_PEOPLE = Person.__table__
_LANGUAGE_OF = Prepared(
    select(_PEOPLE.c.language).where(_PEOPLE.c.telegram_id == bindparam("telegram_id")))


async def user_language(svc: Services, user: User | None) -> str:
    """The language to answer `user` in: their /lang choice, else their Telegram language."""
    if user is None:
        return language_for(None)
    now = time.monotonic()
    _chosen = svc.languages
    cached = _chosen.get(user.id)
    if cached is not None and cached[0] > now:
        return language_for(user.language_code, cached[1])
    async with svc.db.sessions() as session:
        chosen = await _LANGUAGE_OF.scalar(session, {"telegram_id": user.id})
    if len(_chosen) >= CACHE_SIZE:
        _chosen.clear()
    _chosen[user.id] = (now + CACHE_SECONDS, chosen)
    return language_for(user.language_code, chosen)


async def set_user_language(svc: Services, user: User, lang: str) -> None:
    """Remember `user`'s language choice (creates the person row for residents)."""
    async with svc.db.transaction() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == user.id))
        if person is None:
            session.add(Person(telegram_id=user.id, name=user.full_name, language=lang))
        else:
            person.language = lang
    svc.languages[user.id] = (time.monotonic() + CACHE_SECONDS, lang)
