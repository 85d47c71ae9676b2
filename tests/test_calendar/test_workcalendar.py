"""WorkCalendar: official data, overrides, the missing-year fallback, working time."""

import logging
from datetime import UTC, date, datetime, time

import pytest

from schedules.calendar import TZ, CalendarConfigError, WorkCalendar

D = date.fromisoformat

HOLIDAYS_2026 = [
    "2026-01-01", "2026-01-02", "2026-01-03",
    *[f"2026-02-{d}" for d in range(15, 24)],
    "2026-04-04", "2026-04-05", "2026-04-06",
    *[f"2026-05-0{d}" for d in range(1, 6)],
    "2026-06-19", "2026-06-20", "2026-06-21",
    "2026-09-25", "2026-09-26", "2026-09-27",
    *[f"2026-10-0{d}" for d in range(1, 8)],
]  # fmt: skip
SWAPPED_2026 = ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]


def test_known_years() -> None:
    cal = WorkCalendar()
    assert cal.known_years() == range(2004, 2027)
    assert cal.year_is_known(2026) and not cal.year_is_known(2027)


def test_2026_official_schedule() -> None:
    cal = WorkCalendar()
    assert cal.non_working_days(2026) == [D(d) for d in HOLIDAYS_2026]
    assert cal.swapped_workdays(2026) == [D(d) for d in SWAPPED_2026]
    for day in ("2026-02-14", "2026-02-28"):  # Saturdays that are working days
        assert D(day).weekday() == 5
        assert cal.is_workday(D(day)) and cal.is_swapped_workday(D(day))
        assert cal.holiday_name(D(day)) == "春节"
    assert not cal.is_workday(D("2026-02-16")) and cal.holiday_name(D("2026-02-16")) == "春节"
    assert cal.holiday_name(D("2026-02-16"), lang="en") == "Spring Festival"
    assert not cal.is_workday(D("2026-02-21"))  # Saturday inside 春节
    assert cal.is_workday(D("2026-02-24"))
    assert cal.holiday_name(D("2026-03-10")) is None
    assert cal.missing_years() == set()


def test_2025_official_schedule() -> None:
    cal = WorkCalendar()
    assert cal.swapped_workdays(2025) == [
        D(d) for d in ("2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11")
    ]
    assert not cal.is_workday(D("2025-10-08"))  # National Day + Mid-autumn, 8 days
    assert cal.holiday_name(D("2025-05-31")) == "端午"


def test_missing_year_falls_back_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []
    cal = WorkCalendar(warn=calls.append)
    with caplog.at_level(logging.WARNING, logger="schedules.calendar"):
        assert cal.is_workday(D("2027-02-08"))  # a Monday; the real 2027 schedule is unknown
        assert not cal.is_workday(D("2027-02-06"))  # Saturday
        assert cal.is_workday(datetime(2027, 3, 1, 9, tzinfo=TZ))
        assert not cal.is_swapped_workday(D("2027-02-20"))
    assert calls == [2027]
    assert len([r for r in caplog.records if "2027" in r.getMessage()]) == 1
    assert cal.is_workday(D("2028-01-03"))
    assert calls == [2027, 2028]
    assert cal.missing_years() == {2027, 2028}
    assert cal.holiday_name(D("2027-02-06")) is None
    assert cal.non_working_days(2027) == [] and cal.swapped_workdays(2027) == []
    assert calls == [2027, 2028]  # the year lists do not warn
    other = WorkCalendar(warn=calls.append)  # once per instance
    other.is_workday(D("2027-01-04"))
    assert calls == [2027, 2028, 2027]


def test_failing_warn_callback_does_not_crash() -> None:
    def boom(year: int) -> None:
        raise RuntimeError("telegram down")

    cal = WorkCalendar(warn=boom)
    assert cal.is_workday(D("2027-01-04"))
    assert cal.missing_years() == {2027}


