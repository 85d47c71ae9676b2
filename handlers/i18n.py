"""Pick a user's language and render catalogue texts."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import timedelta
from string import Formatter

import handlers.locales as locales_package

DEFAULT_LANGUAGE = "zh"
LANGUAGES = ("zh", "en")


def _load_catalogues() -> dict[str, dict[str, str]]:
    """Each language is `locales/<lang>.py` plus `locales/<lang>_<audience>.py` parts
    (e.g. `zh_official.py`), merged; a key defined twice is a bug and fails loudly."""
    names = [m.name for m in pkgutil.iter_modules(locales_package.__path__)]
    catalogues: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        merged: dict[str, str] = {}
        for name in sorted(n for n in names if n == lang or n.startswith(f"{lang}_")):
            part = importlib.import_module(f"handlers.locales.{name}").MESSAGES
            clash = set(part) & set(merged)
            if clash:
                raise RuntimeError(f"text keys defined twice in locales ({name}): {sorted(clash)}")
            merged.update(part)
        catalogues[lang] = merged
    return catalogues


CATALOGUES: dict[str, dict[str, str]] = _load_catalogues()


def language_for(telegram_code: str | None, chosen: str | None = None) -> str:
    """`chosen` (set with /lang) wins; otherwise English for English Telegram clients, else zh."""
    if chosen in CATALOGUES:
        return chosen
    if telegram_code and telegram_code.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


# What people type after /lang ("/lang en", "/lang 中文"), to a catalogue's code.
_LANGUAGE_NAMES = {"zh": "zh", "cn": "zh", "zh-hans": "zh", "zh-cn": "zh", "中文": "zh",
                   "汉语": "zh", "简体中文": "zh", "chinese": "zh",
                   "en": "en", "english": "en", "英文": "en", "英语": "en"}


def language_named(word: str) -> str | None:
    """The language a word names ("English", "中文", "zh"), or None."""
    code = _LANGUAGE_NAMES.get(word.strip().lower())
    return code if code in CATALOGUES else None


def t(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (zh when the language is unknown), with values filled in."""
    catalogue = CATALOGUES.get(lang, CATALOGUES[DEFAULT_LANGUAGE])
    return catalogue[key].format(**values) if values else catalogue[key]


def hours(delta: timedelta) -> str:
    """A duration in hours as people write it: 2, 1.5, 0.25 (never 2.0)."""
    return f"{delta.total_seconds() / 3600:.3g}"


def placeholders(text: str) -> set[str]:
    """Names of the `{placeholders}` in a catalogue text."""
    return {name for _, name, _, _ in Formatter().parse(text) if name}
