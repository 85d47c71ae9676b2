"""Monthly bulletins and quarterly rankings: compose the texts (and the ranking's XLSX) for
one official chat. Used by the scheduled tick (schedules/bulletins.py) and by /bulletin."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.bulletins import (
    OfficialsConfig,
    Ranked,
    Weights,
    leaf_lines_of,
    rank_lines,
    ranking,
)
from dispatch.exports import collect, write_xlsx
from dispatch.figures import status_figures
from dispatch.figures_period import Period
from dispatch.figures_scope import Scope
from dispatch.routing import Router
from handlers.i18n import t
from handlers.official_render import delta, pct, people_lines, period_text, sla_lines, time_text

SHOWN_BEST = 3
SHOWN_RANKS = 15


@dataclass(frozen=True)
class Composed:
    """A bulletin or ranking ready to send: a text and maybe a file."""

    text: str
    document: Path | None = None
    filename: str | None = None
    caption: str | None = None


def _score(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "—"


def formula(lang: str, weights: Weights) -> str:
    """The score formula with the configured weights, in percent of their sum."""
    total = weights.on_site + weights.overdue + weights.satisfaction + weights.attendance
    parts = {name: round(100 * getattr(weights, name) / total) if total else 0
             for name in ("on_site", "overdue", "satisfaction", "attendance")}
    return t(lang, "bulletin.formula", **parts)


def _highlights(lang: str, ranked: list[Ranked]) -> list[str]:
    scored = [r for r in ranked if r.score is not None]
    if len(scored) < 2:
        return []
    best = scored[:SHOWN_BEST]
    worst = list(reversed(scored[-SHOWN_BEST:]))
    worst = [r for r in worst if r not in best] or worst[:1]

    def items(rows: list[Ranked]) -> str:
        return "、".join(t(lang, "bulletin.rank_item", name=r.grid.name, score=_score(r.score))
                        for r in rows)

    return [t(lang, "bulletin.best", items=items(best)),
            t(lang, "bulletin.worst", items=items(worst))]


async def compose_bulletin(session: AsyncSession, router: Router, scope: Scope, period: Period,
                           now: datetime, config: OfficialsConfig, lang: str) -> Composed:
    """The monthly bulletin: the month so far, the response times, best and worst grids."""
    figures = await status_figures(session, router, scope, period, now, duty=False)
    # The per-grid lines /status computed serve the ranking too (no second pass).
    ranked = rank_lines(scope.leaves, leaf_lines_of(scope, figures.by_grid, figures.attendance),
                        config.weights)
    current, previous = figures.current, figures.previous
    out = [t(lang, "bulletin.title", scope=scope.title, month=period_text(lang, period, now),
             time=time_text(min(now, period.end))), "",
           t(lang, "bulletin.summary", total=current.total, previous=previous.total,
             delta=delta(current.total, previous.total)),
           t(lang, "status.states", **{g: current.by_group.get(g, 0) for g in
                                        ("waiting", "acked", "on_site", "resolved", "unfounded")}),
           " · ".join(t(lang, "status.category_item", name=t(lang, f"category.{c}"),
                        count=current.by_category.get(c, 0),
                        delta=delta(current.by_category.get(c, 0),
                                    previous.by_category.get(c, 0)))
                      for c in ("burning", "fireworks", "dust", "other")), ""]
    out.extend(sla_lines(lang, figures.total, figures.median_ack_s, figures.median_arrive_s))
    out.append("")
    out.extend(people_lines(lang, figures.total))
    highlights = _highlights(lang, ranked)
    if highlights:
        out.append("")
        out.extend(highlights)
        out.append(formula(lang, config.weights))
    return Composed("\n".join(out))


async def compose_ranking(session: AsyncSession, router: Router, scope: Scope, period: Period,
                          now: datetime, config: OfficialsConfig, lang: str,
                          folder: Path, chat_id: int) -> Composed:
    """The quarterly ranking: every leaf grid by score, best and worst highlighted, an XLSX."""
    ranked = await ranking(session, scope, period, now, config.weights)
    quarter = period_text(lang, period, now)
    out = [t(lang, "ranking.title", scope=scope.title, quarter=quarter), ""]
    scored = [r for r in ranked if r.score is not None]
    if scored:
        out.append(t(lang, "ranking.best", name=scored[0].grid.name, score=_score(scored[0].score)))
        if len(scored) > 1:
            out.append(t(lang, "ranking.worst", name=scored[-1].grid.name,
                         score=_score(scored[-1].score)))
        out.append("")
    for item in scored[:SHOWN_RANKS]:
        line = item.line
        out.append(t(lang, "ranking.line", rank=item.rank, name=item.grid.name,
                     score=_score(item.score), cases=line.cases,
                     on_site=pct(lang, line.on_site_in_time, line.on_site_due),
                     missed=line.missed, satisfaction=pct(lang, line.satisfied, line.rated),
                     attendance=pct(lang, line.attended_shifts, line.expected_shifts)))
    if len(scored) > SHOWN_RANKS:
        out.append(t(lang, "ranking.more", count=len(scored)))
    unranked = [r.grid.name for r in ranked if r.score is None]
    if unranked:
        out.append(t(lang, "ranking.unranked", names="、".join(unranked)))
    out.append("")
    out.append(formula(lang, config.weights))
    codes = "-".join(root.code for root in scope.roots)
    path = folder / f"ranking-{period.key()}-{chat_id}.xlsx"
    data = await collect(session, router, scope, period, now, lambda key: t(lang, key),
                         config.weights)
    await asyncio.to_thread(write_xlsx, data, path, lambda key: t(lang, key))
    return Composed("\n".join(out), path, f"lantian-ranking-{codes}-{period.key()}.xlsx",
                    t(lang, "ranking.caption", scope=scope.title, quarter=quarter))
