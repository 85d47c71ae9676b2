"""Deadlines follow the official calendar: workdays, nights, holidays, swapped workdays."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dispatch.sla import SlaRules, deadlines, parse_work_hours
from schedules.calendar import WorkCalendar

SH = ZoneInfo("Asia/Shanghai")
RULES = SlaRules()


@pytest.mark.parametrize(("moment", "off_hours", "why"), [
    (datetime(2026, 11, 23, 10, 0, tzinfo=SH), False, "Monday, working hours"),
    (datetime(2026, 11, 23, 8, 29, tzinfo=SH), True, "Monday before 08:30"),
    (datetime(2026, 11, 23, 17, 30, tzinfo=SH), True, "Monday at 17:30 (end is exclusive)"),
    (datetime(2026, 11, 23, 20, 0, tzinfo=SH), True, "Monday night"),
    (datetime(2026, 11, 22, 10, 0, tzinfo=SH), True, "Sunday"),
    (datetime(2026, 2, 14, 10, 0, tzinfo=SH), False, "Saturday 02-14: a swapped workday"),
    (datetime(2026, 2, 28, 10, 0, tzinfo=SH), False, "Saturday 02-28: a swapped workday"),
    (datetime(2026, 2, 17, 10, 0, tzinfo=SH), True, "Tuesday in the Spring Festival holiday"),
    (datetime(2026, 10, 5, 10, 0, tzinfo=SH), True, "Monday in the National Day holiday"),
])
def test_on_site_rule(moment: datetime, off_hours: bool, why: str) -> None:
    limits = deadlines(moment, RULES, WorkCalendar())
    assert limits.off_hours is off_hours, why
    assert limits.on_site - moment == (timedelta(minutes=60) if off_hours
                                       else timedelta(minutes=30))
    assert limits.ack - moment == timedelta(minutes=10)
    assert limits.resolve - moment == timedelta(hours=24)


def test_utc_input_is_judged_in_shanghai_time() -> None:
    # 02:00 UTC is 10:00 in Shanghai on a Monday.
    limits = deadlines(datetime(2026, 11, 23, 2, 0, tzinfo=ZoneInfo("UTC")), RULES,
                       WorkCalendar())
    assert not limits.off_hours


def test_missing_year_falls_back_to_monday_to_friday_and_warns_once() -> None:
    warned: list[int] = []
    calendar = WorkCalendar(warn=warned.append)
    saturday = datetime(2027, 2, 6, 10, 0, tzinfo=SH)   # 春节 2027, unknown to the package
    friday = datetime(2027, 2, 5, 10, 0, tzinfo=SH)
    assert deadlines(saturday, RULES, calendar).off_hours
    assert not deadlines(friday, RULES, calendar).off_hours
    assert warned == [2027]


def test_override_table_wins() -> None:
    calendar = WorkCalendar(overrides={datetime(2027, 2, 5).date(): False})
    assert deadlines(datetime(2027, 2, 5, 10, 0, tzinfo=SH), RULES, calendar).off_hours


def test_work_hours_parse() -> None:
    assert parse_work_hours("09:00-18:00") == (time(9), time(18))
    with pytest.raises(ValueError, match="work_hours"):
        parse_work_hours("18:00-09:00")
    with pytest.raises(ValueError, match="HH:MM-HH:MM"):
        parse_work_hours("nine to five")
