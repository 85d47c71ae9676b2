"""Who is talking: language preference and known people."""

from __future__ import annotations

from sqlalchemy import select
from telegram import User

from handlers.i18n import language_for
from handlers.services import Services
from storage.models import Person


async def user_language(svc: Services, user: User | None) -> str:
    """The language to answer `user` in: their /lang choice, else their Telegram language."""
    if user is None:
        return language_for(None)
    async with svc.db.sessions() as session:
        chosen = await session.scalar(select(Person.language).where(Person.telegram_id == user.id))
    return language_for(user.language_code, chosen)


async def set_user_language(svc: Services, user: User, lang: str) -> None:
    """Remember `user`'s language choice (creates the person row for residents)."""
    async with svc.db.transaction() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == user.id))
        if person is None:
            session.add(Person(telegram_id=user.id, name=user.full_name, language=lang))
        else:
            person.language = lang
