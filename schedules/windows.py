"""Sensitive windows: periods of higher risk of open burning, fireworks or dust.

Rules come from the ``[windows]`` TOML section, on top of the defaults shipped in
``schedules/default_windows.toml``; ``schedules/README.md`` documents the format.
A rule's ``start``/``end`` are date expressions::

    MM-DD | MM-last | lunar MM-DD | lunar MM-last | term <solar term>   [+Nd|-Nd] [HH:MM]

``resolve(rules, year)`` returns the concrete windows that START in Gregorian ``year``
(the ban season starting 2026-11-25 belongs to 2026 and ends in 2027).  Windows are
half-open ``[start, end)`` in Asia/Shanghai; an end without a time means the END of
that day, and the end is the first occurrence of the end expression after the start,
so ranges wrap across the new year by themselves.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from .calendar import (
    MAX_YEAR,
    MIN_YEAR,
    TZ,
    lunar_month_days,
    lunar_to_solar,
    solar_term_date,
    solar_term_name,
    to_local,
)

__all__ = [
    "CATEGORIES",
    "LEVELS",
    "DateExpr",
    "Window",
    "WindowConfigError",
    "WindowRule",
    "active_windows",
    "default_rules",
    "level_at",
    "load_rules",
    "parse_date_expr",
    "resolve",
    "upcoming",
    "warm",
]

Level = Literal["normal", "high"]
#: Levels from lowest to highest.
LEVELS: tuple[str, ...] = ("normal", "high")
CATEGORIES: frozenset[str] = frozenset({"burning", "fireworks", "dust"})
MAX_OFFSET_DAYS = 180
_RULE_FIELDS = {"key", "name", "start", "end", "level", "categories"}
_SECTION_FIELDS = {"defaults", "disable", "rule"}
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_MD_RE = re.compile(r"^(\d{1,2})-(\d{1,2}|last)$")
_OFFSET_RE = re.compile(r"^([+-])(\d{1,3})d$")
_TIME_RE = re.compile(r"^(\d{2}):(\d{2})$")
_GREGORIAN_MAX_DAY = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class WindowConfigError(ValueError):
    """A window rule (default or configured) cannot be parsed."""


@dataclass(frozen=True)
class DateExpr:
    """A parsed date expression; ``day == 0`` means the last day of the month and
    ``minutes is None`` means "no time given" (start of day / end of day)."""

    kind: Literal["gregorian", "lunar", "term"]
    month: int = 0
    day: int = 0
    term: str = ""
    offset_days: int = 0
    minutes: int | None = None
    text: str = ""

    def base_date(self, anchor: int) -> date:
        """The date before offset and time: Gregorian/term dates in Gregorian year
        ``anchor``, lunar dates in lunar year ``anchor``.  A day beyond the month's
        length (Feb 29, lunar 30th) is clamped to the month's last day."""
        if self.kind == "term":
            return solar_term_date(anchor, self.term)
        if self.kind == "lunar":
            last = lunar_month_days(anchor, self.month)
            return lunar_to_solar(anchor, self.month, min(self.day or last, last))
        first_next = date(anchor + self.month // 12, self.month % 12 + 1, 1)
        last = (first_next - timedelta(days=1)).day
        return date(anchor, self.month, min(self.day or last, last))

    def moment(self, anchor: int, *, is_end: bool) -> datetime:
        """The aware local datetime this expression denotes for ``anchor``."""
        day = self.base_date(anchor) + timedelta(days=self.offset_days)
        minutes = self.minutes
        if minutes is None:
            minutes = 24 * 60 if is_end else 0
        return datetime.combine(day, time(0), TZ) + timedelta(minutes=minutes)


@dataclass(frozen=True)
class WindowRule:
    """A configured window rule; see :func:`resolve` for the concrete windows."""

    key: str
    name_zh: str
    name_en: str
    start: DateExpr
    end: DateExpr
    level: Level
    categories: frozenset[str]


@dataclass(frozen=True)
class Window:
    """A concrete window ``[start, end)``; ``anchor`` is the start expression's date
    before offset and time (e.g. 清明 itself for ``term 清明 -3d``)."""

    key: str
    name_zh: str
    name_en: str
    level: Level
    categories: frozenset[str]
    start: datetime
    end: datetime
    anchor: date

    def contains(self, moment: datetime) -> bool:
        """True when ``moment`` (naive = local time) lies in ``[start, end)``."""
        return self.start <= to_local(moment) < self.end

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (ISO datetimes with +08:00, sorted categories)."""
        return {
            "key": self.key,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "level": self.level,
            "categories": sorted(self.categories),
            "anchor": self.anchor.isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }


# --------------------------------------------------------------------------- parsing


def _fail(key: str, field: str, message: str) -> WindowConfigError:
    return WindowConfigError(f"window rule {key!r}, field {field!r}: {message}")


def parse_date_expr(text: Any, *, key: str = "?", field: str = "start") -> DateExpr:
    """Parse a date expression; raise ``WindowConfigError`` naming ``key``/``field``."""
    if not isinstance(text, str) or not text.strip():
        raise _fail(key, field, f"expected a date expression string, got {text!r}")
    tokens = text.split()
    head = tokens.pop(0).lower()
    kind: Literal["gregorian", "lunar", "term"] = "gregorian"
    month = day = 0
    term = ""
    if head in ("lunar", "term"):
        kind = "lunar" if head == "lunar" else "term"
        if not tokens:
            raise _fail(key, field, f"{head!r} needs a date or a term name in {text!r}")
        head = tokens.pop(0)
    if kind == "term":
        try:
            term = solar_term_name(head)
        except ValueError as exc:
            raise _fail(key, field, str(exc)) from None
    else:
        match = _MD_RE.match(head.lower())
        if not match:
            raise _fail(key, field, f"expected MM-DD or MM-last, got {head!r} in {text!r}")
        month = int(match.group(1))
        day = 0 if match.group(2) == "last" else int(match.group(2))
        is_last = match.group(2) == "last"
        valid_month = 1 <= month <= 12
        max_day = 30 if kind == "lunar" else _GREGORIAN_MAX_DAY[month - 1] if valid_month else 0
        if not valid_month or (not is_last and not 1 <= day <= max_day):
            raise _fail(key, field, f"no such {kind} date {head!r} in {text!r}")
    offset, minutes = 0, None
    seen: set[str] = set()
    for token in tokens:
        if (m := _OFFSET_RE.match(token)) and "offset" not in seen:
            offset = int(m.group(2)) * (-1 if m.group(1) == "-" else 1)
            if abs(offset) > MAX_OFFSET_DAYS:
                raise _fail(key, field, f"offset {token!r} exceeds {MAX_OFFSET_DAYS} days")
            seen.add("offset")
        elif (m := _TIME_RE.match(token)) and "time" not in seen:
            hour, minute = int(m.group(1)), int(m.group(2))
            if minute > 59 or hour > 24 or (hour == 24 and minute):
                raise _fail(key, field, f"bad time {token!r} (00:00..24:00)")
            minutes = hour * 60 + minute
            seen.add("time")
        else:
            raise _fail(key, field, f"unexpected {token!r} in {text!r} (offset ±Nd, time HH:MM)")
    return DateExpr(kind, month, day, term, offset, minutes, text.strip())


def _parse_rule(raw: Mapping[str, Any]) -> WindowRule:
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise WindowConfigError(
            f"window rule {key!r}, field 'key': expected lower-case letters, digits, _"
        )
    unknown = set(raw) - _RULE_FIELDS
    if unknown:
        raise _fail(key, sorted(unknown)[0], f"unknown field; allowed: {sorted(_RULE_FIELDS)}")
    for field in ("name", "start", "end", "categories"):
        if field not in raw:
            raise _fail(key, field, "missing")
    name = raw["name"]
    if isinstance(name, str):
        name_zh, name_en = name, key
    elif isinstance(name, Mapping) and isinstance(name.get("zh"), str):
        name_zh, name_en = name["zh"], name.get("en", key)
        if not isinstance(name_en, str) or set(name) - {"zh", "en"}:
            raise _fail(key, "name", 'expected {zh = "…", en = "…"}')
    else:
        raise _fail(key, "name", 'expected a string or {zh = "…", en = "…"}')
    level = raw.get("level", "normal")
    if level not in LEVELS:
        raise _fail(key, "level", f"expected one of {list(LEVELS)}, got {level!r}")
    cats = raw["categories"]
    if not isinstance(cats, list) or not cats or not all(isinstance(c, str) for c in cats):
        raise _fail(key, "categories", f"expected a non-empty list, got {cats!r}")
    bad = sorted(set(cats) - CATEGORIES)
    if bad:
        raise _fail(key, "categories", f"unknown {bad}; allowed: {sorted(CATEGORIES)}")
    start = parse_date_expr(raw["start"], key=key, field="start")
    end = parse_date_expr(raw["end"], key=key, field="end")
    return WindowRule(key, name_zh, name_en, start, end, level, frozenset(cats))


@lru_cache(maxsize=1)
def _default_raw() -> tuple[dict[str, Any], ...]:
    text = resources.files(__package__).joinpath("default_windows.toml").read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WindowConfigError(f"default_windows.toml: {exc}") from None
    return tuple(data["windows"]["rule"])


def default_rules() -> list[WindowRule]:
    """The rules shipped in ``schedules/default_windows.toml``."""
    return [_parse_rule(raw) for raw in _default_raw()]


def load_rules(config: Mapping[str, Any] | None) -> list[WindowRule]:
    """Rules from the whole parsed TOML config (its ``[windows]`` section).

    Without a ``[windows]`` section the defaults are used.  With one, the defaults
    stay the base unless ``defaults = false``; ``[[windows.rule]]`` entries replace the
    default rule with the same key field by field (or add a new rule, which then needs
    every field), and ``disable = ["key", ...]`` removes rules.
    """
    section = (config or {}).get("windows")
    if section is None:
        return default_rules()
    if not isinstance(section, Mapping):
        raise WindowConfigError("[windows] must be a table")
    unknown = set(section) - _SECTION_FIELDS
    if unknown:
        raise WindowConfigError(
            f"[windows]: unknown key(s) {sorted(unknown)}; allowed: {sorted(_SECTION_FIELDS)}"
        )
    use_defaults = section.get("defaults", True)
    if not isinstance(use_defaults, bool):
        raise WindowConfigError("[windows] defaults: expected true or false")
    merged: dict[str, dict[str, Any]] = {}
    if use_defaults:
        merged = {raw["key"]: dict(raw) for raw in _default_raw()}
    configured = section.get("rule", [])
    if not isinstance(configured, list):
        raise WindowConfigError("[windows] rule: use [[windows.rule]] tables")
    seen: set[str] = set()
    for raw in configured:
        if not isinstance(raw, Mapping):
            raise WindowConfigError("[windows] rule: each [[windows.rule]] must be a table")
        key = raw.get("key")
        if not isinstance(key, str):
            raise WindowConfigError(f"window rule {key!r}, field 'key': missing or not a string")
        if key in seen:
            raise _fail(key, "key", "configured twice")
        seen.add(key)
        merged[key] = {**merged.get(key, {}), **raw}
    disable = section.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(k, str) for k in disable):
        raise WindowConfigError("[windows] disable: expected a list of rule keys")
    for key in disable:
        if key not in merged:
            raise WindowConfigError(f"[windows] disable: no window rule {key!r}")
        del merged[key]
    return [_parse_rule(raw) for raw in merged.values()]


# --------------------------------------------------------------------------- resolving


@lru_cache(maxsize=8192)
def _resolve_rule(rule: WindowRule, year: int) -> tuple[Window, ...]:
    windows = []
    for anchor in (year - 1, year, year + 1):
        start = rule.start.moment(anchor, is_end=False)
        if start.year != year:
            continue
        ends = []
        for end_anchor in range(start.year - 1, start.year + 3):
            try:
                ends.append(rule.end.moment(end_anchor, is_end=True))
            except ValueError:  # beyond the lunar tables (the end of the supported range)
                continue
        later = [e for e in ends if e > start]
        if not later:
            continue
        end = min(later)
        windows.append(
            Window(
                rule.key,
                rule.name_zh,
                rule.name_en,
                rule.level,
                rule.categories,
                start,
                end,
                rule.start.base_date(anchor),
            )
        )
    return tuple(windows)


def resolve(rules: list[WindowRule], year: int) -> list[Window]:
    """Windows that START in Gregorian ``year`` (MIN_YEAR..MAX_YEAR), by start time.

    A lunar rule in the 11th/12th month may start twice or not at all in a Gregorian
    year (e.g. 腊月 began 2027-01-08 and again 2027-12-28, never in 2028)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year must be between {MIN_YEAR} and {MAX_YEAR}, got {year}")
    windows = [w for rule in rules for w in _resolve_rule(rule, year)]
    return sorted(windows, key=lambda w: (w.start, w.end, w.key))


# A window may last a little over a year (lunar end dates): the one containing a moment
# started this year or in one of the two before it.
_LOOKBACK_YEARS = 2


def _started_years(local: datetime, ahead: int = 0) -> range:
    """The years whose windows may contain `local` (and `ahead` years after it)."""
    return range(max(local.year - _LOOKBACK_YEARS, MIN_YEAR),
                 min(local.year + ahead, MAX_YEAR) + 1)


def active_windows(rules: list[WindowRule], moment: datetime) -> list[Window]:
    """Windows containing ``moment`` (naive = local time), looking at the windows that
    started this year or in the two previous years, so a wrapping window is found in
    January (a window may last a little over a year with lunar end dates)."""
    local = to_local(moment)
    candidates = [w for year in _started_years(local) for w in resolve(rules, year)]
    return sorted((w for w in candidates if w.start <= local < w.end), key=lambda w: w.start)


def warm(rules: list[WindowRule], moment: datetime) -> None:
    """Resolve the windows `active_windows` and `upcoming` will look at around `moment`
    (the two previous years to the next; cached), so that lunar dates, about 0.3 s of CPU,
    are computed before the first dispatch or reminder needs them, and the first case after
    New Year does not pay for next year's."""
    for year in _started_years(to_local(moment), ahead=1):
        resolve(rules, year)


def upcoming(rules: list[WindowRule], moment: datetime, within: timedelta) -> list[Window]:
    """Windows not yet started whose start lies in ``(moment, moment + within]``."""
    if within < timedelta(0):
        raise ValueError("within must not be negative")
    local = to_local(moment)
    horizon = local + within
    found: list[Window] = []
    for year in range(local.year, horizon.year + 1):
        found += [w for w in resolve(rules, year) if local < w.start <= horizon]
    return sorted(found, key=lambda w: (w.start, w.key))


def level_at(rules: list[WindowRule], moment: datetime) -> Level | None:
    """The highest level among the windows active at ``moment``, or ``None``."""
    active = active_windows(rules, moment)
    if not active:
        return None
    return max((w.level for w in active), key=LEVELS.index)
