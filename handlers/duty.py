"""Patrol members' own duty: /checkin, /checkout, /duty (issue 6).

`register` is called by bot/app.py before the residents' catch-all handlers.
"""

from __future__ import annotations

from telegram.ext import Application


def register(application: Application) -> None:
    """Attach the check-in handlers."""
