"""The arguments of /status, /overdue, /export and /bulletin: a grid, a period, `chart`.

Words may come in any order: `chart`/`图表` asks for the chart, a word that reads as a
period (`dispatch.figures_period`) is the period, and whatever is left names a grid (code,
name, or the beginning of a name) inside what the chat may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dispatch.access import find_grid
from dispatch.figures_period import Period, PeriodError, is_period, parse_period
from dispatch.figures_scope import Scope, scope_for
from dispatch.routing import Router

CHART_WORDS = {"chart", "图表", "图"}


@dataclass(frozen=True)
class FigureRequest:
    """A resolved request, or an error key with the word that caused it."""

    scope: Scope | None = None
    period: Period | None = None
    chart: bool = False
    error: str | None = None  # unknown_grid | outside_scope | bad_period
    word: str = ""


def parse_request(words: list[str], router: Router, allowed: list[int], today: date,
                  default_period: str = "today") -> FigureRequest:
    """Resolve the words of a command against the grids the chat may see."""
    chart = False
    period_word: str | None = None
    grid_words: list[str] = []
    for word in (w.strip() for w in words):
        if not word:
            continue
        if word.lower() in CHART_WORDS:
            chart = True
        elif period_word is None and is_period(word):
            period_word = word
        else:
            grid_words.append(word)
    try:
        period = parse_period(period_word or default_period, today)
    except PeriodError:
        return FigureRequest(error="bad_period", word=period_word or "")
    roots = list(allowed)
    if grid_words:
        text = " ".join(grid_words)
        node = find_grid(router, text, allowed)
        if node is None:
            if len(grid_words) == 1 and _looks_like_period(text):
                return FigureRequest(error="bad_period", word=text)
            outside = router.by_code(text) is not None or find_grid(
                router, text, [router.root.id] if router.root else []) is not None
            return FigureRequest(error="outside_scope" if outside else "unknown_grid", word=text)
        roots = [node.id]
    return FigureRequest(scope_for(router, roots), period, chart)


def _looks_like_period(text: str) -> bool:
    return text[:1].isdigit() and ("-" in text or ".." in text)
