"""Update processing: concurrent across chats, strictly in order within one chat.

A resident sends a photo, a location and a text in quick succession; handling them
concurrently would race on the same draft row. PTB's default processor is either fully
sequential or fully concurrent, so this one keeps a lock per chat (dropped when idle).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Runs updates of different chats concurrently and those of one chat one at a time."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's turn first, then for a global slot: updates queued behind one
        busy chat (a flood, a big album) never hold slots other chats need."""
        key = _chat_key(update)
        if key is None:
            await super().process_update(update, coroutine)
            return
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                await super().process_update(update, coroutine)
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._locks.pop(key, None)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers (ordering is taken care of in `process_update`)."""
        await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _chat_key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None
