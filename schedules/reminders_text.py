"""Render reminders from the ``[reminders.texts.*]`` templates (Asia/Shanghai times)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta

from dispatch.clock import to_local
from dispatch.reminders import Due
from schedules.windows import Window

CATEGORY_ORDER = ("fireworks", "burning", "dust")
EVENING = 18  # from this hour on, "today"/"tomorrow" read "tonight"/"tomorrow night"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Texts = Mapping[str, Mapping[str, str]]


class Renderer:
    """Texts of one language."""

    def __init__(self, texts: Texts, lang: str) -> None:
        self.lang = lang if lang in texts else "zh"
        self.texts = texts[self.lang]

    def text(self, key: str, **values: object) -> str:
        """The template `key` filled in."""
        return self.texts[key].format(**values)

    def date(self, day: date) -> str:
        """A date without the year, e.g. 2月5日 / Feb 5."""
        return self.text("date", month=day.month, day=day.day, month_name=_MONTHS[day.month - 1])

    def moment(self, moment: datetime) -> str:
        """Date and time; midnight shows the date only."""
        local = to_local(moment)
        clock = "" if (local.hour, local.minute) == (0, 0) else f" {local:%H:%M}"
        return f"{self.date(local.date())}{clock}"

    def end(self, moment: datetime) -> str:
        """A window's end; an end at midnight shows as 24:00 of the day before."""
        local = to_local(moment)
        if (local.hour, local.minute) == (0, 0):
            return f"{self.date(local.date() - timedelta(days=1))} 24:00"
        return f"{self.date(local.date())} {local:%H:%M}"

    def when(self, moment: datetime, today: date) -> str:
        """`moment` relative to `today`: today 08:00 / tonight 18:00 / tomorrow / Feb 5 18:00."""
        local = to_local(moment)
        clock = "" if (local.hour, local.minute) == (0, 0) else f" {local:%H:%M}"
        ahead = (local.date() - today).days
        night = "_night" if local.hour >= EVENING else ""
        if ahead == 0:
            return self.text("when_tonight" if night else "when_today", time=clock)
        if ahead == 1:
            return self.text(f"when_tomorrow{night}", time=clock)
        return self.text("when_date", date=self.date(local.date()), time=clock)

    def window(self, window: Window) -> str:
        """The window's name in this language."""
        return window.name_en if self.lang == "en" else window.name_zh

    def level(self, level: str) -> str:
        """normal / high in words."""
        return self.text(f"level_{level}")

    def categories(self, categories: Iterable[str]) -> str:
        """The categories as a list of what to watch for / what is banned."""
        wanted = set(categories)
        return self.join(self.text(f"category_{c}") for c in CATEGORY_ORDER if c in wanted)

    def join(self, items: Iterable[str]) -> str:
        """Items joined with the language's separator, or the "nobody" word."""
        items = [item for item in items if item]
        return self.text("list_sep").join(items) if items else self.text("nobody")


def pre_window(r: Renderer, due: Due, now: datetime) -> str:
    """The patrol chat's notice before a window opens."""
    window = due.window
    return r.text("pre_window", window=r.window(window), level=r.level(window.level),
                  when=r.when(window.start, to_local(now).date()), start=r.moment(window.start),
                  end=r.end(window.end), grid=due.grid.name if due.grid else "",
                  focus=r.categories(window.categories))


def shift_start(r: Renderer, due: Due, on_duty: Sequence[str]) -> str:
    """The start-of-shift reminder naming who starts and who is on duty."""
    key = "shift_start_high" if due.window.level == "high" else "shift_start"
    return r.text(key, window=r.window(due.window), level=r.level(due.window.level),
                  grid=due.grid.name if due.grid else "", time=due.hhmm,
                  starting=r.join(m.name for m in due.members), on_duty=r.join(on_duty))


def peak(r: Renderer, due: Due, on_duty: Sequence[str]) -> str:
    """The peak-hour reminder of a high window."""
    return r.text("peak", window=r.window(due.window), level=r.level(due.window.level),
                  grid=due.grid.name if due.grid else "", time=due.hhmm, on_duty=r.join(on_duty))


def missed_checkin(r: Renderer, due: Due, members: Sequence[str], minutes: int) -> str:
    """The leader's report of members who did not check in."""
    return r.text("missed_checkin", window=r.window(due.window),
                  grid=due.grid.name if due.grid else "", time=due.hhmm,
                  members=r.join(members), minutes=minutes)


def public(r: Renderer, due: Due, grid_names: Sequence[str]) -> str:
    """The residents' ban notice naming their grids and the windows ahead."""
    today = to_local(due.at).date()
    items = [r.text("public_item", when=r.when(w.start, today), window=r.window(w),
                    level=r.level(w.level)) for w in due.windows]
    categories = {c for w in due.windows for c in w.categories}
    return r.text("public", grids=r.join(grid_names), windows=r.text("item_sep").join(items),
                  bans=r.categories(categories))


def for_group(texts: Texts, languages: Sequence[str], render) -> str:
    """A group message: `render(renderer)` in each of `languages`, one paragraph each."""
    return "\n\n".join(render(Renderer(texts, lang)) for lang in languages)
