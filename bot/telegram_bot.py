"""Our Bot: python-telegram-bot's ExtBot with two harmless Telegram refusals made quiet.

- "query is too old": a button pressed while the bot was down or busy is answered after
  Telegram's ~15 s window. The press itself was handled; failing the handler over the
  popup would turn a done action into an error message.
- "message is not modified": editing a message into what it already shows (a double
  press) is a no-op, not an error.

Every other error still raises, so one place covers every handler.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import BadRequest
from telegram.ext import ExtBot

log = logging.getLogger(__name__)
TOO_OLD = ("query is too old", "query id is invalid")
NOT_MODIFIED = "message is not modified"


class LantianBot(ExtBot):
    """ExtBot that tolerates late callback answers and no-op edits."""

    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return await super().answer_callback_query(*args, **kwargs)
        except BadRequest as exc:
            if any(text in exc.message.lower() for text in TOO_OLD):
                log.info("callback answered too late: %s", exc.message)
                return False
            raise

    async def _quiet_edit(self, edit, *args: Any, **kwargs: Any) -> Any:
        try:
            return await edit(*args, **kwargs)
        except BadRequest as exc:
            if NOT_MODIFIED in exc.message.lower():
                return True
            raise

    async def edit_message_text(self, *args: Any, **kwargs: Any) -> Any:
        return await self._quiet_edit(super().edit_message_text, *args, **kwargs)

    async def edit_message_caption(self, *args: Any, **kwargs: Any) -> Any:
        return await self._quiet_edit(super().edit_message_caption, *args, **kwargs)

    async def edit_message_reply_markup(self, *args: Any, **kwargs: Any) -> Any:
        return await self._quiet_edit(super().edit_message_reply_markup, *args, **kwargs)
