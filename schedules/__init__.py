"""Calendar core of Lantian: working days (official Chinese calendar with overrides)
and sensitive windows (lunar dates, solar terms, Gregorian ranges) in Asia/Shanghai."""

from .calendar import (
    DEFAULT_WORK_HOURS,
    TZ,
    CalendarConfigError,
    WorkCalendar,
    chuxi,
    lunar_to_solar,
    solar_term_date,
    spring_festival,
    to_local,
)
from .windows import (
    Window,
    WindowConfigError,
    WindowRule,
    active_windows,
    default_rules,
    level_at,
    load_rules,
    resolve,
    upcoming,
)

__all__ = [
    "DEFAULT_WORK_HOURS",
    "TZ",
    "CalendarConfigError",
    "Window",
    "WindowConfigError",
    "WindowRule",
    "WorkCalendar",
    "active_windows",
    "chuxi",
    "default_rules",
    "level_at",
    "load_rules",
    "lunar_to_solar",
    "resolve",
    "solar_term_date",
    "spring_festival",
    "to_local",
    "upcoming",
]
