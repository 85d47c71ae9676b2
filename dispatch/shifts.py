"""Duty shifts: the roster's `shift` column, parsed, checked against a moment, and described.

Syntax (one cell; several shifts joined by ``;``)::

    daily 08:00-20:00            every day
    mon-fri 08:00-18:00          a day range (wrapping ranges like fri-mon work too)
    sat-sun 20:00-08:00          crosses midnight: belongs to the day it starts
    mon,wed,fri 09:00-17:00      a comma list of days and/or ranges
    2027-02-05 18:00-02:00       one date (a dated override, e.g. New Year's Eve)
    daily 08:00-24:00            24:00 is allowed as an end
    daily 08:00-08:00            start == end: a 24-hour shift starting at 08:00

Days are ``mon tue wed thu fri sat sun`` (or full English names), case-insensitive. For
spreadsheets typed on a Chinese keyboard the parser also accepts full-width punctuation
(``；：，－～``), ``、`` as a list separator, ``~``/``至``/``到`` and en/em dashes as range
separators, ``每天``/``每日`` for daily and ``周一…周日`` / ``星期一…星期日`` (``周天``,
``星期天``) for days. An empty cell means "always on call" (an empty list here).

A shift whose end is not after its start crosses midnight and belongs to the day it starts:
``fri 20:00-08:00`` covers Saturday 03:00, ``2027-02-05 18:00-02:00`` covers 2027-02-06 01:00.
All times are Asia/Shanghai wall-clock times (China has no daylight saving time).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60
ALL_DAYS = 0b1111111
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EXAMPLES = "'daily 08:00-20:00', 'mon-fri 08:00-18:00', '2027-02-05 18:00-02:00'"

try:
    SHANGHAI: tzinfo = ZoneInfo("Asia/Shanghai")
except ZoneInfoNotFoundError:  # pragma: no cover - no tz database on the host
    SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

_DAY_NAMES: dict[str, int] = {}
for _i, _key in enumerate(WEEKDAY_KEYS):
    _full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[_i]
    _zh = "一二三四五六日"[_i]
    for _name in (_key, _full, f"周{_zh}", f"星期{_zh}"):
        _DAY_NAMES[_name] = _i
_DAY_NAMES.update({"周天": 6, "星期天": 6, "周七": 6})
_DAILY = {"daily", "everyday", "每天", "每日"}

_TIME_RANGE = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_RANGE_DASHES = str.maketrans({"~": "-", "–": "-", "—": "-", "−": "-", "、": ","})


class ShiftSyntaxError(ValueError):
    """A shift cell that cannot be parsed; the message names the bad part (班次格式错误)."""

    def __init__(self, part: str, reason: str) -> None:
        self.part = part
        self.reason = reason
        super().__init__(f"bad shift {part!r} (班次格式错误): {reason}; expected e.g. {EXAMPLES}")


@dataclass(frozen=True, order=True)
class ShiftSpec:
    """One duty pattern, mirroring the `Shift` model's columns.

    Either `weekdays` (bit 0 = Monday … bit 6 = Sunday) is non-zero and `on_date` is None, or
    `on_date` is set and `weekdays` is 0. `end_minute` is 1–1440; when it is not greater than
    `start_minute` (0–1439) the shift crosses midnight into the next day.
    """

    weekdays: int
    on_date: date | None
    start_minute: int
    end_minute: int

    @property
    def crosses_midnight(self) -> bool:
        """True when the shift ends on the day after it starts."""
        return self.end_minute <= self.start_minute

    @property
    def duration_minutes(self) -> int:
        """Length of the shift in minutes (1–1440)."""
        if self.crosses_midnight:
            return self.end_minute + MINUTES_PER_DAY - self.start_minute
        return self.end_minute - self.start_minute

    def starts_on(self, day: date) -> bool:
        """True when a shift of this pattern starts on `day`."""
        if self.on_date is not None:
            return self.on_date == day
        return bool(self.weekdays >> day.weekday() & 1)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_RANGE_DASHES)
    return re.sub(r"(?<=\d)\s*[至到]\s*(?=\d)", "-", text)


def _minute(hours: str, minutes: str, part: str, *, end: bool) -> int:
    h, m = int(hours), int(minutes)
    if end and (h, m) == (24, 0):
        return MINUTES_PER_DAY
    if h > 23 or m > 59:
        raise ShiftSyntaxError(part, f"{hours}:{minutes} is not a time of day (00:00-23:59)")
    return h * 60 + m


def _day(name: str, part: str) -> int:
    index = _DAY_NAMES.get(name.strip().lower())
    if index is None:
        raise ShiftSyntaxError(part, f"unknown day {name.strip()!r} (use mon, tue, … sun)")
    return index


def _weekday_mask(days: str, part: str) -> int:
    mask = 0
    for item in days.split(","):
        item = item.strip()
        if not item:
            raise ShiftSyntaxError(part, "empty item in the list of days")
        if "-" in item or "至" in item or "到" in item:
            first, _, last = re.split(r"\s*([-至到])\s*", item, maxsplit=1)
            start, stop = _day(first, part), _day(last, part)
            index = start
            while True:  # wrapping ranges such as fri-mon are allowed
                mask |= 1 << index
                if index == stop:
                    break
                index = (index + 1) % 7
        else:
            mask |= 1 << _day(item, part)
    return mask


def _parse_part(raw: str) -> ShiftSpec:
    part = _normalize(raw).strip()
    match = _TIME_RANGE.search(part)
    if match is None:
        raise ShiftSyntaxError(raw.strip(), "missing a time range HH:MM-HH:MM at the end")
    start = _minute(match.group(1), match.group(2), raw.strip(), end=False)
    end = _minute(match.group(3), match.group(4), raw.strip(), end=True)
    days = part[: match.start()].strip()
    if not days:
        raise ShiftSyntaxError(raw.strip(), "missing the days before the time (daily, mon-fri, …)")
    date_match = _DATE.match(days)
    if date_match:
        try:
            on_date = date(*(int(g) for g in date_match.groups()))
        except ValueError as exc:
            raise ShiftSyntaxError(raw.strip(), f"{days} is not a date ({exc})") from None
        return ShiftSpec(0, on_date, start, end)
    if days.lower() in _DAILY:
        return ShiftSpec(ALL_DAYS, None, start, end)
    return ShiftSpec(_weekday_mask(days, raw.strip()), None, start, end)


def parse_shifts(text: str | None) -> list[ShiftSpec]:
    """Parse a roster shift cell into specs; empty → [] (always on call).

    Raises ShiftSyntaxError naming the first bad part. Duplicate parts are kept once.
    """
    if text is None:
        return []
    normalized = unicodedata.normalize("NFKC", text)
    specs: list[ShiftSpec] = []
    for raw in normalized.split(";"):
        if not raw.strip():
            continue
        spec = _parse_part(raw)
        if spec not in specs:
            specs.append(spec)
    return specs


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _day_runs(mask: int) -> list[tuple[int, int]]:
    """Maximal runs of consecutive days in the mask, Monday first (no wrap-around)."""
    runs: list[tuple[int, int]] = []
    index = 0
    while index < 7:
        if mask >> index & 1:
            stop = index
            while stop + 1 < 7 and mask >> (stop + 1) & 1:
                stop += 1
            runs.append((index, stop))
            index = stop + 1
        else:
            index += 1
    return runs


def format_shift(spec: ShiftSpec) -> str:
    """The canonical roster syntax of one spec; `parse_shifts(format_shift(s)) == [s]`."""
    times = f"{_hhmm(spec.start_minute)}-{_hhmm(spec.end_minute)}"
    if spec.on_date is not None:
        return f"{spec.on_date.isoformat()} {times}"
    if spec.weekdays == ALL_DAYS:
        return f"daily {times}"
    items = []
    for first, last in _day_runs(spec.weekdays):
        if first == last:
            items.append(WEEKDAY_KEYS[first])
        else:
            items.append(f"{WEEKDAY_KEYS[first]}-{WEEKDAY_KEYS[last]}")
    return f"{','.join(items)} {times}"


def format_shifts(specs: Iterable[ShiftSpec]) -> str:
    """Canonical roster syntax of several specs joined by `; ` (empty → always on call)."""
    return "; ".join(format_shift(spec) for spec in specs)


_ZH_DAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def describe_shift(spec: ShiftSpec, lang: str = "zh") -> str:
    """Human-readable text of one spec, e.g. `周一至周五 08:00–18:00` / `Mon–Fri 08:00–18:00`."""
    zh = not lang.lower().startswith("en")
    start, end = _hhmm(spec.start_minute), _hhmm(spec.end_minute)
    if spec.crosses_midnight:
        times = f"{start}–次日{end}" if zh else f"{start}–{end} (+1 day)"
    else:
        times = f"{start}–{end}"
    if spec.on_date is not None:
        return f"{spec.on_date.isoformat()} {times}"
    if spec.weekdays == ALL_DAYS:
        return f"{'每天' if zh else 'daily'} {times}"
    names = _ZH_DAYS if zh else _EN_DAYS
    pieces = []
    for first, last in _day_runs(spec.weekdays):
        if first == last:
            pieces.append(names[first])
        elif last == first + 1:
            pieces.extend([names[first], names[last]])
        else:
            pieces.append(f"{names[first]}{'至' if zh else '–'}{names[last]}")
    return f"{('、' if zh else ', ').join(pieces)} {times}"


def is_on_duty(specs: Iterable[ShiftSpec], always_on_call: bool, local_moment: datetime) -> bool:
    """True when someone with these shifts is on duty at `local_moment`.

    `local_moment` must be timezone-aware; it is read as Asia/Shanghai wall-clock time.
    A shift is half-open: on duty from its start minute up to (not including) its end minute.
    """
    if local_moment.tzinfo is None:
        raise ValueError("is_on_duty needs a timezone-aware datetime")
    if always_on_call:
        return True
    moment = local_moment.astimezone(SHANGHAI)
    today = moment.date()
    yesterday = today - timedelta(days=1)
    minute = moment.hour * 60 + moment.minute
    for spec in specs:
        span_end = spec.start_minute + spec.duration_minutes
        if spec.starts_on(today) and spec.start_minute <= minute < span_end:
            return True
        if (
            spec.crosses_midnight
            and spec.starts_on(yesterday)
            and spec.start_minute <= minute + MINUTES_PER_DAY < span_end
        ):
            return True
    return False
