"""Reporting periods: local (Asia/Shanghai) days, weeks (Mon–Sun), months, quarters, ranges.

Boundaries are computed here in Python and turned into UTC instants, so the SQL only
compares `created_at` with two bound parameters on both backends (no date functions).

Syntax (the argument of /status, /export, /bulletin)::

    today | yesterday | week | month | quarter | year
    2026               a year
    2026-11            a month
    2026-Q4            a quarter (also 2026q4)
    2026-11-05         one day
    2026-11-01..2026-11-15   an inclusive range of days (also `~` or `—` between)

Chinese words work too: 今天 昨天 本周 本月 本季度 本年.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dispatch.clock import LOCAL_TZ

MAX_RANGE_DAYS = 400
_WORDS = {
    "today": "today", "今天": "today", "今日": "today",
    "yesterday": "yesterday", "昨天": "yesterday", "昨日": "yesterday",
    "week": "week", "本周": "week",
    "month": "month", "本月": "month",
    "quarter": "quarter", "本季度": "quarter", "本季": "quarter",
    "year": "year", "本年": "year", "今年": "year",
}
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[qQ]([1-4])$")
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\S+?)\s*(?:\.\.|~|～|—|至)\s*(\S+)$")


class PeriodError(ValueError):
    """A period argument that cannot be understood."""


@dataclass(frozen=True)
class Period:
    """Local days `first` … `last` (inclusive) of a kind: day, week, month, quarter, year, range."""

    kind: str
    first: date
    last: date

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        """The first instant, aware UTC."""
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        """The instant after the last day (exclusive), aware UTC."""
        return local_midnight(self.last + timedelta(days=1))

    def day_list(self) -> list[date]:
        """Every local day of the period."""
        return [self.first + timedelta(days=i) for i in range(self.days)]

    def key(self) -> str:
        """A short stable name: `2026-11`, `2026-Q4`, `2026-11-05`, `2026-11-01..2026-11-15`."""
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.first.year)
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def previous(self) -> Period:
        """The period of the same kind just before (a range: as many days just before)."""
        if self.kind == "month":
            return month_of(self.first - timedelta(days=1))
        if self.kind == "quarter":
            return quarter_of(self.first - timedelta(days=1))
        if self.kind == "year":
            return Period("year", date(self.first.year - 1, 1, 1), date(self.first.year - 1, 12, 31))
        return Period(self.kind, self.first - timedelta(days=self.days),
                      self.first - timedelta(days=1))

    def comparison_bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """UTC bounds of the previous period, cut to the part already elapsed in this one
        (the month so far is compared with as many days of the month before)."""
        previous = self.previous()
        if now >= self.end:
            return previous.start, previous.end
        elapsed = max(now - self.start, timedelta(0))
        return previous.start, min(previous.start + elapsed, previous.end)


def local_midnight(day: date) -> datetime:
    """The first instant of a local day, as aware UTC."""
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC)


def local_day(moment: datetime) -> date:
    """The local (Asia/Shanghai) day of an aware instant."""
    return moment.astimezone(LOCAL_TZ).date()


def month_of(day: date) -> Period:
    """The calendar month containing `day`."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period("month", first, following - timedelta(days=1))


def quarter_of(day: date) -> Period:
    """The quarter containing `day`."""
    month = (day.month - 1) // 3 * 3 + 1
    first = date(day.year, month, 1)
    last = month_of(date(day.year, month + 2, 1)).last
    return Period("quarter", first, last)


def _parse_day(text: str) -> date:
    if not _DAY.match(text):
        raise PeriodError(text)
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        raise PeriodError(text) from None


def is_period(text: str) -> bool:
    """True when `text` looks like a period argument (so it is not a grid name)."""
    try:
        parse_period(text, date(2000, 1, 1))
    except PeriodError:
        return False
    return True


def parse_period(text: str | None, today: date) -> Period:
    """The period named by `text` (None or empty: today), relative to the local day `today`."""
    raw = (text or "today").strip()
    word = _WORDS.get(raw.lower())
    if word == "today":
        return Period("day", today, today)
    if word == "yesterday":
        yesterday = today - timedelta(days=1)
        return Period("day", yesterday, yesterday)
    if word == "week":
        monday = today - timedelta(days=today.weekday())
        return Period("week", monday, monday + timedelta(days=6))
    if word == "month":
        return month_of(today)
    if word == "quarter":
        return quarter_of(today)
    if word == "year":
        return Period("year", date(today.year, 1, 1), date(today.year, 12, 31))
    if match := _MONTH.match(raw):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(raw)
        return month_of(date(year, month, 1))
    if match := _QUARTER.match(raw):
        return quarter_of(date(int(match.group(1)), int(match.group(2)) * 3 - 2, 1))
    if match := _YEAR.match(raw):
        year = int(match.group(1))
        return Period("year", date(year, 1, 1), date(year, 12, 31))
    if match := _RANGE.match(raw):
        first, last = _parse_day(match.group(1)), _parse_day(match.group(2))
        if last < first or (last - first).days >= MAX_RANGE_DAYS:
            raise PeriodError(raw)
        return Period("range", first, last)
    day = _parse_day(raw)
    return Period("day", day, day)
