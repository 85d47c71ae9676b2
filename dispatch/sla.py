"""Time limits of a case, fixed when it is created: our clock starts at the report.

Acknowledge within `ack` (10 min); on site within `on_site_workday` (30 min) when the report
arrives on a working day within working hours, else `on_site_offhours` (60 min: nights,
weekends, holidays; swapped working weekends count as working days); resolve within
`resolve` (24 h). Escalation steps follow each other every `escalation_interval`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from schedules.calendar import WorkCalendar


@dataclass(frozen=True)
class SlaRules:
    """Configurable limits (`[sla]` and `[escalation]` in the TOML file)."""

    ack: timedelta = timedelta(minutes=10)
    on_site_workday: timedelta = timedelta(minutes=30)
    on_site_offhours: timedelta = timedelta(minutes=60)
    resolve: timedelta = timedelta(hours=24)
    work_hours: tuple[time, time] = (time(8, 30), time(17, 30))
    sweep: timedelta = timedelta(seconds=30)
    escalation_interval: timedelta = timedelta(minutes=10)
    arrival_distance_m: float = 500.0


@dataclass(frozen=True)
class Deadlines:
    """When a case must be acknowledged, reached and resolved."""

    ack: datetime
    on_site: datetime
    resolve: datetime
    off_hours: bool


def deadlines(created: datetime, rules: SlaRules, calendar: WorkCalendar) -> Deadlines:
    """The deadlines of a case reported at `created` (aware)."""
    working = calendar.is_working_time(created, rules.work_hours)
    on_site = rules.on_site_workday if working else rules.on_site_offhours
    return Deadlines(ack=created + rules.ack, on_site=created + on_site,
                     resolve=created + rules.resolve, off_hours=not working)


def parse_work_hours(value: Any, name: str = "[sla] work_hours") -> tuple[time, time]:
    """`"08:30-17:30"` → (08:30, 17:30)."""
    text = str(value).replace("–", "-").replace(" ", "")
    try:
        start_text, end_text = text.split("-")
        start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
    except ValueError:
        raise ValueError(f"{name}: expected HH:MM-HH:MM, got {value!r}") from None
    if end <= start:
        raise ValueError(f"{name}: the end must be after the start, got {value!r}")
    return start, end
