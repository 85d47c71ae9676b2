"""What reminders are due when: pure rules over windows, the roster and a moment.

Five kinds, each due at one moment (``at``) and recorded under a key that never repeats:

- ``pre``: a patrol chat is told ``lead`` before a window opens;
- ``public``: subscribers are told on the days ``public_days`` before a window (0 = the
  day it opens) at ``public_time``, while it has not opened yet; windows due at the same
  moment go out as one message;
- ``shift``: on each day of a window, at each shift start of the grid's roster, the patrol
  chat is told who starts and who is on duty;
- ``peak``: during ``high`` windows, at each of ``peak_times``;
- ``missed``: ``checkin_grace`` after a shift reminder, members who did not check in are
  reported to the grid's leaders.

An item is due when ``now - grace <= at <= now``: the scheduler's tick asks every 30 s or
so, and after a restart the items missed within the grace still go out. A window that
lies within another window of at least its level covering all its categories (腊月 inside
the ban season) is "covered" and gets no notices of its own; shift and peak reminders name
the highest-level, most recently opened window in force at that moment, and go only to
grids with patrol members of their own (pre-window notices go to every patrol chat).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dispatch.clock import LOCAL_TZ, to_local
from dispatch.shifts import ShiftSpec
from schedules.windows import LEVELS, MAX_YEAR, MIN_YEAR, Window, WindowRule, resolve

KINDS = ("pre", "public", "shift", "peak", "missed")


@dataclass(frozen=True)
class ReminderRules:
    """When reminders are due (the ``[reminders]`` settings other than texts)."""

    lead: timedelta = timedelta(days=1)
    grace: timedelta = timedelta(hours=2)
    peak_times: tuple[time, ...] = (time(18, 0), time(21, 0), time(23, 30))
    checkin_grace: timedelta = timedelta(minutes=30)
    checkin_early: timedelta = timedelta(hours=1)
    public_days: tuple[int, ...] = (1, 0)
    public_time: time = time(15, 0)
    public_levels: frozenset[str] = frozenset(LEVELS)
    shift_levels: frozenset[str] = frozenset(LEVELS)
    skip: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RosterMember:
    """A patrol member of a grid, with the shifts that put them on duty."""

    person_id: int
    telegram_id: int
    name: str
    language: str | None
    specs: tuple[ShiftSpec, ...] = ()
    always_on_call: bool = False


@dataclass(frozen=True)
class PatrolGrid:
    """A grid that has a patrol chat, and its patrol members."""

    grid_id: int
    code: str
    name: str
    chat_id: int
    members: tuple[RosterMember, ...] = ()


@dataclass(frozen=True)
class Due:
    """One reminder due now; ``grid`` is None for public notices (they go to subscribers)."""

    kind: str
    window: Window
    at: datetime
    grid: PatrolGrid | None = None
    members: tuple[RosterMember, ...] = ()
    windows: tuple[Window, ...] = ()  # public: every window announced (window = the first)

    @property
    def day(self) -> date:
        """The local day the reminder belongs to (part of its key)."""
        return to_local(self.at).date()

    @property
    def hhmm(self) -> str:
        """The local time of day it is due, ``HH:MM``."""
        return f"{to_local(self.at):%H:%M}"

    def key(self, chat_id: int) -> str:
        """The outbox dedup key for this reminder to `chat_id` (never sent twice)."""
        return reminder_key(self.kind, self.window.key, self.day, chat_id, self.hhmm,
                            self.grid.grid_id if self.kind == "missed" and self.grid else None)


def reminder_key(kind: str, window_key: str, day: date, chat_id: int, hhmm: str | None = None,
                 grid_id: int | None = None) -> str:
    """``remind:{window}:{day}:{chat}:{kind}[:{HH:MM}][:{grid}]`` (shift, peak and missed
    carry the time; missed also the grid, as one leader may answer for several grids)."""
    key = f"remind:{window_key}:{day.isoformat()}:{chat_id}:{kind}"
    if kind in ("shift", "peak", "missed") and hhmm:
        key += f":{hhmm}"
    if grid_id is not None:
        key += f":{grid_id}"
    return key


# ----------------------------------------------------------------------------- windows
def windows_near(rules: Sequence[WindowRule], moment: datetime) -> list[Window]:
    """Windows that may matter around `moment`: started in the two previous years up to
    the next one (resolving is cached per rule and year)."""
    year = to_local(moment).year
    years = range(max(year - 2, MIN_YEAR), min(year + 1, MAX_YEAR) + 1)
    return sorted((w for y in years for w in resolve(list(rules), y)),
                  key=lambda w: (w.start, w.end, w.key))


def _rank(level: str) -> int:
    return LEVELS.index(level)


def covered(window: Window, windows: Iterable[Window]) -> bool:
    """True when `window` lies within another window of at least its level that covers
    all its categories (it then gets no notices of its own)."""
    for other in windows:
        if other.key == window.key or not other.start <= window.start <= window.end <= other.end:
            continue
        if _rank(other.level) < _rank(window.level) or not window.categories <= other.categories:
            continue
        if other.start < window.start or _rank(other.level) > _rank(window.level):
            return True
    return False


def primary_window(windows: Iterable[Window], moment: datetime,
                   levels: frozenset[str] = frozenset(LEVELS),
                   skip: frozenset[str] = frozenset()) -> Window | None:
    """The window in force at `moment` that a reminder is named after: the highest level,
    then the one opened last (the most specific), among `levels`."""
    active = [w for w in windows if w.contains(moment) and w.level in levels
              and w.key not in skip]
    if not active:
        return None
    return max(active, key=lambda w: (_rank(w.level), w.start, w.key))


def _in_range(at: datetime, now: datetime, grace: timedelta) -> bool:
    return now - grace <= at <= now


def _local_days(start: datetime, end: datetime) -> list[date]:
    first, last = to_local(start).date(), to_local(end).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _at(day: date, clock: time | int) -> datetime:
    """The local moment of `day` at a time of day (or minute of the day)."""
    minute = clock if isinstance(clock, int) else clock.hour * 60 + clock.minute
    return datetime.combine(day, time(0), LOCAL_TZ) + timedelta(minutes=minute)


# ----------------------------------------------------------------------------- due items
def due_pre_window(windows: Sequence[Window], grids: Sequence[PatrolGrid], now: datetime,
                   rules: ReminderRules) -> list[Due]:
    """Notices to patrol chats `lead` before a window opens (while it has not opened)."""
    due = []
    for window in windows:
        at = window.start - rules.lead
        if window.key in rules.skip or not _in_range(at, now, rules.grace):
            continue
        if (rules.lead and now >= window.start) or covered(window, windows):
            continue
        due += [Due("pre", window, at, grid) for grid in grids]
    return due


def public_items(windows: Sequence[Window], moment: datetime,
                 rules: ReminderRules) -> list[Window]:
    """Windows a public notice at `moment` announces (not yet open, not covered)."""
    day = to_local(moment).date()
    found = []
    for window in windows:
        if window.key in rules.skip or window.level not in rules.public_levels:
            continue
        ahead = (to_local(window.start).date() - day).days
        if ahead in rules.public_days and moment < window.start and not covered(window, windows):
            found.append(window)
    return found


def due_public(windows: Sequence[Window], now: datetime, rules: ReminderRules) -> list[Due]:
    """Public notices for subscribers, one per notice moment, naming every window it
    announces that has not opened by `now`."""
    due = []
    for day in _local_days(now - rules.grace, now):
        at = _at(day, rules.public_time)
        if not _in_range(at, now, rules.grace):
            continue
        announced = public_items(windows, at, rules)
        still_ahead = tuple(w for w in announced if now < w.start)
        if still_ahead:
            due.append(Due("public", announced[0], at, windows=still_ahead))
    return due


@dataclass(frozen=True)
class ShiftStart:
    """Members of a grid whose shifts start at one moment."""

    grid: PatrolGrid
    at: datetime
    members: tuple[RosterMember, ...] = field(default_factory=tuple)


def shift_starts(grids: Sequence[PatrolGrid], since: datetime, until: datetime) -> list[ShiftStart]:
    """Shift starts in `[since, until]`, grouped per grid and moment."""
    found: list[ShiftStart] = []
    for grid in grids:
        by_moment: dict[datetime, list[RosterMember]] = {}
        for day in _local_days(since, until):
            for member in grid.members:
                for spec in member.specs:
                    at = _at(day, spec.start_minute)
                    if spec.starts_on(day) and since <= at <= until:
                        group = by_moment.setdefault(at, [])
                        if member not in group:
                            group.append(member)
        found += [ShiftStart(grid, at, tuple(members))
                  for at, members in sorted(by_moment.items())]
    return found


def due_shift_starts(windows: Sequence[Window], grids: Sequence[PatrolGrid], now: datetime,
                     rules: ReminderRules) -> list[Due]:
    """Start-of-shift reminders on the days of a window."""
    due = []
    for start in shift_starts(grids, now - rules.grace, now):
        window = primary_window(windows, start.at, rules.shift_levels, rules.skip)
        if window is not None:
            due.append(Due("shift", window, start.at, start.grid, start.members))
    return due


def due_peaks(windows: Sequence[Window], grids: Sequence[PatrolGrid], now: datetime,
              rules: ReminderRules) -> list[Due]:
    """Peak-hour reminders during `high` windows."""
    due = []
    for day in _local_days(now - rules.grace, now):
        for clock in rules.peak_times:
            at = _at(day, clock)
            if not _in_range(at, now, rules.grace):
                continue
            window = primary_window(windows, at, frozenset({"high"}), rules.skip)
            if window is not None:
                due += [Due("peak", window, at, grid) for grid in grids if grid.members]
    return due


def due_missed_checks(windows: Sequence[Window], grids: Sequence[PatrolGrid], now: datetime,
                      rules: ReminderRules) -> list[Due]:
    """Shift reminders whose check-in deadline (`checkin_grace` after the start) passed
    within the grace: candidates for a missed check-in report. The caller keeps those whose
    shift reminder was really sent and whose members did not check in."""
    due = []
    since = now - rules.grace - rules.checkin_grace
    for start in shift_starts(grids, since, now - rules.checkin_grace):
        window = primary_window(windows, start.at, rules.shift_levels, rules.skip)
        if window is not None:
            due.append(Due("missed", window, start.at, start.grid, start.members))
    return due


def due_all(rule_set: Sequence[WindowRule], grids: Sequence[PatrolGrid], now: datetime,
            rules: ReminderRules) -> list[Due]:
    """Every reminder due at `now` (missed check-in candidates included)."""
    windows = windows_near(rule_set, now)
    return [*due_pre_window(windows, grids, now, rules), *due_public(windows, now, rules),
            *due_shift_starts(windows, grids, now, rules), *due_peaks(windows, grids, now, rules),
            *due_missed_checks(windows, grids, now, rules)]


def next_shift_starts(specs: Iterable[ShiftSpec], now: datetime, count: int = 3,
                      horizon_days: int = 14) -> list[tuple[datetime, ShiftSpec]]:
    """The next `count` shift starts after `now` (local datetimes), within `horizon_days`."""
    specs = list(specs)
    found = []
    today = to_local(now).date()
    for offset in range(horizon_days + 1):
        day = today + timedelta(days=offset)
        for spec in sorted(specs, key=lambda s: s.start_minute):
            at = _at(day, spec.start_minute)
            if spec.starts_on(day) and at > now:
                found.append((at, spec))
        if len(found) >= count:
            break
    return sorted(found, key=lambda item: item[0])[:count]
