"""Who is talking: language preference and known people."""

from __future__ import annotations

import time

from telegram import User

from dispatch.people import choose_language, chosen_language, person_name
from handlers.i18n import language_for
from handlers.services import Services

# The /lang choice of recent users, so answering does not cost a query per update. Entries
# live CACHE_SECONDS: another instance's /lang change shows up here within that time.
CACHE_SECONDS = 60.0
CACHE_SIZE = 50_000


def name_of(user: User) -> str:
    """The user's name as people write it (dispatch.people.person_name)."""
    return person_name(user.first_name, user.last_name)


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
        chosen = await chosen_language(session, user.id)
    if len(_chosen) >= CACHE_SIZE:
        _chosen.clear()
    _chosen[user.id] = (now + CACHE_SECONDS, chosen)
    return language_for(user.language_code, chosen)


async def set_user_language(svc: Services, user: User, lang: str) -> None:
    """Remember `user`'s language choice (creates the person row for residents)."""
    async with svc.db.transaction() as session:
        await choose_language(session, user.id, name_of(user), lang)
    svc.languages[user.id] = (time.monotonic() + CACHE_SECONDS, lang)
