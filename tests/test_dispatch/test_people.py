"""A person's language choice, stored on both backends."""

from __future__ import annotations

from sqlalchemy import func, select

from dispatch.people import choose_language, chosen_language
from storage.db import Database
from storage.models import Person


async def test_a_language_choice_is_kept_and_changed(db: Database) -> None:
    async with db.sessions() as session:
        assert await chosen_language(session, 42) is None  # nobody yet
    async with db.transaction() as session:
        await choose_language(session, 42, "王阿姨", "en")
    async with db.sessions() as session:
        assert await chosen_language(session, 42) == "en"
    async with db.transaction() as session:
        await choose_language(session, 42, "王阿姨", "zh")
    async with db.sessions() as session:
        assert await chosen_language(session, 42) == "zh"
        assert await chosen_language(session, 43) is None
        assert await session.scalar(select(func.count(Person.id))) == 1
