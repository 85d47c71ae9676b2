"""Validation and building blocks shared by the send and edit methods."""

from __future__ import annotations

import copy
from typing import Any

from bot.emulator import errors
from bot.emulator.files import StoredFile, image_kind, image_size, make_png
from bot.emulator.formatting import render, utf16_len
from bot.emulator.limits import MESSAGE_METHODS
from bot.emulator.models import TgChat
from bot.emulator.params import UploadedFile, resolve_upload
from bot.emulator.state import EmulatorState

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)


def check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a reply_markup like Telegram (callback_data 1-64 UTF-8 bytes, no bare text)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise errors.bad_request("Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []) or []:
        for button in row:
            if not any(key in button for key in _BUTTON_ACTIONS):
                raise errors.bad_request(errors.TEXT_BUTTONS_UNALLOWED)
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if size < 1 or size > MAX_CALLBACK_DATA:
                    raise errors.bad_request(errors.BUTTON_DATA_INVALID)
    return markup


def render_text(p: dict[str, Any]) -> dict[str, Any]:
    """``text`` + ``entities`` fields of a text message, validated."""
    raw = p.get("text")
    if raw is None or not str(raw).strip():
        raise errors.bad_request(errors.TEXT_EMPTY)
    text, entities = render(str(raw), p.get("parse_mode"), p.get("entities"))
    if not text.strip():
        raise errors.bad_request(errors.TEXT_EMPTY)
    if utf16_len(text) > MAX_TEXT:
        raise errors.bad_request(errors.TEXT_TOO_LONG)
    fields: dict[str, Any] = {"text": text}
    if entities:
        fields["entities"] = entities
    return fields


def render_caption(item: dict[str, Any]) -> dict[str, Any]:
    """``caption`` + ``caption_entities`` fields (empty when no caption), validated."""
    raw = item.get("caption")
    if not raw:
        return {}
    text, entities = render(str(raw), item.get("parse_mode"), item.get("caption_entities"))
    if utf16_len(text) > MAX_CAPTION:
        raise errors.bad_request(errors.CAPTION_TOO_LONG)
    fields: dict[str, Any] = {"caption": text}
    if entities:
        fields["caption_entities"] = entities
    return fields


class ContentMixin(EmulatorState):
    """Helpers for message-creating methods: throttling, replies, files and delivery."""

    def throttle(self, method: str, chat: TgChat, units: int = 1) -> None:
        """In flood-limit mode, refuse with 429 when the bot sends too fast."""
        if not self.enforce_limits or method not in MESSAGE_METHODS:
            return
        retry_after = self.limiter.check(chat.id, chat.is_group, units)
        if retry_after:
            self.stats["throttled"] += 1
            raise errors.too_many_requests(retry_after)

    def reply_fields(self, chat: TgChat, p: dict[str, Any]) -> dict[str, Any]:
        """``reply_to_message`` from reply_parameters (or legacy reply_to_message_id)."""
        params = p.get("reply_parameters")
        if not isinstance(params, dict):
            params = (
                {"message_id": p["reply_to_message_id"]} if p.get("reply_to_message_id") else {}
            )
            if p.get("allow_sending_without_reply"):
                params["allow_sending_without_reply"] = True
        if not params.get("message_id"):
            return {}
        try:
            key = (int(params.get("chat_id", chat.id)), int(params["message_id"]))
        except (TypeError, ValueError):
            raise errors.bad_request(errors.REPLY_NOT_FOUND) from None
        replied = self.messages.get(key)
        if replied is None:
            if params.get("allow_sending_without_reply"):
                return {}
            raise errors.bad_request(errors.REPLY_NOT_FOUND)
        shallow = {k: v for k, v in replied.items() if k != "reply_to_message"}
        return {"reply_to_message": copy.deepcopy(shallow)}

    def deliver(
        self,
        method: str,
        chat: TgChat,
        fields: dict[str, Any],
        p: dict[str, Any],
        markup: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create, store and log a bot message; return the Message object for the answer."""
        message: dict[str, Any] = {
            "message_id": self.next_message_id(chat.id),
            "from": dict(self.bot_user),
            "chat": self.chat_dict(chat),
            "date": self.now(),
        }
        message.update(fields)
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.store_message(message)
        self.record_output(method, message, p)
        if markup and "inline_keyboard" not in markup:
            self._sent[-1]["reply_markup"] = markup  # keyboards "as sent", for tests
        self.stats["sent"][method] += 1
        return message

    def file_input(
        self, method: str, field: str, value: Any, files: dict[str, UploadedFile]
    ) -> UploadedFile | str:
        """An upload or a file_id/URL string for a file parameter (400 when missing)."""
        resolved = resolve_upload(value, field, files)
        if resolved is None or resolved == "":
            raise errors.bad_request(f"Bad Request: there is no {field} in the request")
        return resolved

    def photo_sizes(
        self, method: str, field: str, value: Any, files: dict[str, UploadedFile]
    ) -> list[dict[str, Any]]:
        """PhotoSize list for a photo parameter: upload, known file_id or URL."""
        source = self.file_input(method, field, value, files)
        if isinstance(source, UploadedFile):
            if image_kind(source.data) is None:
                raise errors.bad_request(errors.IMAGE_PROCESS_FAILED)
            width, height = image_size(source.data) or (800, 600)
            sizes = self.files.add_photo(source.data, width, height)
            self.record_upload(method, field, source, sizes[-1]["file_id"])
            return sizes
        if source in self.files.photo_sets:
            return copy.deepcopy(self.files.photo_sets[source])
        if source.startswith(("http://", "https://")):
            return self.files.add_photo(make_png(64, 48), 800, 600)
        raise errors.bad_request(errors.WRONG_FILE_IDENTIFIER)

    def stored_file(
        self, method: str, field: str, kind: str, value: Any, files: dict[str, UploadedFile]
    ) -> StoredFile:
        """The stored file for a document/voice/video/... parameter (upload, file_id or URL)."""
        source = self.file_input(method, field, value, files)
        if isinstance(source, UploadedFile):
            stored = self.files.add(
                kind, source.data, mime_type=source.content_type, file_name=source.filename
            )
            self.record_upload(method, field, source, stored.file_id)
            return stored
        if source in self.files.by_id:
            return self.files.by_id[source]
        if source.startswith(("http://", "https://")):
            name = source.rstrip("/").rsplit("/", 1)[-1] or "file"
            return self.files.add(kind, b"", file_name=name)
        raise errors.bad_request(errors.WRONG_FILE_IDENTIFIER)
