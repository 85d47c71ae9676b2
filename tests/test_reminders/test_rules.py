"""What is due when: the pure rules of dispatch/reminders.py, no Telegram, no database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatch.reminders import (
    PatrolGrid,
    ReminderRules,
    RosterMember,
    covered,
    due_all,
    due_missed_checks,
    due_peaks,
    due_pre_window,
    due_public,
    due_shift_starts,
    next_shift_starts,
    primary_window,
    public_items,
    reminder_key,
    windows_near,
)
from dispatch.shifts import parse_shifts
from schedules.windows import default_rules

SH = ZoneInfo("Asia/Shanghai")
RULES = ReminderRules()
WINDOWS = default_rules()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def member(person_id: int, shifts: str, name: str | None = None) -> RosterMember:
    return RosterMember(person_id, 9000 + person_id, name or f"m{person_id}", None,
                        tuple(parse_shifts(shifts)))


GRID = PatrolGrid(1, "g1", "第一网格", -100, (member(1, "daily 08:00-20:00", "甲"),
                                               member(2, "daily 20:00-08:00", "乙")))
EMPTY = PatrolGrid(2, "g2", "社区", -200, ())


def near(moment: datetime):
    return windows_near(WINDOWS, moment)


def test_pre_window_notice_is_due_a_day_ahead_within_the_grace() -> None:
    # 除夕 2027 is 02-05; 除夕夜 opens at 18:00.
    assert due_pre_window(near(local(2027, 2, 4, 17, 59)), [GRID],
                          local(2027, 2, 4, 17, 59), RULES) == []
    [due] = due_pre_window(near(local(2027, 2, 4, 18)), [GRID], local(2027, 2, 4, 18), RULES)
    assert due.window.key == "chuxi_night" and due.grid == GRID
    assert due.key(-100) == "remind:chuxi_night:2027-02-04:-100:pre"
    assert [d.window.key for d in due_pre_window(near(local(2027, 2, 4, 20)), [GRID],
                                                 local(2027, 2, 4, 20), RULES)] == ["chuxi_night"]
    assert due_pre_window(near(local(2027, 2, 4, 20, 1)), [GRID], local(2027, 2, 4, 20, 1),
                          RULES) == []


def test_pre_window_notice_goes_to_every_patrol_chat_even_without_a_roster() -> None:
    moment = local(2027, 2, 4, 18)
    assert [d.grid.code for d in due_pre_window(near(moment), [GRID, EMPTY], moment, RULES)] \
        == ["g1", "g2"]


def test_no_pre_window_notice_once_the_window_opened() -> None:
    rules = ReminderRules(lead=timedelta(hours=1), grace=timedelta(hours=3))
    moment = local(2027, 2, 5, 18, 30)  # lead moment 17:00 within the grace, but open since 18:00
    assert due_pre_window(near(moment), [GRID], moment, rules) == []


def test_windows_inside_a_wider_window_of_their_level_are_covered() -> None:
    windows = near(local(2027, 1, 20))
    by_key = {w.key: w for w in windows if w.start.year == 2027 or w.key == "ban_season"}
    layue = next(w for w in windows if w.key == "layue_smoking" and w.start.year == 2027)
    assert covered(layue, windows)  # 腊月 lies in the ban season, both normal
    spring = next(w for w in windows if w.key == "spring_festival" and w.start.year == 2027)
    assert not covered(spring, windows)  # high, and lasts beyond 除夕夜
    assert not covered(by_key["chuxi_night"], windows)


def test_primary_window_is_the_highest_level_then_the_latest_opened() -> None:
    windows = near(local(2027, 2, 5))
    assert primary_window(windows, local(2027, 2, 5, 12)).key == "layue_smoking"
    assert primary_window(windows, local(2027, 2, 5, 18)).key == "chuxi_night"
    assert primary_window(windows, local(2027, 2, 6, 1)).key == "spring_festival"
    assert primary_window(windows, local(2027, 2, 6, 1), frozenset({"normal"})).key == "ban_season"
    assert primary_window(windows, local(2027, 7, 1)) is None


def test_public_notice_groups_the_windows_ahead_of_that_day() -> None:
    [eve] = due_public(near(local(2027, 2, 5, 15)), local(2027, 2, 5, 15), RULES)
    assert [w.key for w in eve.windows] == ["chuxi_night", "spring_festival"]
    assert eve.key(7) == "remind:chuxi_night:2027-02-05:7:public"
    [before] = due_public(near(local(2027, 2, 4, 16)), local(2027, 2, 4, 16), RULES)
    assert [w.key for w in before.windows] == ["chuxi_night"]
    assert due_public(near(local(2027, 2, 5, 17, 1)), local(2027, 2, 5, 17, 1), RULES) == []


def test_public_notice_names_only_windows_still_ahead_but_keeps_its_key() -> None:
    rules = ReminderRules(public_time=time(17, 0), grace=timedelta(hours=2))
    [late] = due_public(near(local(2027, 2, 5, 18, 30)), local(2027, 2, 5, 18, 30), rules)
    assert [w.key for w in late.windows] == ["spring_festival"]
    assert late.window.key == "chuxi_night"  # the key of the notice sent on time


def test_public_levels_and_skip_filter_windows() -> None:
    moment = local(2027, 2, 5, 15)
    only_normal = ReminderRules(public_levels=frozenset({"normal"}))
    assert public_items(near(moment), moment, only_normal) == []
    skipping = ReminderRules(skip=frozenset({"chuxi_night"}))
    assert [w.key for w in public_items(near(moment), moment, skipping)] == ["spring_festival"]


def test_shift_start_reminders_only_on_window_days() -> None:
    moment = local(2027, 2, 5, 20, 5)
    [due] = due_shift_starts(near(moment), [GRID], moment, RULES)
    assert due.window.key == "chuxi_night" and due.hhmm == "20:00"
    assert [m.name for m in due.members] == ["乙"]
    assert due.key(-100) == "remind:chuxi_night:2027-02-05:-100:shift:20:00"
    summer = local(2027, 7, 10, 8, 5)  # no window in July
    assert due_shift_starts(near(summer), [GRID], summer, RULES) == []


def test_shift_levels_restrict_shift_reminders_to_high_windows() -> None:
    rules = ReminderRules(shift_levels=frozenset({"high"}))
    moment = local(2027, 1, 20, 8, 1)  # ban season and 腊月, both normal
    assert due_shift_starts(near(moment), [GRID], moment, rules) == []
    assert due_shift_starts(near(moment), [GRID], moment, RULES)


def test_peak_reminders_only_in_high_windows_and_for_rostered_grids() -> None:
    moment = local(2027, 2, 5, 20, 0)
    dues = due_peaks(near(moment), [GRID, EMPTY], moment, RULES)
    assert [(d.grid.code, d.hhmm) for d in dues] == [("g1", "18:00")]
    wide = ReminderRules(grace=timedelta(hours=4))
    moment = local(2027, 2, 5, 21, 0)
    assert [d.hhmm for d in due_peaks(near(moment), [GRID], moment, wide)] == ["18:00", "21:00"]
    normal = local(2027, 1, 20, 21, 0)
    assert due_peaks(near(normal), [GRID], normal, RULES) == []


def test_missed_check_candidates_come_checkin_grace_after_the_start() -> None:
    early = local(2027, 2, 5, 20, 29)
    assert due_missed_checks(near(early), [GRID], early, RULES) == []
    moment = local(2027, 2, 5, 20, 30)
    [due] = due_missed_checks(near(moment), [GRID], moment, RULES)
    assert due.kind == "missed" and due.hhmm == "20:00"
    assert due.key(42) == "remind:chuxi_night:2027-02-05:42:missed:20:00:1"


def test_a_shift_crossing_midnight_starts_on_its_first_day() -> None:
    night = PatrolGrid(3, "g3", "夜班", -300, (member(3, "2027-02-05 18:00-02:00"),))
    moment = local(2027, 2, 6, 1, 0)
    assert due_shift_starts(near(moment), [night], moment, RULES) == []
    moment = local(2027, 2, 5, 18, 0)
    assert [d.hhmm for d in due_shift_starts(near(moment), [night], moment, RULES)] == ["18:00"]


def test_due_all_is_stable_between_ticks() -> None:
    first = due_all(WINDOWS, [GRID], local(2027, 2, 5, 20, 5), RULES)
    again = due_all(WINDOWS, [GRID], local(2027, 2, 5, 20, 5, 30), RULES)
    assert {d.key(-100) for d in first} <= {d.key(-100) for d in again}


def test_key_format() -> None:
    assert reminder_key("pre", "qingming", date(2027, 4, 2), -5) == "remind:qingming:2027-04-02:-5:pre"
    assert reminder_key("peak", "w", date(2027, 1, 1), 1, "21:00") == "remind:w:2027-01-01:1:peak:21:00"


def test_next_shift_starts() -> None:
    specs = parse_shifts("mon-fri 08:00-18:00; sat-sun 09:00-17:00")
    starts = next_shift_starts(specs, local(2027, 2, 5, 9, 0), 3)  # Friday
    assert [f"{at:%a %H:%M}" for at, _ in starts] == ["Sat 09:00", "Sun 09:00", "Mon 08:00"]
    assert next_shift_starts([], local(2027, 2, 5), 3) == []
