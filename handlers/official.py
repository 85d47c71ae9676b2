"""Officials' commands in bound group chats and private chats (/status, /bind, …).

Filled in by the officials capability (issue 7); `register` is called by bot/app.py before
the residents' catch-all handlers.
"""

from __future__ import annotations

from telegram.ext import Application


def register(application: Application) -> None:
    """Attach the officials' handlers."""
