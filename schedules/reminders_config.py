"""The ``[reminders]`` settings: times, levels and text templates (schedules/README.md).

Every problem raises `bot.settings.SettingsError` with one line naming the key, e.g.
``[reminders] lead: expected a duration like 90s, 10m or 1h, got 'soon'``. Templates are
checked at start-up: each may use only its documented placeholders.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from functools import lru_cache
from importlib import resources
from string import Formatter
from typing import Any

from bot.settings import Settings, SettingsError, parse_duration
from dispatch.reminders import ReminderRules
from schedules.calendar import parse_hhmm
from schedules.windows import LEVELS

LANGUAGES = ("zh", "en")
_WHEN = {"time"}
PLACEHOLDERS: dict[str, set[str]] = {
    "pre_window": {"window", "level", "when", "start", "end", "grid", "focus"},
    "shift_start": {"window", "level", "grid", "time", "starting", "on_duty"},
    "shift_start_high": {"window", "level", "grid", "time", "starting", "on_duty"},
    "peak": {"window", "level", "grid", "time", "on_duty"},
    "missed_checkin": {"window", "grid", "time", "members", "minutes"},
    "public": {"grids", "windows", "bans"},
    "public_item": {"when", "window", "level"},
    "when_today": _WHEN,
    "when_tomorrow": _WHEN,
    "when_tonight": _WHEN,
    "when_tomorrow_night": _WHEN,
    "when_date": {"date", "time"},
    "date": {"month", "day", "month_name"},
    "level_normal": set(),
    "level_high": set(),
    "category_fireworks": set(),
    "category_burning": set(),
    "category_dust": set(),
    "nobody": set(),
    "list_sep": set(),
    "item_sep": set(),
}
_KEYS = {"lead", "grace", "tick", "peak_times", "checkin_grace", "checkin_early", "public_days",
         "public_time", "public_levels", "shift_levels", "skip", "group_languages", "texts"}


@dataclass(frozen=True)
class ReminderConfig:
    """Parsed ``[reminders]``: the rules, the tick interval, the texts per language and the
    languages of group messages (joined, in order)."""

    rules: ReminderRules
    tick: timedelta
    texts: Mapping[str, Mapping[str, str]]
    group_languages: tuple[str, ...] = ("zh",)


def _fail(key: str, message: str) -> SettingsError:
    return SettingsError(f"[reminders] {key}: {message}")


@lru_cache(maxsize=1)
def default_texts() -> dict[str, dict[str, str]]:
    """The templates shipped in ``schedules/default_reminders.toml``."""
    text = resources.files(__package__).joinpath("default_reminders.toml").read_text("utf-8")
    return tomllib.loads(text)["reminders"]["texts"]


def check_template(name: str, text: Any, allowed: set[str]) -> str:
    """`text` if it is a string using only `allowed` placeholders, else SettingsError."""
    if not isinstance(text, str):
        raise _fail(name, f"expected a string, got {text!r}")
    try:
        fields = [field for _, field, _, _ in Formatter().parse(text) if field is not None]
    except ValueError as exc:
        raise _fail(name, f"bad template ({exc}); write a literal brace as {{{{ or }}}}") from None
    for field in fields:
        if field not in allowed:
            known = ", ".join(f"{{{p}}}" for p in sorted(allowed)) or "none"
            raise _fail(name, f"unknown placeholder {{{field}}} (allowed: {known})")
    return text


def _texts(raw: Any) -> dict[str, dict[str, str]]:
    merged = {lang: dict(texts) for lang, texts in default_texts().items()}
    if raw is None:
        return merged
    if not isinstance(raw, Mapping):
        raise _fail("texts", "expected tables [reminders.texts.zh] / [reminders.texts.en]")
    for lang, texts in raw.items():
        if lang not in LANGUAGES:
            raise _fail(f"texts.{lang}", f"unknown language (known: {', '.join(LANGUAGES)})")
        if not isinstance(texts, Mapping):
            raise _fail(f"texts.{lang}", "expected a table of templates")
        for key, text in texts.items():
            if key not in PLACEHOLDERS:
                raise _fail(f"texts.{lang}.{key}",
                            f"unknown text (known: {', '.join(sorted(PLACEHOLDERS))})")
            merged[lang][key] = check_template(f"texts.{lang}.{key}", text, PLACEHOLDERS[key])
    return merged


def _duration(section: Mapping[str, Any], key: str, default: timedelta) -> timedelta:
    return parse_duration(section[key], f"[reminders] {key}") if key in section else default


def _times(section: Mapping[str, Any], key: str, default: tuple[time, ...]) -> tuple[time, ...]:
    raw = section.get(key)
    if raw is None:
        return default
    if not isinstance(raw, list):
        raise _fail(key, f'expected a list like ["18:00", "21:00"], got {raw!r}')
    try:
        return tuple(sorted({parse_hhmm(value) for value in raw}))
    except ValueError as exc:
        raise _fail(key, str(exc)) from None


def _choices(section: Mapping[str, Any], key: str, allowed: tuple[str, ...] | None,
             default: frozenset[str] | tuple[str, ...]) -> tuple[str, ...]:
    raw = section.get(key)
    if raw is None:
        return tuple(default)
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise _fail(key, f"expected a list of strings, got {raw!r}")
    if allowed is not None:
        bad = [v for v in raw if v not in allowed]
        if bad:
            raise _fail(key, f"unknown {bad[0]!r} (allowed: {', '.join(allowed)})")
    return tuple(dict.fromkeys(raw))


def _days(section: Mapping[str, Any], default: tuple[int, ...]) -> tuple[int, ...]:
    raw = section.get("public_days")
    if raw is None:
        return default
    if not isinstance(raw, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 30 for v in raw):
        raise _fail("public_days", f"expected a list of days 0-30 (0 = the day a window opens), "
                                   f"got {raw!r}")
    return tuple(sorted(set(raw), reverse=True))


def parse_reminders(section: Mapping[str, Any] | None, window_keys: set[str] | None = None
                    ) -> ReminderConfig:
    """Parse the ``[reminders]`` section (None or empty: the defaults)."""
    section = section or {}
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise _fail(unknown[0], f"unknown setting (known: {', '.join(sorted(_KEYS))})")
    defaults = ReminderRules()
    skip = _choices(section, "skip", None, defaults.skip)
    if window_keys is not None:
        missing = [key for key in skip if key not in window_keys]
        if missing:
            raise _fail("skip", f"no window rule {missing[0]!r}")
    try:
        public_time = parse_hhmm(section.get("public_time", "15:00"))
    except ValueError as exc:
        raise _fail("public_time", str(exc)) from None
    rules = ReminderRules(
        lead=_duration(section, "lead", defaults.lead),
        grace=_duration(section, "grace", defaults.grace),
        peak_times=_times(section, "peak_times", defaults.peak_times),
        checkin_grace=_duration(section, "checkin_grace", defaults.checkin_grace),
        checkin_early=_duration(section, "checkin_early", defaults.checkin_early),
        public_days=_days(section, defaults.public_days),
        public_time=public_time,
        public_levels=frozenset(_choices(section, "public_levels", LEVELS,
                                         defaults.public_levels)),
        shift_levels=frozenset(_choices(section, "shift_levels", LEVELS, defaults.shift_levels)),
        skip=frozenset(skip),
    )
    tick = _duration(section, "tick", timedelta(seconds=30))
    if tick < timedelta(seconds=1):
        raise _fail("tick", "at least 1s")
    if rules.grace < tick:
        raise _fail("grace", f"must be at least the tick ({tick}), or reminders could be skipped")
    languages = _choices(section, "group_languages", LANGUAGES, ("zh",))
    if not languages:
        raise _fail("group_languages", "name at least one language")
    return ReminderConfig(rules, tick, _texts(section.get("texts")), languages)


_CACHE: dict[int, tuple[Settings, ReminderConfig]] = {}


def reminder_config(settings: Settings, window_keys: set[str] | None = None) -> ReminderConfig:
    """The parsed ``[reminders]`` of these settings (parsed once per Settings object)."""
    cached = _CACHE.get(id(settings))
    if cached is not None and cached[0] is settings:
        return cached[1]
    config = parse_reminders(settings.section("reminders"), window_keys)
    if len(_CACHE) > 64:  # tests build many Settings; a running bot has one
        _CACHE.clear()
    _CACHE[id(settings)] = (settings, config)
    return config
