"""Working-day calendar and Chinese calendar date helpers (Asia/Shanghai).

``WorkCalendar`` wraps the ``chinesecalendar`` package (official State Council holiday
schedules, including swapped working weekends) with an override table for days the
package does not know.  For a year the package has no data for (1.11.0 knows
2004–2026) it falls back to Monday–Friday and warns once per year, it never crashes.

The helpers ``lunar_to_solar``, ``spring_festival``, ``chuxi`` and ``solar_term_date``
wrap ``lunar-python`` (astronomical new moons and solar terms, Beijing time).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
from lunar_python import Lunar, LunarYear, Solar

__all__ = [
    "DEFAULT_WORK_HOURS",
    "MAX_YEAR",
    "MIN_YEAR",
    "SOLAR_TERMS",
    "TZ",
    "CalendarConfigError",
    "WorkCalendar",
    "chuxi",
    "lunar_month_days",
    "lunar_to_solar",
    "parse_date",
    "parse_hhmm",
    "solar_term_date",
    "solar_term_name",
    "spring_festival",
    "to_local",
]

log = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Shanghai")
#: Years for which the windows (lunar dates, solar terms) are resolved and tested.
MIN_YEAR, MAX_YEAR = 1901, 2099
#: Office hours used when neither the caller nor ``[calendar] work_hours`` gives any.
DEFAULT_WORK_HOURS: tuple[time, time] = (time(8, 30), time(17, 30))

_CC_FIRST_YEAR = min(chinese_calendar.holidays).year
_CC_LAST_YEAR = max(chinese_calendar.holidays).year
_ZH_BY_EN = {h.value: h.chinese for h in chinese_calendar.Holiday}

#: The 24 solar terms in Gregorian-year order: (Chinese, pinyin key, English name).
SOLAR_TERMS: tuple[tuple[str, str, str], ...] = (
    ("小寒", "xiaohan", "Minor Cold"),
    ("大寒", "dahan", "Major Cold"),
    ("立春", "lichun", "Start of Spring"),
    ("雨水", "yushui", "Rain Water"),
    ("惊蛰", "jingzhe", "Awakening of Insects"),
    ("春分", "chunfen", "Spring Equinox"),
    ("清明", "qingming", "Pure Brightness"),
    ("谷雨", "guyu", "Grain Rain"),
    ("立夏", "lixia", "Start of Summer"),
    ("小满", "xiaoman", "Grain Buds"),
    ("芒种", "mangzhong", "Grain in Ear"),
    ("夏至", "xiazhi", "Summer Solstice"),
    ("小暑", "xiaoshu", "Minor Heat"),
    ("大暑", "dashu", "Major Heat"),
    ("立秋", "liqiu", "Start of Autumn"),
    ("处暑", "chushu", "End of Heat"),
    ("白露", "bailu", "White Dew"),
    ("秋分", "qiufen", "Autumn Equinox"),
    ("寒露", "hanlu", "Cold Dew"),
    ("霜降", "shuangjiang", "Frost's Descent"),
    ("立冬", "lidong", "Start of Winter"),
    ("小雪", "xiaoxue", "Minor Snow"),
    ("大雪", "daxue", "Major Snow"),
    ("冬至", "dongzhi", "Winter Solstice"),
)


def _norm(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


_TERM_ALIASES: dict[str, str] = {}
for _zh, _py, _en in SOLAR_TERMS:
    for _alias in (_zh, _py, _en):
        _TERM_ALIASES[_norm(_alias)] = _zh


class CalendarConfigError(ValueError):
    """The ``[calendar]`` config section is malformed."""


# --------------------------------------------------------------------------- helpers


def to_local(moment: datetime) -> datetime:
    """Return ``moment`` in Asia/Shanghai; a naive datetime is taken as local time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=TZ)
    return moment.astimezone(TZ)


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return to_local(value).date()
    return value


def parse_date(value: Any) -> date:
    """Parse ``YYYY-MM-DD`` (string or TOML date) into a ``date``; raise ``ValueError``."""
    if isinstance(value, datetime):
        raise ValueError(f"expected a date, got a date-time: {value!r}")
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a YYYY-MM-DD date, got {value!r}")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"expected a YYYY-MM-DD date, got {value!r}") from None


def parse_hhmm(value: Any) -> time:
    """Parse ``HH:MM`` (00:00–23:59, string or TOML time) into a ``time``."""
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        parts = value.strip().split(":")
        if len(parts) == 2 and all(p.isdigit() and len(p) == 2 for p in parts):
            hour, minute = int(parts[0]), int(parts[1])
            if hour < 24 and minute < 60:
                return time(hour, minute)
    raise ValueError(f"expected a time HH:MM, got {value!r}")


@lru_cache(maxsize=4096)
def lunar_month_days(lunar_year: int, month: int) -> int:
    """Number of days (29 or 30) of the non-leap lunar ``month`` of ``lunar_year``."""
    lunar_month = LunarYear.fromYear(lunar_year).getMonth(month)
    if lunar_month is None:
        raise ValueError(f"lunar year {lunar_year} has no month {month}")
    return int(lunar_month.getDayCount())


