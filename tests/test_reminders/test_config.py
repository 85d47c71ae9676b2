"""The [reminders] settings and templates: defaults, checks, rendering."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.settings import Settings, SettingsError
from dispatch.reminders import Due, PatrolGrid, RosterMember, windows_near
from schedules import reminders_text as text
from schedules.reminders_config import PLACEHOLDERS, default_texts, parse_reminders, reminder_config
from schedules.windows import default_rules

SH = ZoneInfo("Asia/Shanghai")


def test_defaults() -> None:
    config = parse_reminders(None)
    assert config.rules.lead == timedelta(days=1) and config.rules.grace == timedelta(hours=2)
    assert config.rules.peak_times == (time(18), time(21), time(23, 30))
    assert config.tick == timedelta(seconds=30) and config.group_languages == ("zh",)
    assert config.rules.public_days == (1, 0) and config.rules.public_time == time(15)


def test_shipped_templates_cover_every_text_in_both_languages() -> None:
    texts = default_texts()
    for lang in ("zh", "en"):
        assert set(texts[lang]) == set(PLACEHOLDERS), lang
        parse_reminders({"texts": {lang: texts[lang]}})  # every placeholder is allowed


def test_values_are_parsed() -> None:
    config = parse_reminders({"lead": "2d", "grace": "30m", "tick": "10s", "peak_times": ["21:00",
                              "19:30"], "checkin_grace": "15m", "public_days": [0, 2],
                              "public_time": "09:00", "public_levels": ["high"],
                              "group_languages": ["zh", "en"], "skip": ["dongzhi"]},
                             window_keys={"dongzhi"})
    rules = config.rules
    assert rules.lead == timedelta(days=2) and rules.grace == timedelta(minutes=30)
    assert rules.peak_times == (time(19, 30), time(21)) and rules.public_days == (2, 0)
    assert rules.public_levels == frozenset({"high"}) and rules.skip == frozenset({"dongzhi"})
    assert config.group_languages == ("zh", "en") and config.tick == timedelta(seconds=10)


@pytest.mark.parametrize(("section", "message"), [
    ({"lead": "soon"}, r"^\[reminders\] lead: expected a duration"),
    ({"peak_times": ["25:00"]}, r"^\[reminders\] peak_times: expected a time HH:MM"),
    ({"peak_times": "18:00"}, r"^\[reminders\] peak_times: expected a list"),
    ({"public_days": [-1]}, r"^\[reminders\] public_days:"),
    ({"public_levels": ["urgent"]}, r"^\[reminders\] public_levels: unknown 'urgent'"),
    ({"group_languages": ["fr"]}, r"^\[reminders\] group_languages: unknown 'fr'"),
    ({"skip": ["nope"]}, r"^\[reminders\] skip: no window rule 'nope'"),
    ({"tick": "0s"}, r"^\[reminders\] tick: at least 1s"),
    ({"grace": "10s"}, r"^\[reminders\] grace: must be at least the tick"),
    ({"leed": "1d"}, r"^\[reminders\] leed: unknown setting"),
    ({"texts": {"fr": {}}}, r"^\[reminders\] texts\.fr: unknown language"),
    ({"texts": {"zh": {"hello": "x"}}}, r"^\[reminders\] texts\.zh\.hello: unknown text"),
    ({"texts": {"zh": {"peak": "{grid} {who}"}}},
     r"^\[reminders\] texts\.zh\.peak: unknown placeholder \{who\}"),
    ({"texts": {"en": {"public": "{grids"}}}, r"^\[reminders\] texts\.en\.public: bad template"),
    ({"texts": {"en": {"public": "{grids.upper}"}}}, r"unknown placeholder \{grids\.upper\}"),
])
def test_bad_values_name_the_key(section: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        parse_reminders(section, window_keys={r.key for r in default_rules()})


def test_configured_template_replaces_one_key_only() -> None:
    config = parse_reminders({"texts": {"zh": {"peak": "{grid}注意 {time}"}}})
    assert config.texts["zh"]["peak"] == "{grid}注意 {time}"
    assert config.texts["zh"]["pre_window"] == default_texts()["zh"]["pre_window"]


def test_parsed_once_per_settings_object() -> None:
    settings = Settings(bot_token=None, sections={"reminders": {"lead": "3h"}})
    assert reminder_config(settings) is reminder_config(settings)
    assert reminder_config(settings).rules.lead == timedelta(hours=3)


def _due(kind: str, moment: datetime, window_key: str) -> Due:
    window = next(w for w in windows_near(default_rules(), moment) if w.key == window_key
                  and w.start.year == moment.year)
    grid = PatrolGrid(1, "g", "白马第一网格", -1, (RosterMember(1, 1, "张建国", None),))
    return Due(kind, window, moment, grid, grid.members, (window,))


def test_rendering_in_both_languages() -> None:
    texts = parse_reminders(None).texts
    zh, en = text.Renderer(texts, "zh"), text.Renderer(texts, "en")
    pre = _due("pre", datetime(2027, 2, 4, 18, tzinfo=SH), "chuxi_night")
    now = datetime(2027, 2, 4, 18, tzinfo=SH)
    assert text.pre_window(zh, pre, now).startswith("📅 明晚 18:00起进入「除夕夜」（高等级，至2月6日 02:00）")
    assert "New Year's Eve night (high level) starts tomorrow night 18:00" in text.pre_window(en, pre, now)
    season = _due("pre", datetime(2026, 11, 24, tzinfo=SH), "ban_season")
    assert "至2月28日 24:00" in text.pre_window(zh, season, datetime(2026, 11, 24, tzinfo=SH))
    assert "明天起进入" in text.pre_window(zh, season, datetime(2026, 11, 24, tzinfo=SH))
    assert "Feb 28 24:00" in text.pre_window(en, season, datetime(2026, 11, 24, tzinfo=SH))
    shift = _due("shift", datetime(2027, 2, 5, 20, tzinfo=SH), "chuxi_night")
    assert "高等级时段全员在岗：张建国、李秀英" in text.shift_start(zh, shift, ["张建国", "李秀英"])
    assert "暂无排班" in text.peak(zh, shift, [])
    both = text.for_group(texts, ("zh", "en"), lambda r: text.peak(r, shift, ["张建国"]))
    assert "燃放和焚烧高发时段" in both and "\n\npeak hour" not in both and "peak hour" in both


def test_unknown_language_falls_back_to_zh() -> None:
    texts = parse_reminders(None).texts
    assert text.Renderer(texts, "ru").lang == "zh"


def test_relative_days_read_naturally() -> None:
    zh = text.Renderer(parse_reminders(None).texts, "zh")
    today = datetime(2027, 4, 1, tzinfo=SH).date()
    assert zh.when(datetime(2027, 4, 1, 8, tzinfo=SH), today) == "今天 08:00"
    assert zh.when(datetime(2027, 4, 1, 19, tzinfo=SH), today) == "今晚 19:00"
    assert zh.when(datetime(2027, 4, 2, tzinfo=SH), today) == "明天"
    assert zh.when(datetime(2027, 4, 2, 20, tzinfo=SH), today) == "明晚 20:00"
    assert zh.when(datetime(2027, 4, 5, 20, tzinfo=SH), today) == "4月5日 20:00"
