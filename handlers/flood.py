"""Flood guard: a person sending more than N messages in M seconds is told once to slow down,
and the excess is not processed (drafts and reports already stored are untouched)."""

from __future__ import annotations

import time
from collections import deque

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from handlers.i18n import t
from handlers.people import user_language
from handlers.services import services


class FloodGuard:
    """Sliding-window message counter per user (per process)."""

    def __init__(self, max_messages: int, window_seconds: float) -> None:
        self.max_messages = max_messages
        self.window = window_seconds
        self._seen: dict[int, deque[float]] = {}
        self._warned_until: dict[int, float] = {}

    def check(self, user_id: int, now: float | None = None) -> str:
        """`ok`, `warn` (first excess message of a burst) or `drop`."""
        now = time.monotonic() if now is None else now
        seen = self._seen.setdefault(user_id, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        seen.append(now)
        if len(self._seen) > 10_000:  # forget idle users now and then
            for uid in [u for u, q in self._seen.items() if not q or q[-1] <= now - self.window]:
                self._seen.pop(uid, None)
                self._warned_until.pop(uid, None)
        if len(seen) <= self.max_messages:
            return "ok"
        if self._warned_until.get(user_id, 0) > now:
            return "drop"
        self._warned_until[user_id] = now + self.window
        return "warn"


async def flood_check(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every other handler on private messages."""
    if update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
        return
    if update.effective_user is None or update.callback_query is not None:
        return
    guard: FloodGuard = context.application.bot_data["flood_guard"]
    verdict = guard.check(update.effective_user.id)
    if verdict == "ok":
        return
    if verdict == "warn":
        lang = await user_language(services(context), update.effective_user)
        await context.bot.send_message(update.effective_chat.id,
                                       t(lang, "flood.slow_down", seconds=int(guard.window)))
    raise ApplicationHandlerStop
