"""Shift syntax, on-duty checks (including shifts across midnight) and descriptions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.shifts import (
    ALL_DAYS,
    SHANGHAI,
    ShiftSpec,
    ShiftSyntaxError,
    describe_shift,
    format_shift,
    format_shifts,
    is_on_duty,
    parse_shifts,
)


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """An Asia/Shanghai moment."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("daily 08:00-20:00", [ShiftSpec(ALL_DAYS, None, 480, 1200)]),
        ("mon-fri 08:00-18:00", [ShiftSpec(0b0011111, None, 480, 1080)]),
        ("sat-sun 20:00-08:00", [ShiftSpec(0b1100000, None, 1200, 480)]),
        ("mon,wed,fri 09:00-17:00", [ShiftSpec(0b0010101, None, 540, 1020)]),
        ("fri-mon 10:00-12:00", [ShiftSpec(0b1110001, None, 600, 720)]),
        ("2027-02-05 18:00-02:00", [ShiftSpec(0, date(2027, 2, 5), 1080, 120)]),
        ("daily 08:00-24:00", [ShiftSpec(ALL_DAYS, None, 480, 1440)]),
        ("Daily 8:00 - 20:00", [ShiftSpec(ALL_DAYS, None, 480, 1200)]),
        (
            "mon-fri 08:00-18:00; sat-sun 09:00-17:00",
            [ShiftSpec(0b0011111, None, 480, 1080), ShiftSpec(0b1100000, None, 540, 1020)],
        ),
        # Full-width punctuation and Chinese day names, as typed on a Chinese keyboard.
        (
            "周一至周五 08：00～18：00；周六、周日 20:00-08:00",
            [ShiftSpec(0b0011111, None, 480, 1080), ShiftSpec(0b1100000, None, 1200, 480)],
        ),
        ("每天 08:00-20:00", [ShiftSpec(ALL_DAYS, None, 480, 1200)]),
        ("", []),
        ("   ", []),
        ("daily 08:00-20:00; daily 08:00-20:00;", [ShiftSpec(ALL_DAYS, None, 480, 1200)]),
    ],
)
def test_parse_shifts(text: str, expected: list[ShiftSpec]) -> None:
    assert parse_shifts(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("daily", "missing a time range"),
        ("08:00-20:00", "missing the days"),
        ("weekdays 08:00-20:00", "unknown day 'weekdays'"),
        ("mon-fry 08:00-20:00", "unknown day 'fry'"),
        ("daily 25:00-26:00", "25:00 is not a time of day"),
        ("daily 08:60-09:00", "08:60 is not a time of day"),
        ("daily 24:00-08:00", "24:00 is not a time of day"),
        ("2027-02-30 08:00-09:00", "2027-02-30 is not a date"),
        ("mon,,fri 08:00-09:00", "empty item"),
        ("daily 08:00-20:00; mon-fri 8-17", "'mon-fri 8-17'"),
    ],
)
def test_bad_shift_names_the_part(text: str, fragment: str) -> None:
    with pytest.raises(ShiftSyntaxError) as info:
        parse_shifts(text)
    assert fragment in str(info.value)
    assert "班次格式错误" in str(info.value)


def test_night_shift_belongs_to_the_day_it_starts() -> None:
    fri_night = parse_shifts("fri 20:00-08:00")
    # 2027-02-05 is a Friday.
    assert is_on_duty(fri_night, False, at(2027, 2, 5, 20, 0))
    assert is_on_duty(fri_night, False, at(2027, 2, 6, 3, 0))  # Saturday 03:00
    assert not is_on_duty(fri_night, False, at(2027, 2, 6, 8, 0))  # end is exclusive
    assert not is_on_duty(fri_night, False, at(2027, 2, 5, 3, 0))  # Friday 03:00: Thursday's
    assert not is_on_duty(fri_night, False, at(2027, 2, 6, 21, 0))  # Saturday night


def test_dated_shift_across_midnight() -> None:
    eve = parse_shifts("2027-02-05 18:00-02:00")
    assert is_on_duty(eve, False, at(2027, 2, 6, 1, 0))
    assert not is_on_duty(eve, False, at(2027, 2, 6, 2, 0))
    assert not is_on_duty(eve, False, at(2027, 2, 12, 19, 0))


