"""When bulletins and rankings are due, the score, and the [officials] settings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.settings import Settings, SettingsError
from dispatch.bulletins import OfficialsConfig, Weights, due_now, first_workday_after, score
from dispatch.figures import Line
from schedules.bulletins import officials_config
from schedules.calendar import WorkCalendar

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH).astimezone(UTC)


def kinds(now: datetime, config: OfficialsConfig | None = None) -> list[str]:
    return [f"{d.kind}:{d.period.key()}" for d in due_now(now, config or OfficialsConfig(), CAL)]


def test_monthly_bulletin_window() -> None:
    assert kinds(local(2026, 11, 27, 16, 59)) == []
    assert kinds(local(2026, 11, 27, 17, 0)) == ["bulletin:2026-11"]
    assert kinds(local(2026, 11, 30, 23, 59)) == ["bulletin:2026-11"]
    assert kinds(local(2026, 12, 1, 0, 1)) == []
    custom = OfficialsConfig(bulletin_day=25, bulletin_time=time(9, 30))
    assert kinds(local(2026, 11, 25, 9, 30), custom) == ["bulletin:2026-11"]


def test_quarterly_ranking_on_the_first_working_day_after_the_quarter() -> None:
    # 2026-10-01..07 is the National Day holiday: the first working day is later.
    first = first_workday_after(date(2026, 9, 30), CAL)
    assert first > date(2026, 10, 7) or CAL.is_workday(first)
    assert not CAL.is_workday(date(2026, 10, 1))
    moment = datetime.combine(first, time(9, 0), SH)
    assert kinds(moment.astimezone(UTC)) == ["ranking:2026-Q3"]
    assert kinds(local(2026, 10, 1, 9, 0)) == []
    # Q1 2026 ends on Tuesday 03-31: the ranking comes on Wednesday 04-01 at 09:00.
    assert kinds(local(2026, 4, 1, 8, 59)) == []
    assert kinds(local(2026, 4, 1, 9, 0)) == ["ranking:2026-Q1"]
    assert kinds(local(2026, 4, 8, 8, 59)) == ["ranking:2026-Q1"]
    assert kinds(local(2026, 4, 20, 9, 0)) == []


def test_score_formula_and_missing_parts() -> None:
    perfect = Line(cases=10, on_site_due=10, on_site_in_time=10, satisfied=5, rated=5,
                   expected_shifts=20, attended_shifts=20)
    assert score(perfect, Weights())[0] == 100.0
    line = Line(cases=10, missed=5, on_site_due=8, on_site_in_time=4, satisfied=3, rated=4,
                expected_shifts=10, attended_shifts=9)
    # 100 × (40×0.5 + 20×0.5 + 20×0.75 + 20×0.9) / 100
    assert score(line, Weights())[0] == 63.0
    no_cases = Line(expected_shifts=10, attended_shifts=5)
    assert score(no_cases, Weights())[0] == 50.0  # only attendance counts
    assert score(Line(), Weights())[0] is None


def settings(**officials) -> Settings:
    return Settings(bot_token=None, sections={"officials": officials})


def test_config_defaults_and_values() -> None:
    assert officials_config(settings()) == OfficialsConfig()
    config = officials_config(settings(bulletin_day=20, bulletin_time="16:30", weight_on_site=50,
                                       rankings=False, tick="30s"))
    assert config.bulletin_day == 20 and config.bulletin_time == time(16, 30)
    assert config.weights.on_site == 50 and not config.rankings and config.tick.seconds == 30


@pytest.mark.parametrize(("values", "named"), [
    ({"bulletin_day": 31}, "bulletin_day"), ({"bulletin_time": "5pm"}, "bulletin_time"),
    ({"weight_overdue": -1}, "weight_overdue"), ({"bulletins": "yes"}, "bulletins"),
    ({"bulletin_dya": 3}, "bulletin_dya"), ({"tick": "soon"}, "tick"),
    ({"weight_on_site": 0, "weight_overdue": 0, "weight_satisfaction": 0,
      "weight_attendance": 0}, "weight"),
])
def test_bad_config_names_the_key(values, named) -> None:
    with pytest.raises(SettingsError) as caught:
        officials_config(settings(**values))
    message = str(caught.value)
    assert "[officials]" in message and named in message and "\n" not in message
