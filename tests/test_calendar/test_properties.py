"""Property tests: resolved windows are always well-formed, for the defaults and for
random rules, in every supported year."""

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from schedules.calendar import MAX_YEAR, MIN_YEAR, TZ
from schedules.windows import active_windows, default_rules, load_rules, resolve

YEARS = st.integers(min_value=MIN_YEAR, max_value=MAX_YEAR)
DEFAULTS = default_rules()
ONCE_A_YEAR = {r.key for r in DEFAULTS} - {"layue_smoking"}


@settings(max_examples=120, deadline=None)
@given(YEARS)
def test_defaults_never_end_before_they_start(year: int) -> None:
    windows = resolve(DEFAULTS, year)
    for w in windows:
        assert w.start.year == year and w.start.tzinfo is TZ
        assert w.end > w.start
        assert w.end - w.start < timedelta(days=100)
    keys = [w.key for w in windows]
    for key in ONCE_A_YEAR:
        assert keys.count(key) == 1, (year, key)
    assert keys.count("layue_smoking") <= 2


@settings(max_examples=60, deadline=None)
@given(YEARS)
def test_chuxi_night_ends_on_spring_festival(year: int) -> None:
    w = {w.key: w for w in resolve(DEFAULTS, year)}
    night, festival = w["chuxi_night"], w["spring_festival"]
    assert night.end == festival.start + timedelta(hours=2)
    assert night.start == festival.start - timedelta(hours=6)


_MAX_DAY = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_day(lunar: bool) -> st.SearchStrategy[str]:
    def days(month: int) -> st.SearchStrategy[str]:
        top = 30 if lunar else _MAX_DAY[month - 1]
        day = st.one_of(st.integers(1, top).map(lambda d: f"{d:02d}"), st.just("last"))
        return day.map(lambda d: f"{'lunar ' if lunar else ''}{month:02d}-{d}")

    return st.integers(1, 12).flatmap(days)


def _expr() -> st.SearchStrategy[str]:
    term = st.sampled_from(["term 清明", "term dongzhi", "term 小寒", "term lichun"])
    base = st.one_of(_month_day(False), _month_day(True), term)
    offset = st.one_of(st.just(""), st.integers(-30, 30).map(lambda n: f" {n:+d}d"))
    minutes = st.integers(0, 23 * 60 + 59)
    hhmm = st.one_of(st.just(""), minutes.map(lambda m: f" {m // 60:02d}:{m % 60:02d}"))
    return st.builds(lambda b, o, t: b + o + t, base, offset, hhmm)


@settings(max_examples=200, deadline=None)
@given(_expr(), _expr(), st.integers(min_value=MIN_YEAR + 2, max_value=MAX_YEAR - 1))
def test_random_rules_are_well_formed(start: str, end: str, year: int) -> None:
    rule = {"key": "r", "name": "r", "start": start, "end": end, "categories": ["dust"]}
    rules = load_rules({"windows": {"defaults": False, "rule": [rule]}})
    for w in resolve(rules, year):
        assert w.start.year == year
        assert timedelta(0) < w.end - w.start <= timedelta(days=400)
        assert w in active_windows(rules, w.start)
        assert w in active_windows(rules, w.end - timedelta(minutes=1))
        assert w not in active_windows(rules, w.end)