@lru_cache(maxsize=4096)
def lunar_to_solar(lunar_year: int, month: int, day: int) -> date:
    """Gregorian date of lunar ``month``/``day`` (non-leap month) of ``lunar_year``."""
    if not 1 <= month <= 12:
        raise ValueError(f"lunar month must be 1..12, got {month}")
    if not 1 <= day <= lunar_month_days(lunar_year, month):
        raise ValueError(f"lunar {lunar_year}-{month:02d} has no day {day}")
    solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def spring_festival(year: int) -> date:
    """春节 (lunar 01-01) falling in Gregorian ``year``."""
    return lunar_to_solar(year, 1, 1)


def chuxi(year: int) -> date:
    """除夕 in Gregorian ``year``: the day before 春节 (腊月廿九 or 三十)."""
    return spring_festival(year) - timedelta(days=1)


def solar_term_name(name: str) -> str:
    """Chinese name of a solar term given as Chinese, pinyin or English; ``ValueError``."""
    try:
        return _TERM_ALIASES[_norm(name)]
    except KeyError:
        raise ValueError(f"unknown solar term {name!r} (use e.g. 清明, qingming)") from None


@lru_cache(maxsize=512)
def _terms_of_year(year: int) -> dict[str, date]:
    table = Solar.fromYmd(year, 6, 1).getLunar().getJieQiTable()
    result: dict[str, date] = {}
    for key, solar in table.items():
        # lunar-python names the neighbouring years' terms DA_XUE, DONG_ZHI, ...
        zh = _TERM_ALIASES.get(_norm(key), key)
        if solar.getYear() == year:
            result[zh] = date(solar.getYear(), solar.getMonth(), solar.getDay())
    return result


def solar_term_date(year: int, name: str) -> date:
    """Date (Beijing time) of the solar term ``name`` in Gregorian ``year``."""
    return _terms_of_year(year)[solar_term_name(name)]


# --------------------------------------------------------------------------- WorkCalendar


def _parse_day_table(field: str, value: Any) -> dict[date, str | None]:
    """Parse a list of dates or a ``{"YYYY-MM-DD" = "name"}`` table."""
    items: Iterable[tuple[Any, Any]]
    if isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, list):
        items = ((v, None) for v in value)
    else:
        raise CalendarConfigError(
            f"[calendar] {field}: expected a list of YYYY-MM-DD dates or a table of "
            f"date = name, got {type(value).__name__}"
        )
    days: dict[date, str | None] = {}
    for raw, name in items:
        try:
            day = parse_date(raw)
        except ValueError as exc:
            raise CalendarConfigError(f"[calendar] {field}: {exc}") from None
        if name is not None and not isinstance(name, str):
            raise CalendarConfigError(f"[calendar] {field}: name of {day} must be a string")
        days[day] = name or None
    return days


