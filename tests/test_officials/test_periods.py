"""Period syntax and local boundaries (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from dispatch.figures_period import PeriodError, is_period, parse_period

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(("text", "kind", "first", "last"), [
    (None, "day", date(2026, 11, 25), date(2026, 11, 25)),
    ("today", "day", date(2026, 11, 25), date(2026, 11, 25)),
    ("今天", "day", date(2026, 11, 25), date(2026, 11, 25)),
    ("yesterday", "day", date(2026, 11, 24), date(2026, 11, 24)),
    ("week", "week", date(2026, 11, 23), date(2026, 11, 29)),
    ("本月", "month", date(2026, 11, 1), date(2026, 11, 30)),
    ("quarter", "quarter", date(2026, 10, 1), date(2026, 12, 31)),
    ("2026-02", "month", date(2026, 2, 1), date(2026, 2, 28)),
    ("2026-Q1", "quarter", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026q3", "quarter", date(2026, 7, 1), date(2026, 9, 30)),
    ("2026-11-05", "day", date(2026, 11, 5), date(2026, 11, 5)),
    ("2026-11-01..2026-11-15", "range", date(2026, 11, 1), date(2026, 11, 15)),
    ("2026-11-01~2026-11-03", "range", date(2026, 11, 1), date(2026, 11, 3)),
    ("2025", "year", date(2025, 1, 1), date(2025, 12, 31)),
])
def test_forms(text, kind, first, last) -> None:
    period = parse_period(text, TODAY)
    assert (period.kind, period.first, period.last) == (kind, first, last)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "2026-11-31", "2026-11-15..2026-11-01",
                                  "soon", "2020-01-01..2026-01-01", "白马社区"])
def test_bad_forms(text) -> None:
    with pytest.raises(PeriodError):
        parse_period(text, TODAY)
    assert not is_period(text)


def test_local_boundaries_are_utc_instants() -> None:
    day = parse_period("2026-11-25", TODAY)
    assert day.start == datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    assert day.end == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
    assert day.key() == "2026-11-25" and parse_period("2026-Q4", TODAY).key() == "2026-Q4"


def test_comparison_is_cut_to_the_elapsed_part() -> None:
    month = parse_period("month", TODAY)
    now = datetime(2026, 11, 10, 16, 0, tzinfo=UTC)  # 9 days and 8 hours... local 11-11 00:00
    start, end = month.comparison_bounds(now)
    assert start == datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    assert end - start == now - month.start
    past = parse_period("2026-10", TODAY)
    assert past.comparison_bounds(now) == (past.previous().start, past.previous().end)
    assert parse_period("2026-03", TODAY).previous().key() == "2026-02"
    assert parse_period("2026-01-01..2026-01-10", TODAY).previous().first == date(2025, 12, 22)
