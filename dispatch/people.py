"""People: the language a person chose with /lang, and how their name is written."""

from __future__ import annotations

import re
import unicodedata

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
# Characters that show nothing, which some people use as a "blank" name, besides Unicode's
# format characters (zero-width, bidi controls like U+202E, which would turn the rest of a
# greeting around, tags): dropped.
_FILLERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0")


def _visible(part: str | None) -> str:
    """`part` without the characters that show nothing; empty when nothing is left that
    is a letter, a digit, a symbol or punctuation."""
    kept = "".join(c for c in part or "" if c not in _FILLERS
                   and unicodedata.category(c) != "Cf"
                   and not "\ufe00" <= c <= "\ufe0f").strip()
    return kept if any(unicodedata.category(c)[0] in "LNSP" for c in kept) else ""


def person_name(first: str | None, last: str | None = None) -> str:
    """A Telegram user's name as people write it: the two fields in Telegram's order,
    joined without a space where they meet in Chinese characters (王 + 阿姨: 王阿姨,
    张 + 三: 张三), with one otherwise ("Alice Smith"). Invisible characters go, so a
    "blank" name is empty."""
    first, last = _visible(first), _visible(last)
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