class WorkCalendar:
    """Official Chinese working days with an override table and a Mon–Fri fallback.

    Precedence for ``is_workday``: the override table (``True`` = working day,
    ``False`` = day off), then chinesecalendar, then Monday–Friday for years the
    package does not know; the first fallback use for such a year logs a warning and
    calls ``warn(year)`` once per instance.
    """

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        warn: Callable[[int], None] | None = None,
        *,
        names: Mapping[date, str] | None = None,
        work_hours: tuple[time, time] = DEFAULT_WORK_HOURS,
    ) -> None:
        """``names`` optionally names override days (e.g. 春节); ``work_hours`` is the
        default office-hours pair for :meth:`is_working_time`."""
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._names: dict[date, str] = dict(names or {})
        self._warn = warn
        self._missing: set[int] = set()
        self._lock = threading.Lock()
        _check_hours(work_hours)
        self.work_hours = work_hours

    @classmethod
    def from_config(
        cls, section: Mapping[str, Any] | None, warn: Callable[[int], None] | None = None
    ) -> WorkCalendar:
        """Build from the TOML ``[calendar]`` section (see ``schedules/README.md``).

        Keys: ``workdays`` and ``holidays`` (lists of ``YYYY-MM-DD`` or tables of
        ``"YYYY-MM-DD" = "name"``) and ``work_hours = ["08:30", "17:30"]``.
        Raises ``CalendarConfigError`` on malformed input.
        """
        section = section or {}
        if not isinstance(section, Mapping):
            raise CalendarConfigError("[calendar] must be a table")
        unknown = set(section) - {"workdays", "holidays", "work_hours"}
        if unknown:
            raise CalendarConfigError(
                f"[calendar]: unknown key(s) {sorted(unknown)}; "
                "expected workdays, holidays, work_hours"
            )
        work = _parse_day_table("workdays", section.get("workdays", []))
        off = _parse_day_table("holidays", section.get("holidays", []))
        both = sorted(set(work) & set(off))
        if both:
            raise CalendarConfigError(
                f"[calendar]: {', '.join(map(str, both))} listed in both workdays and holidays"
            )
        hours = DEFAULT_WORK_HOURS
        if "work_hours" in section:
            raw = section["work_hours"]
            try:
                if not isinstance(raw, list) or len(raw) != 2:
                    raise ValueError(f'expected ["HH:MM", "HH:MM"], got {raw!r}')
                hours = (parse_hhmm(raw[0]), parse_hhmm(raw[1]))
                _check_hours(hours)
            except ValueError as exc:
                raise CalendarConfigError(f"[calendar] work_hours: {exc}") from None
        overrides = {d: True for d in work} | {d: False for d in off}
        names = {d: n for d, n in (work | off).items() if n}
        return cls(overrides, warn, names=names, work_hours=hours)

    # ----------------------------------------------------------------- years

    @staticmethod
    def known_years() -> range:
        """Years chinesecalendar has official data for (2004–2026 in 1.11.0)."""
        return range(_CC_FIRST_YEAR, _CC_LAST_YEAR + 1)

    def year_is_known(self, year: int) -> bool:
        """True when chinesecalendar has the official schedule for ``year``."""
        return _CC_FIRST_YEAR <= year <= _CC_LAST_YEAR

    def missing_years(self) -> set[int]:
        """Years for which this instance has used the Mon–Fri fallback so far."""
        with self._lock:
            return set(self._missing)

    def override_days(self, year: int) -> dict[date, bool]:
        """The override-table entries of ``year``."""
        return {d: w for d, w in sorted(self._overrides.items()) if d.year == year}

    def _note_missing(self, year: int) -> None:
        with self._lock:
            if year in self._missing:
                return
            self._missing.add(year)
        log.warning(
            "chinesecalendar %s has no official holiday data for %d (knows %d-%d); "
            "using Monday-Friday plus %d override day(s)",
            chinese_calendar.__version__,
            year,
            _CC_FIRST_YEAR,
            _CC_LAST_YEAR,
            len(self.override_days(year)),
        )
        if self._warn is not None:
            try:
                self._warn(year)
            except Exception:  # a failing notifier must not break the calendar
                log.exception("calendar warn callback failed for year %d", year)

    # ----------------------------------------------------------------- days

    def is_workday(self, d: date | datetime) -> bool:
        """True when ``d`` (a datetime is converted to its local date) is a working day."""
        day = _as_date(d)
        if day in self._overrides:
            return self._overrides[day]
        if self.year_is_known(day.year):
            return bool(chinese_calendar.is_workday(day))
        self._note_missing(day.year)
        return day.weekday() < 5

    def holiday_name(self, d: date | datetime, lang: str = "zh") -> str | None:
        """Name of the official holiday ``d`` belongs to, or is a swapped working day
        for (e.g. 春节 for both 2026-02-16 and 2026-02-14); ``None`` otherwise.

        Named override days win; ``lang`` is ``"zh"`` or ``"en"`` (package names only,
        override names are returned as configured)."""
        day = _as_date(d)
        if day in self._names:
            return self._names[day]
        if not self.year_is_known(day.year):
            return None
        _, name = chinese_calendar.get_holiday_detail(day)
        if not name:
            return None
        return _ZH_BY_EN.get(name, name) if lang == "zh" else name

    def is_swapped_workday(self, d: date | datetime) -> bool:
        """True for a Saturday or Sunday that is a working day (调休上班)."""
        day = _as_date(d)
        return day.weekday() >= 5 and self.is_workday(day)

    def non_working_days(self, year: int) -> list[date]:
        """Official holidays of ``year``, sorted, including those on weekends (e.g.
        2026-02-15, a Sunday inside 春节), plus override days off, minus override
        working days.  Ordinary weekends are NOT listed.  For a year the package
        lacks, only the override days off are returned (no warning is raised)."""
        days = {d for d in chinese_calendar.holidays if d.year == year}
        overrides = self.override_days(year)
        days |= {d for d, work in overrides.items() if not work}
        days -= {d for d, work in overrides.items() if work}
        return sorted(days)

    def swapped_workdays(self, year: int) -> list[date]:
        """Weekend days of ``year`` that are working days, sorted (package + overrides)."""
        days = {d for d in chinese_calendar.workdays if d.year == year}
        overrides = self.override_days(year)
        days |= {d for d, work in overrides.items() if work and d.weekday() >= 5}
        days -= {d for d, work in overrides.items() if not work}
        return sorted(days)

    def is_working_time(
        self, moment: datetime, work_hours: tuple[time, time] | None = None
    ) -> bool:
        """True when the local (Asia/Shanghai) date of ``moment`` is a working day and
        its local time is within ``[start, end)`` of ``work_hours`` (default: the
        instance's ``work_hours``).  A naive ``moment`` is taken as local time."""
        start, end = work_hours or self.work_hours
        _check_hours((start, end))
        local = to_local(moment)
        return start <= local.time() < end and self.is_workday(local.date())


def _check_hours(hours: tuple[time, time]) -> None:
    start, end = hours
    if not start < end:
        raise ValueError(f"work hours must have start < end, got {start:%H:%M}-{end:%H:%M}")
