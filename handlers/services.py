"""What handlers reach through the PTB context: the database, clock and settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import ContextTypes

from bot.settings import Settings
from dispatch.clock import Clock
from storage.db import Database


@dataclass
class Services:
    """Process-wide collaborators, built once by the runtime and shared by all handlers."""

    settings: Settings
    db: Database
    clock: Clock
    # Swappable references (e.g. the NLP gazetteer, rebuilt when grids are re-imported).
    extras: dict[str, Any] = field(default_factory=dict)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The `Services` of the running application."""
    return context.application.bot_data["services"]
