"""Route a private message to whatever the bot is waiting for from its sender.

Patrol members answer "share your location" (到场, /checkin) or "send an after photo or a
note" (办结) in the same private chat residents report in. Before the residents' intake
handles a location, photo or text, `route` checks the sender's pending action and hands the
message to the handler registered for its kind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from dispatch.pending import get_pending
from handlers.services import services

PendingHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, dict[str, Any]], Awaitable[bool]]
_HANDLERS: dict[str, PendingHandler] = {}


def register(kind: str, handler: PendingHandler) -> None:
    """`handler(update, context, pending)` takes messages while `kind` is pending; it returns
    False to let the message go on to the residents' intake instead."""
    _HANDLERS[kind] = handler


async def route(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True when a pending action took the message."""
    user = update.effective_user
    if user is None:
        return False
    svc = services(context)
    async with svc.db.sessions() as session:
        pending = await get_pending(session, user.id, svc.clock.now())
    if pending is None:
        return False
    handler = _HANDLERS.get(pending.get("kind", ""))
    return bool(handler and await handler(update, context, pending))
