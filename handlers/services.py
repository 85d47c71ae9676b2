"""What handlers reach through the PTB context: database, clock, settings, grid catalogue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from telegram.ext import ContextTypes

from bot.settings import Settings
from dispatch.cases import DEFAULT_DEDUP, DedupRule
from dispatch.catalog import GridCatalog
from dispatch.clock import Clock
from dispatch.intake import IntakeRules
from dispatch.sla import SlaRules
from schedules.calendar import WorkCalendar
from schedules.windows import WindowRule, default_rules
from storage.db import Database


def _nothing() -> None:
    return None


@dataclass
class Services:
    """Process-wide collaborators, built once by the runtime and shared by all handlers."""

    settings: Settings
    db: Database
    clock: Clock
    intake: IntakeRules = field(default_factory=IntakeRules)
    sla: SlaRules = field(default_factory=SlaRules)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    windows: list[WindowRule] = field(default_factory=default_rules)
    dedup: dict[str, DedupRule] = field(default_factory=lambda: dict(DEFAULT_DEDUP))
    # Years the calendar had to guess (Mon–Fri) and the admins were not told about yet.
    missing_years: set[int] = field(default_factory=set)
    # Swapped as a whole when grids are re-imported (see dispatch.catalog).
    catalog: GridCatalog = field(default_factory=GridCatalog.empty)
    # Called after a transaction queued outbox rows, so delivery starts at once.
    wake_outbox: Callable[[], None] = _nothing
    # Recent /lang choices: user id → (valid until, monotonic clock; language or None).
    languages: dict[int, tuple[float, str | None]] = field(default_factory=dict)
    # Salt of residents' pseudonyms (anonymous ids); stable per deployment.
    salt: str = "lantian"


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The `Services` of the running application."""
    return context.application.bot_data["services"]
