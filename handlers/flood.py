"""Flood guard: a person sending more than N messages in M seconds is told once to slow down,
and the excess is not processed (drafts and reports already stored are untouched; the
answer says that what is sent meanwhile must be sent again). An album counts as one
message: its pictures arrive as separate updates, but it is one thing the person did, and
all of its pictures share the verdict of its first one."""

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
        # Each person's latest albums and the verdict of their first picture.
        self._albums: dict[int, dict[str, str]] = {}

    def check(self, user_id: int, now: float | None = None, album: str | None = None) -> str:
        """`ok`, `warn` (first excess message of a burst) or `drop`. `album`: the media
        group id of a picture (the album's later pictures get its first one's verdict, and
        a warning is not repeated)."""
        now = time.monotonic() if now is None else now
        albums = self._albums.setdefault(user_id, {}) if album else None
        if albums is not None and album in albums:
            return "drop" if albums[album] != "ok" else "ok"
        verdict = self._count(user_id, now)
        if albums is not None:
            albums[album] = verdict
            while len(albums) > 8:  # only the latest few albums can still be arriving
                albums.pop(next(iter(albums)))
        return verdict

    def _count(self, user_id: int, now: float) -> str:
        seen = self._seen.setdefault(user_id, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        seen.append(now)
        if len(self._seen) > 10_000:  # forget idle users now and then
            for uid in [u for u, q in self._seen.items() if not q or q[-1] <= now - self.window]:
                self._seen.pop(uid, None)
                self._warned_until.pop(uid, None)
                self._albums.pop(uid, None)
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
    message = update.effective_message
    verdict = guard.check(update.effective_user.id,
                          album=message.media_group_id if message is not None else None)
    if verdict == "ok":
        return
    if verdict == "warn":
        lang = await user_language(services(context), update.effective_user)
        await context.bot.send_message(update.effective_chat.id,
                                       t(lang, "flood.slow_down", seconds=int(guard.window)))
    raise ApplicationHandlerStop
