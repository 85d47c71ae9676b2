"""People: the language a person chose with /lang, and how their name is written."""

from __future__ import annotations

import re

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


# Han characters (with 々, 〇, the compatibility and extension blocks) and the kana.
_CJK = re.compile("[\u3005\u3007\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
                  "\U00020000-\U0003ffff]")
# Characters that show nothing, which some people use as a "blank" name: dropped.
_INVISIBLE = re.compile("[\u00ad\u115f\u1160\u180e\u200b-\u200f\u2060-\u2064\u2800"
                        "\u3164\ufeff\uffa0]")


def person_name(first: str | None, last: str | None = None) -> str:
    """A Telegram user's name as people write it: the two fields in Telegram's order,
    joined without a space where they meet in Chinese characters (王 + 阿姨: 王阿姨,
    张 + 三: 张三), with one otherwise ("Alice Smith"). Invisible characters go, so a
    "blank" name is empty."""
    first, last = (_INVISIBLE.sub("", part or "").strip() for part in (first, last))
    if not (first and last):
        return first or last
    joiner = "" if _CJK.match(first[-1]) and _CJK.match(last[0]) else " "
    return f"{first}{joiner}{last}"


def greeting_name(first: str | None, last: str | None = None) -> str:
    """The name to greet a user by: a Chinese name whole (greeting 张三 or 王阿姨 by the
    surname alone, "您好，张！", reads curt), another by its first name ("Hello, Alice!");
    empty when the name shows nothing (then the greeting has none)."""
    whole = person_name(first, last)
    if _CJK.search(whole):
        return whole
    return person_name(first) or whole
