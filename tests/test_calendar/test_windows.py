"""Window rules: parsing, config merging, errors, resolving and wrapping across years."""

from datetime import date, datetime, timedelta

import pytest

from schedules.calendar import TZ
from schedules.windows import (
    WindowConfigError,
    active_windows,
    default_rules,
    level_at,
    load_rules,
    parse_date_expr,
    resolve,
    upcoming,
)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def by_key(year: int, rules=None) -> dict:
    return {w.key: w for w in resolve(rules or load_rules(None), year)}


def rule(**fields) -> dict:
    base = {"key": "x", "name": "测试", "start": "03-01", "end": "03-02", "categories": ["dust"]}
    return base | fields


def only(*rules: dict) -> dict:
    return {"windows": {"defaults": False, "rule": list(rules)}}


def test_defaults_2027() -> None:
    w = by_key(2027)
    assert (w["chuxi_night"].start, w["chuxi_night"].end) == (at(2027, 2, 5, 18), at(2027, 2, 6, 2))
    assert w["chuxi_night"].anchor == date(2027, 2, 5)
    assert (w["spring_festival"].start, w["spring_festival"].end) == (
        at(2027, 2, 6),
        at(2027, 2, 13),
    )
    assert w["yuanxiao"].anchor == date(2027, 2, 20)
    assert w["qingming"].anchor == date(2027, 4, 5)
    assert (w["qingming"].start, w["qingming"].end) == (at(2027, 4, 2), at(2027, 4, 9))
    assert w["zhongyuan"].anchor == date(2027, 8, 16)
    assert (w["zhongyuan"].start, w["zhongyuan"].end) == (at(2027, 8, 15), at(2027, 8, 17))
    assert (w["hanyi"].start, w["hanyi"].end) == (at(2027, 10, 29), at(2027, 10, 30))
    assert w["chuxi_night"].level == "high" and w["ban_season"].level == "normal"
    assert w["chuxi_night"].categories == frozenset({"fireworks", "burning"})


def test_chuxi_in_30_day_month() -> None:
    w = by_key(2030)["chuxi_night"]
    assert (w.start, w.end) == (at(2030, 2, 2, 18), at(2030, 2, 3, 2))


def test_ban_season_wraps_into_next_year() -> None:
    season = by_key(2026)["ban_season"]
    assert (season.start, season.end) == (at(2026, 11, 25), at(2027, 3, 1))
    assert by_key(2027)["ban_season"].end == at(2028, 3, 1)  # 02-last = 2028-02-29
    rules = load_rules(None)
    keys = [w.key for w in active_windows(rules, at(2027, 1, 10, 12))]
    assert "ban_season" in keys
    assert active_windows(rules, at(2027, 2, 28, 23, 59))[0].start == at(2026, 11, 25)
    assert "ban_season" not in [w.key for w in active_windows(rules, at(2027, 3, 1))]


def test_gregorian_wrap_with_explicit_dates() -> None:
    rules = load_rules(only(rule(start="11-25", end="02-28", level="high")))
    (w,) = resolve(rules, 2026)
    assert (w.start, w.end) == (at(2026, 11, 25), at(2027, 3, 1))
    assert level_at(rules, at(2027, 2, 28, 12)) == "high"
    assert level_at(rules, at(2027, 3, 1)) is None
    assert level_at(rules, datetime(2027, 1, 1, 0, 0)) == "high"  # naive = local


def test_layue_starts_twice_or_never() -> None:
    assert [w.start for w in resolve(default_rules(), 2027) if w.key == "layue_smoking"] == [
        at(2027, 1, 8),
        at(2027, 12, 28),
    ]
    assert "layue_smoking" not in by_key(2028)
    keys = [w.key for w in active_windows(default_rules(), at(2028, 1, 20))]
    assert "layue_smoking" in keys


def test_level_at_and_active() -> None:
    rules = load_rules(None)
    assert level_at(rules, at(2027, 2, 5, 23)) == "high"
    keys = {w.key for w in active_windows(rules, at(2027, 2, 6, 1))}
    assert {"chuxi_night", "spring_festival", "ban_season"} <= keys
    assert level_at(rules, at(2027, 7, 15, 12)) is None
    assert level_at(rules, at(2027, 1, 10)) == "normal"
    assert level_at(rules, datetime(2027, 2, 5, 10, 0, tzinfo=TZ) + timedelta(hours=8)) == "high"


def test_upcoming() -> None:
    rules = load_rules(None)
    soon = upcoming(rules, at(2027, 2, 5, 12), timedelta(days=1))
    assert [w.key for w in soon] == ["chuxi_night", "spring_festival"]
    assert upcoming(rules, at(2027, 2, 5, 18), timedelta(hours=1)) == []  # already started
    year_end = upcoming(rules, at(2027, 12, 30), timedelta(days=40))
    assert [w.key for w in year_end] == ["chuxi_night", "spring_festival"]
    with pytest.raises(ValueError):
        upcoming(rules, at(2027, 1, 1), timedelta(days=-1))