def test_override_precedence() -> None:
    calls: list[int] = []
    overrides = {
        D("2027-02-05"): False,  # weekday off
        D("2027-02-20"): True,  # Saturday worked
        D("2026-02-16"): True,  # overrides the package too
        D("2026-03-02"): False,
    }
    cal = WorkCalendar(overrides, calls.append, names={D("2027-02-05"): "春节"})
    assert not cal.is_workday(D("2027-02-05"))
    assert cal.is_workday(D("2027-02-20")) and cal.is_swapped_workday(D("2027-02-20"))
    assert calls == []  # overrides answer before the fallback
    assert cal.is_workday(D("2026-02-16"))
    assert not cal.is_workday(D("2026-03-02"))
    assert cal.holiday_name(D("2027-02-05")) == "春节"
    assert cal.non_working_days(2027) == [D("2027-02-05")]
    assert cal.swapped_workdays(2027) == [D("2027-02-20")]
    assert D("2026-02-16") not in cal.non_working_days(2026)
    assert D("2026-03-02") in cal.non_working_days(2026)
    assert cal.is_workday(D("2027-02-08")) and calls == [2027]


def test_from_config() -> None:
    cal = WorkCalendar.from_config(
        {
            "workdays": ["2027-02-20", date(2027, 2, 21)],
            "holidays": {"2027-02-05": "春节", "2027-02-08": "春节"},
            "work_hours": ["09:00", "17:00"],
        }
    )
    assert cal.is_workday(D("2027-02-21")) and not cal.is_workday(D("2027-02-08"))
    assert cal.holiday_name(D("2027-02-08")) == "春节"
    assert cal.work_hours == (time(9), time(17))
    assert WorkCalendar.from_config(None).work_hours == (time(8, 30), time(17, 30))


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"holidays": ["2027-13-01"]}, "holidays"),
        ({"workdays": "2027-02-20"}, "workdays"),
        ({"workdays": ["2027-02-20"], "holidays": ["2027-02-20"]}, "both"),
        ({"holiday": ["2027-02-05"]}, "unknown key"),
        ({"work_hours": ["18:00", "08:00"]}, "work_hours"),
        ({"work_hours": ["8:00", "17:00"]}, "work_hours"),
        ({"holidays": {"2027-02-05": 1}}, "name"),
    ],
)
def test_from_config_errors(section: dict, message: str) -> None:
    with pytest.raises(CalendarConfigError, match=message):
        WorkCalendar.from_config(section)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 2, 14, 8, 30, tzinfo=TZ), True),  # swapped Saturday, first minute
        (datetime(2026, 2, 14, 8, 29, 59, tzinfo=TZ), False),
        (datetime(2026, 2, 14, 17, 29, 59, tzinfo=TZ), True),
        (datetime(2026, 2, 14, 17, 30, tzinfo=TZ), False),  # end is exclusive
        (datetime(2026, 2, 16, 10, 0, tzinfo=TZ), False),  # Monday in 春节
        (datetime(2026, 2, 15, 10, 0, tzinfo=TZ), False),  # Sunday
        (datetime(2026, 2, 24, 12, 0), True),  # naive = local time
        (datetime(2026, 2, 14, 0, 30, tzinfo=UTC), True),  # 08:30 in Shanghai
        (datetime(2026, 2, 13, 23, 59, tzinfo=UTC), False),  # 07:59 in Shanghai
        (datetime(2026, 2, 13, 16, 0, tzinfo=UTC), False),  # 02-14 00:00 local
    ],
)
def test_is_working_time(moment: datetime, expected: bool) -> None:
    cal = WorkCalendar()
    assert cal.is_working_time(moment, (time(8, 30), time(17, 30))) is expected


def test_is_working_time_defaults_and_validation() -> None:
    cal = WorkCalendar(work_hours=(time(9), time(17)))
    assert not cal.is_working_time(datetime(2026, 3, 2, 8, 45, tzinfo=TZ))
    assert cal.is_working_time(datetime(2026, 3, 2, 8, 45, tzinfo=TZ), (time(8, 30), time(18)))
    with pytest.raises(ValueError):
        cal.is_working_time(datetime(2026, 3, 2, 9, tzinfo=TZ), (time(18), time(8)))
