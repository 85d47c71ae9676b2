"""A person's language choice, stored on both backends, and how names are written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dispatch.people import choose_language, chosen_language, greeting_name, person_name
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


@pytest.mark.parametrize(("first", "last", "name", "greeting"), [
    ("王", "阿姨", "王阿姨", "王阿姨"),
    ("张", "三", "张三", "张三"),
    ("张三", None, "张三", "张三"),
    (" 李四 ", "", "李四", "李四"),
    ("Alice", "Smith", "Alice Smith", "Alice"),
    ("Alice", None, "Alice", "Alice"),
    ("小明", "Li", "小明 Li", "小明 Li"),  # only where Chinese meets Chinese
    ("John", "王", "John 王", "John 王"),
    ("さくら", "山田", "さくら山田", "さくら山田"),
    ("", "", "", ""),
    ("\u3164", None, "", ""),  # a "blank" name (Hangul filler)
    ("\u200b", "Smith", "Smith", "Smith"),
    ("佐々", "木", "佐々木", "佐々木"),
    ("\u202e", None, "", ""),  # a right-to-left override alone
    ("\u2066\u2069\ufe0f", "\u034f", "", ""),
    ("Bob\u202e", None, "Bob", "Bob"),
    ("🔥", None, "🔥", "🔥"),  # a symbol shows
    ("\u0301\u0301", None, "", ""),  # combining marks with nothing to sit on
])
def test_names_are_written_as_people_write_them(first, last, name, greeting) -> None:
    assert person_name(first, last) == name
    assert greeting_name(first, last) == greeting