def test_expression_forms() -> None:
    cases = [
        ("lunar 01-01 -1d 18:00", 2027, "lunar", at(2027, 2, 5, 18)),
        ("lunar 12-last 18:00", 2027, "lunar", at(2028, 1, 25, 18)),  # lunar year 2027
        ("term qingming +1d", 2027, "term", at(2027, 4, 6)),
        ("02-last", 2028, "gregorian", at(2028, 2, 29)),
        ("02-29", 2027, "gregorian", at(2027, 2, 28)),  # clamped in a common year
        ("lunar 12-30", 2027, "lunar", at(2028, 1, 25)),  # clamped to 廿九
        ("12-31 +1d 06:30", 2027, "gregorian", at(2028, 1, 1, 6, 30)),
    ]
    for text, anchor, kind, expected in cases:
        expr = parse_date_expr(text)
        assert expr.kind == kind
        assert expr.moment(anchor, is_end=False) == expected, text
    assert parse_date_expr("03-01").moment(2027, is_end=True) == at(2027, 3, 2)
    assert parse_date_expr("03-01 24:00").moment(2027, is_end=False) == at(2027, 3, 2)
    assert parse_date_expr("03-01 18:00").moment(2027, is_end=True) == at(2027, 3, 1, 18)


def test_config_overrides_and_disable() -> None:
    config = {
        "windows": {
            "disable": ["layue_smoking", "dongzhi"],
            "rule": [
                {"key": "ban_season", "start": "11-15", "level": "high"},
                {
                    "key": "county_fair",
                    "name": {"zh": "庙会", "en": "Temple fair"},
                    "start": "lunar 02-02",
                    "end": "lunar 02-03",
                    "categories": ["fireworks"],
                },
            ],
        }
    }
    rules = load_rules(config)
    keys = [r.key for r in rules]
    assert "layue_smoking" not in keys and "dongzhi" not in keys
    w = by_key(2027, rules)
    assert w["ban_season"].start == at(2027, 11, 15) and w["ban_season"].level == "high"
    assert w["ban_season"].end == at(2028, 3, 1)  # end kept from the default
    assert w["county_fair"].name_en == "Temple fair" and w["county_fair"].level == "normal"
    assert load_rules({"other": 1}) == default_rules()
    assert load_rules({"windows": {"defaults": False}}) == []


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (rule(start="13-01"), "start"),
        (rule(start="lunar 13-01"), "start"),
        (rule(start="02-30"), "start"),
        (rule(start="lunar 01-31"), "start"),
        (rule(start="04-00"), "start"),
        (rule(end="term tomb"), "end"),
        (rule(end="03-01 25:00"), "end"),
        (rule(end="03-01 +1d +2d"), "end"),
        (rule(end="03-01 +200d"), "end"),
        (rule(end="lunar"), "end"),
        (rule(end=""), "end"),
        (rule(end=5), "end"),
        (rule(level="urgent"), "level"),
        (rule(categories=["smoke"]), "categories"),
        (rule(categories=[]), "categories"),
        (rule(name={"en": "no zh"}), "name"),
        (rule(colour="red"), "colour"),
        ({"key": "x", "start": "03-01", "end": "03-02", "categories": ["dust"]}, "name"),
    ],
)
def test_rule_errors_name_key_and_field(raw: dict, field: str) -> None:
    with pytest.raises(WindowConfigError) as info:
        load_rules(only(raw))
    assert "'x'" in str(info.value) and f"'{field}'" in str(info.value)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"windows": {"disable": ["nope"]}}, "nope"),
        ({"windows": {"rules": []}}, "unknown key"),
        ({"windows": {"defaults": "no"}}, "defaults"),
        ({"windows": []}, "table"),
        ({"windows": {"rule": [{"key": "a b"}]}}, "key"),
        (only(rule(), rule()), "twice"),
    ],
)
def test_section_errors(config: dict, message: str) -> None:
    with pytest.raises(WindowConfigError, match=message):
        load_rules(config)


def test_resolve_year_range() -> None:
    with pytest.raises(ValueError):
        resolve(default_rules(), 1900)
    assert resolve(default_rules(), 2099)


def test_window_helpers() -> None:
    w = by_key(2027)["chuxi_night"]
    assert w.contains(at(2027, 2, 5, 18)) and not w.contains(at(2027, 2, 6, 2))
    assert w.to_dict()["start"] == "2027-02-05T18:00:00+08:00"
    assert w.to_dict()["categories"] == ["burning", "fireworks"]


def test_warm_resolves_every_year_a_lookup_around_the_moment_needs() -> None:
    from schedules.windows import _resolve_rule, warm

    rules = default_rules()
    new_year = at(2027, 1, 1, 0, 30)
    _resolve_rule.cache_clear()
    warm(rules, new_year)
    computed = _resolve_rule.cache_info().misses
    assert computed > 0
    active_windows(rules, new_year)
    upcoming(rules, new_year, timedelta(days=365))
    assert _resolve_rule.cache_info().misses == computed  # nothing left to compute
