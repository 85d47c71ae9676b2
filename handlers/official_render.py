"""Render officials' figures as short texts readable on a phone (catalogue texts only)."""

from __future__ import annotations

from datetime import date, datetime

from dispatch.clock import to_local
from dispatch.figures import Line, OverdueCase, StatusFigures, share
from dispatch.figures_daily import ChartLabels
from dispatch.figures_period import Period, local_day
from dispatch.figures_scope import Scope
from dispatch.routing import Router
from handlers.i18n import t

MAX_UNITS = 12
MESSAGE_LIMIT = 3900
CATEGORIES = ("burning", "fireworks", "dust", "other")


def pct(lang: str, part: int, whole: int) -> str:
    """`80%`, or a dash when there is nothing to divide."""
    value = share(part, whole)
    return f"{round(100 * value)}%" if value is not None else t(lang, "status.dash")


def delta(now: int, before: int) -> str:
    """`+3`, `−2` or `±0`."""
    change = now - before
    return f"+{change}" if change > 0 else (f"−{-change}" if change < 0 else "±0")


def duration(lang: str, seconds: float | None) -> str:
    """A duration in the largest sensible units."""
    if seconds is None:
        return t(lang, "status.dash")
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return t(lang, "status.seconds", value=seconds)
    minutes = seconds // 60
    if minutes < 60:
        return t(lang, "status.minutes", value=minutes)
    if minutes < 24 * 60:
        return t(lang, "status.hours", hours=minutes // 60, minutes=minutes % 60)
    return t(lang, "status.days", days=minutes // 1440, hours=minutes % 1440 // 60)


def day_text(lang: str, day: date) -> str:
    """A local date."""
    return t(lang, "status.date", month=day.month, day=day.day)


def period_text(lang: str, period: Period, now: datetime) -> str:
    """A period's name: today, this week, 2026年11月, 2026年第4季度, a range."""
    if period.kind == "day":
        key = "status.period.today" if period.first == local_day(now) else "status.period.day"
        return t(lang, key, date=day_text(lang, period.first))
    if period.kind == "month":
        return t(lang, "status.period.month", year=period.first.year, month=period.first.month)
    if period.kind == "quarter":
        return t(lang, "status.period.quarter", year=period.first.year,
                 quarter=(period.first.month - 1) // 3 + 1)
    if period.kind == "year":
        return t(lang, "status.period.year", year=period.first.year)
    key = "status.period.week" if period.kind == "week" else "status.period.range"
    return t(lang, key, first=day_text(lang, period.first), last=day_text(lang, period.last))


def time_text(now: datetime) -> str:
    """Local `YYYY-MM-DD HH:MM`."""
    return f"{to_local(now):%Y-%m-%d %H:%M}"


def grid_name(router: Router, grid_id: int | None) -> str:
    """The grid's name, or a dash."""
    node = router.get(grid_id)
    return node.name if node else "—"


def sla_lines(lang: str, line: Line, median_ack: float | None,
              median_arrive: float | None) -> list[str]:
    """The response-time block."""
    return [
        t(lang, "status.sla_title"),
        t(lang, "status.ack", ok=line.ack_in_time, due=line.ack_due,
          pct=pct(lang, line.ack_in_time, line.ack_due)),
        t(lang, "status.on_site", ok=line.on_site_in_time, due=line.on_site_due,
          pct=pct(lang, line.on_site_in_time, line.on_site_due)),
        t(lang, "status.on_site_split", work_ok=line.on_site_in_time_work,
          work_due=line.on_site_due_work,
          work_pct=pct(lang, line.on_site_in_time_work, line.on_site_due_work),
          off_ok=line.on_site_in_time_off, off_due=line.on_site_due_off,
          off_pct=pct(lang, line.on_site_in_time_off, line.on_site_due_off)),
        t(lang, "status.medians", ack=duration(lang, median_ack),
          arrive=duration(lang, median_arrive)),
    ]


def people_lines(lang: str, line: Line) -> list[str]:
    """Satisfaction, reopened cases and attendance."""
    attendance = (t(lang, "status.attendance", attended=line.attended_shifts,
                    expected=line.expected_shifts,
                    pct=pct(lang, line.attended_shifts, line.expected_shifts))
                  if line.expected_shifts else t(lang, "status.attendance_none"))
    return [t(lang, "status.satisfaction", ok=line.satisfied, rated=line.rated,
              pct=pct(lang, line.satisfied, line.rated), reopened=line.reopened), attendance]


def render_status(lang: str, figures: StatusFigures, router: Router) -> str:
    """The /status answer: one message (see docs/officials.md for every figure)."""
    current, previous, total = figures.current, figures.previous, figures.total
    out = [t(lang, "status.title", scope=figures.scope.title,
             period=period_text(lang, figures.period, figures.now),
             time=time_text(figures.now)), ""]
    if current.total or previous.total:
        groups = {g: current.by_group.get(g, 0)
                  for g in ("waiting", "acked", "on_site", "resolved", "unfounded")}
        out.append(t(lang, "status.cases", total=current.total,
                     delta=delta(current.total, previous.total)))
        out.append(t(lang, "status.states", **groups))
        out.append(" · ".join(
            t(lang, "status.category_item", name=t(lang, f"category.{c}"),
              count=current.by_category.get(c, 0),
              delta=delta(current.by_category.get(c, 0), previous.by_category.get(c, 0)))
            for c in CATEGORIES if current.by_category.get(c) or previous.by_category.get(c)))
    else:
        out.append(t(lang, "status.no_cases"))
    out.append("")
    if figures.overdue_count:
        out.append(t(lang, "status.overdue_title", count=figures.overdue_count))
        for item in figures.worst:
            out.append(t(lang, "status.overdue_line", number=item.number,
                         grid=grid_name(router, item.grid_id), late=duration(lang, item.late.total_seconds()),
                         duty="、".join(item.on_duty) or t(lang, "status.nobody")))
        if figures.overdue_count > len(figures.worst):
            out.append(t(lang, "status.overdue_more"))
    else:
        out.append(t(lang, "status.overdue_none"))
    out.append("")
    out.extend(sla_lines(lang, total, figures.median_ack_s, figures.median_arrive_s))
    if len(figures.units) > 1 or (figures.units and figures.units[0][0] not in
                                  {r.id for r in figures.scope.roots}):
        out.append("")
        out.append(t(lang, "status.units_title"))
        for unit_id, line in figures.units[:MAX_UNITS]:
            out.append(t(lang, "status.unit_line", name=grid_name(router, unit_id),
                         cases=line.cases, overdue=line.overdue_now, missed=line.missed,
                         on_site=pct(lang, line.on_site_in_time, line.on_site_due)))
        if len(figures.units) > MAX_UNITS:
            out.append(t(lang, "status.units_more", count=len(figures.units) - MAX_UNITS))
    out.append("")
    out.extend(people_lines(lang, total))
    out.append("")
    out.append(t(lang, "status.hint"))
    return "\n".join(out)


def render_overdue(lang: str, scope: Scope, items: list[OverdueCase], router: Router,
                   now: datetime) -> list[str]:
    """/overdue: every overdue case, split into messages under Telegram's length limit."""
    if not items:
        return [t(lang, "official.overdue_none", scope=scope.title, time=time_text(now))]
    messages: list[str] = []
    current = [t(lang, "official.overdue_title", scope=scope.title, count=len(items),
                 time=time_text(now))]
    size = len(current[0])
    for index, item in enumerate(items, 1):
        line = t(lang, "official.overdue_line", index=index, number=item.number,
                 grid=grid_name(router, item.grid_id),
                 category=t(lang, f"category.{item.category}"),
                 state=t(lang, f"state.{item.state}"),
                 late=duration(lang, item.late.total_seconds()),
                 duty="、".join(item.on_duty) or t(lang, "status.nobody"))
        if size + len(line) + 1 > MESSAGE_LIMIT:
            messages.append("\n".join(current))
            current, size = [t(lang, "official.overdue_continued")], 0
        current.append(line)
        size += len(line) + 1
    messages.append("\n".join(current))
    return messages


def chart_labels(lang: str, scope: Scope) -> ChartLabels:
    """The chart's texts in `lang`."""
    return ChartLabels(title=t(lang, "status.chart_title", scope=scope.title),
                       cases_axis=t(lang, "status.chart_cases"),
                       share_axis=t(lang, "status.chart_share"),
                       share_line=t(lang, "status.chart_share"),
                       categories={c: t(lang, f"category.{c}") for c in CATEGORIES})