def test_always_on_call_and_timezones() -> None:
    assert is_on_duty([], True, at(2027, 1, 1, 3))
    assert not is_on_duty([], False, at(2027, 1, 1, 3))
    day = parse_shifts("daily 08:00-20:00")
    # 01:00 UTC is 09:00 in Shanghai.
    assert is_on_duty(day, False, datetime(2027, 1, 1, 1, 0, tzinfo=UTC))
    assert not is_on_duty(day, False, datetime(2027, 1, 1, 13, 0, tzinfo=UTC))
    with pytest.raises(ValueError, match="timezone-aware"):
        is_on_duty(day, False, datetime(2027, 1, 1, 9, 0))


def test_24_hour_shift() -> None:
    duty = parse_shifts("mon 08:00-08:00")
    assert duty[0].duration_minutes == 1440
    # 2027-02-01 is a Monday.
    assert is_on_duty(duty, False, at(2027, 2, 2, 7, 59))
    assert not is_on_duty(duty, False, at(2027, 2, 2, 8, 0))


def test_describe_shift() -> None:
    specs = parse_shifts("mon-fri 08:00-18:00; sat,sun 20:00-08:00; 2027-02-05 18:00-02:00")
    assert [describe_shift(s) for s in specs] == [
        "周一至周五 08:00–18:00",
        "周六、周日 20:00–次日08:00",
        "2027-02-05 18:00–次日02:00",
    ]
    assert [describe_shift(s, "en") for s in specs] == [
        "Mon–Fri 08:00–18:00",
        "Sat, Sun 20:00–08:00 (+1 day)",
        "2027-02-05 18:00–02:00 (+1 day)",
    ]
    assert describe_shift(parse_shifts("daily 07:30-19:30")[0]) == "每天 07:30–19:30"
    assert format_shifts(specs) == (
        "mon-fri 08:00-18:00; sat-sun 20:00-08:00; 2027-02-05 18:00-02:00"
    )


weekly = st.builds(
    ShiftSpec,
    weekdays=st.integers(min_value=1, max_value=ALL_DAYS),
    on_date=st.none(),
    start_minute=st.integers(min_value=0, max_value=1439),
    end_minute=st.integers(min_value=1, max_value=1440),
)
dated = st.builds(
    ShiftSpec,
    weekdays=st.just(0),
    on_date=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    start_minute=st.integers(min_value=0, max_value=1439),
    end_minute=st.integers(min_value=1, max_value=1440),
)
specs_strategy = st.one_of(weekly, dated)
moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31))


@settings(max_examples=300, deadline=None)
@given(specs_strategy)
def test_format_then_parse_round_trips(spec: ShiftSpec) -> None:
    assert parse_shifts(format_shift(spec)) == [spec]
    assert describe_shift(spec) and describe_shift(spec, "en")


def _brute_force(spec: ShiftSpec, moment: datetime) -> bool:
    """On duty iff some start of this pattern within the last two days covers the moment."""
    for back in (0, 1):
        day = moment.date() - timedelta(days=back)
        if not spec.starts_on(day):
            continue
        start = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(
            minutes=spec.start_minute
        )
        if start <= moment.replace(second=0, microsecond=0) < start + timedelta(
            minutes=spec.duration_minutes
        ):
            return True
    return False


@settings(max_examples=500, deadline=None)
@given(specs_strategy, moments)
def test_is_on_duty_matches_brute_force(spec: ShiftSpec, naive: datetime) -> None:
    moment = naive.replace(tzinfo=SHANGHAI)
    assert is_on_duty([spec], False, moment) == _brute_force(spec, moment)


@settings(max_examples=200, deadline=None)
@given(weekly, moments)
def test_daily_full_day_is_always_on_duty(spec: ShiftSpec, naive: datetime) -> None:
    full = ShiftSpec(ALL_DAYS, None, spec.start_minute, spec.start_minute)
    assert is_on_duty([full], False, naive.replace(tzinfo=SHANGHAI))


@settings(max_examples=500, deadline=None)
@given(specs_strategy, st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)),
       st.integers(min_value=0, max_value=2879))
def test_is_on_duty_near_the_shift(spec: ShiftSpec, anchor: date, offset: int) -> None:
    # Moments within two days of a start of the pattern, where the interesting cases are.
    day = spec.on_date or anchor
    moment = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + timedelta(minutes=offset)
    assert is_on_duty([spec], False, moment) == _brute_force(spec, moment)
