"""Lunar dates and solar terms against a table of real dates, 2024–2031."""

from datetime import date

import pytest

from schedules.calendar import (
    chuxi,
    lunar_month_days,
    lunar_to_solar,
    solar_term_date,
    solar_term_name,
    spring_festival,
)

# year: (除夕, days of the preceding 12th lunar month, 春节, 元宵, 清明, 中元 7/15, 寒衣 10/1)
REAL_DATES = {
    2024: ("2024-02-09", 30, "2024-02-10", "2024-02-24", "2024-04-04", "2024-08-18", "2024-11-01"),
    2025: ("2025-01-28", 29, "2025-01-29", "2025-02-12", "2025-04-04", "2025-09-06", "2025-11-20"),
    2026: ("2026-02-16", 29, "2026-02-17", "2026-03-03", "2026-04-05", "2026-08-27", "2026-11-09"),
    2027: ("2027-02-05", 29, "2027-02-06", "2027-02-20", "2027-04-05", "2027-08-16", "2027-10-29"),
    2028: ("2028-01-25", 29, "2028-01-26", "2028-02-09", "2028-04-04", "2028-09-03", "2028-11-16"),
    2029: ("2029-02-12", 29, "2029-02-13", "2029-02-27", "2029-04-04", "2029-08-24", "2029-11-06"),
    2030: ("2030-02-02", 30, "2030-02-03", "2030-02-17", "2030-04-05", "2030-08-13", "2030-10-27"),
}


@pytest.mark.parametrize("year", sorted(REAL_DATES))
def test_real_dates(year: int) -> None:
    eve, month12, chunjie, yuanxiao, qingming, zhongyuan, hanyi = REAL_DATES[year]
    assert chuxi(year) == date.fromisoformat(eve)
    assert spring_festival(year) == date.fromisoformat(chunjie)
    # 除夕 is the last day of the previous lunar year's 12th month (29 or 30 days).
    assert lunar_month_days(year - 1, 12) == month12
    assert lunar_to_solar(year - 1, 12, month12) == date.fromisoformat(eve)
    assert lunar_to_solar(year, 1, 15) == date.fromisoformat(yuanxiao)
    assert solar_term_date(year, "清明") == date.fromisoformat(qingming)
    assert lunar_to_solar(year, 7, 15) == date.fromisoformat(zhongyuan)
    assert lunar_to_solar(year, 10, 1) == date.fromisoformat(hanyi)


def test_2025_to_2029_have_no_thirtieth() -> None:
    """2025–2029 have no 年三十 (the 12th month has 29 days); 2024 and 2030 have one."""
    with pytest.raises(ValueError):
        lunar_to_solar(2025, 12, 30)
    assert lunar_to_solar(2029, 12, 30) == date(2030, 2, 2)


@pytest.mark.parametrize(
    ("name", "year", "expected"),
    [
        ("清明", 2026, "2026-04-05"),
        ("qingming", 2027, "2027-04-05"),
        ("Pure Brightness", 2028, "2028-04-04"),
        ("dongzhi", 2027, "2027-12-22"),
        ("小寒", 2027, "2027-01-05"),
        ("大雪", 2027, "2027-12-07"),
        ("立春", 2026, "2026-02-04"),
    ],
)
def test_solar_terms(name: str, year: int, expected: str) -> None:
    assert solar_term_date(year, name) == date.fromisoformat(expected)


def test_solar_term_names() -> None:
    assert solar_term_name("QingMing") == "清明"
    assert solar_term_name("frosts_descent") == "霜降"
    with pytest.raises(ValueError, match="unknown solar term"):
        solar_term_name("tomb")


def test_leap_month_is_not_used() -> None:
    """2033 has a leap 11th month; ``lunar 11-01`` means the regular one."""
    assert lunar_to_solar(2033, 11, 1) == date(2033, 11, 22)
