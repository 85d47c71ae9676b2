"""Pick a user's language and render catalogue texts."""

from __future__ import annotations

from string import Formatter

from handlers.locales import en, zh

DEFAULT_LANGUAGE = "zh"
CATALOGUES: dict[str, dict[str, str]] = {"zh": zh.MESSAGES, "en": en.MESSAGES}


def language_for(telegram_code: str | None, chosen: str | None = None) -> str:
    """`chosen` (set with /lang) wins; otherwise English for English Telegram clients, else zh."""
    if chosen in CATALOGUES:
        return chosen
    if telegram_code and telegram_code.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def t(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (zh when the language is unknown), with values filled in."""
    catalogue = CATALOGUES.get(lang, CATALOGUES[DEFAULT_LANGUAGE])
    return catalogue[key].format(**values) if values else catalogue[key]


def placeholders(text: str) -> set[str]:
    """Names of the `{placeholders}` in a catalogue text."""
    return {name for _, name, _, _ in Formatter().parse(text) if name}
