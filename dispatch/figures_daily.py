"""Per-day series for the /status chart: cases per local day by category, and the share of
cases on site in time per day. Days are bucketed in SQL (`figures_sql.local_day_number`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch import figures_sql as q
from dispatch.figures_period import Period
from dispatch.figures_scope import Scope
from storage.models import Case

EPOCH = date(1970, 1, 1)
CHART_MIN_DAYS = 14


@dataclass
class DailySeries:
    """Days of the chart with cases per category and the on-site-in-time share."""

    days: list[date]
    by_category: dict[str, list[int]] = field(default_factory=dict)
    on_site_share: list[float | None] = field(default_factory=list)


@dataclass(frozen=True)
class ChartLabels:
    """Texts of the chart, from the catalogue of the reader's language."""

    title: str
    cases_axis: str
    share_axis: str
    share_line: str
    categories: dict[str, str]


def chart_period(period: Period) -> Period:
    """The days a chart of `period` shows: the period, or the last 14 days up to its end when
    it is shorter (one bar per day says little)."""
    if period.days >= CHART_MIN_DAYS:
        return period
    return Period("range", period.last - timedelta(days=CHART_MIN_DAYS - 1), period.last)


async def daily_series(session: AsyncSession, scope: Scope, period: Period,
                       now: datetime) -> DailySeries:
    """Cases per day and category, and the on-site-in-time share per day, over `period`."""
    dialect = session.bind.dialect.name
    day = q.local_day_number(dialect, Case.created_at).label("day")
    base = (select(day, Case.category, func.count(Case.id),
                   q.count_if(q.on_site_due(now)),
                   q.count_if(q.on_site_due(now) & q.on_site_in_time()))
            .where(q.in_scope(scope.id_list()), Case.created_at >= period.start,
                   Case.created_at < period.end)
            .group_by(day, Case.category))
    days = period.day_list()
    index = {(d - EPOCH).days: i for i, d in enumerate(days)}
    series = DailySeries(days)
    due = [0] * len(days)
    in_time = [0] * len(days)
    for number, category, cases, on_site_due, on_site_ok in (await session.execute(base)).all():
        position = index.get(int(number))
        if position is None:
            continue
        series.by_category.setdefault(category, [0] * len(days))[position] += cases
        due[position] += on_site_due
        in_time[position] += on_site_ok
    series.on_site_share = [ok / whole if whole else None for ok, whole in zip(in_time, due,
                                                                               strict=True)]
    return series
