"""Route a private message to whatever the bot is waiting for from its sender.

Patrol members answer "share your location" (到场, /checkin) or "send an after photo or a
note" (办结) in the same private chat residents report in. Before the residents' intake
handles a location, photo or text, it reads the sender's pending action (in the same
transaction as the draft, see `handlers.resident`) and `take` hands the message to the
handler registered for its kind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

PendingHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, dict[str, Any]], Awaitable[bool]]
_HANDLERS: dict[str, PendingHandler] = {}


def register(kind: str, handler: PendingHandler) -> None:
    """`handler(update, context, pending)` takes messages while `kind` is pending; it returns
    False to let the message go on to the residents' intake instead."""
    _HANDLERS[kind] = handler


async def take(update: Update, context: ContextTypes.DEFAULT_TYPE,
               waiting: dict[str, Any]) -> bool:
    """Hand the message to the handler of `waiting` (the sender's live pending action, read
    by the caller in its own transaction); True when that handler took it."""
    handler = _HANDLERS.get(waiting.get("kind", ""))
    return bool(handler and await handler(update, context, waiting))
