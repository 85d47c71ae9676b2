"""Bot API methods that change or delete messages the bot sent."""

from __future__ import annotations

import copy
from typing import Any

from bot.emulator import errors
from bot.emulator.content import ContentMixin, check_markup, render_caption, render_text
from bot.emulator.params import UploadedFile
from bot.emulator.registry import api_method

Files = dict[str, UploadedFile]
Params = dict[str, Any]
_MEDIA_KEYS = ("photo", "document", "video", "audio", "animation")


class EditMethods(ContentMixin):
    """edit* methods (with Telegram's "not modified" rule) and deleteMessage."""

    def _target(self, p: Params) -> dict[str, Any]:
        if p.get("inline_message_id"):
            raise errors.bad_request(errors.EDIT_NOT_FOUND)
        chat = self.require_chat(p.get("chat_id"))
        try:
            key = (chat.id, int(p.get("message_id")))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise errors.bad_request(errors.EDIT_NOT_FOUND) from None
        message = self.messages.get(key)
        if message is None:
            raise errors.bad_request(errors.EDIT_NOT_FOUND)
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise errors.bad_request(errors.CANT_BE_EDITED)
        return message

    def _apply(
        self,
        method: str,
        message: dict[str, Any],
        changes: dict[str, Any],
        remove: tuple[str, ...],
        p: Params,
    ) -> dict[str, Any]:
        """Apply an edit; equal content and markup answer Telegram's "not modified"."""
        updated = copy.deepcopy(message)
        for key in remove:
            updated.pop(key, None)
        updated.update(changes)
        markup = check_markup(p.get("reply_markup"))
        if markup and "inline_keyboard" in markup:
            updated["reply_markup"] = markup
        else:
            updated.pop("reply_markup", None)  # an edit without reply_markup drops the keyboard
        before = {k: v for k, v in message.items() if k != "edit_date"}
        if {k: v for k, v in updated.items() if k != "edit_date"} == before:
            raise errors.bad_request(errors.NOT_MODIFIED)
        updated["edit_date"] = self.now()
        self.store_message(updated)
        self.record_output(method, updated, p)
        self.stats["sent"][method] += 1
        return updated

    @api_method("editMessageText")
    async def _edit_text(self, p: Params, files: Files) -> Any:
        message = self._target(p)
        if "text" not in message:
            raise errors.bad_request(errors.NO_TEXT_TO_EDIT)
        fields = render_text(p)
        return self._apply("editMessageText", message, fields, ("entities",), p)

    @api_method("editMessageCaption")
    async def _edit_caption(self, p: Params, files: Files) -> Any:
        message = self._target(p)
        if "text" in message:
            raise errors.bad_request(errors.NO_CAPTION_TO_EDIT)
        fields = render_caption(p)
        return self._apply(
            "editMessageCaption", message, fields, ("caption", "caption_entities"), p
        )

    @api_method("editMessageReplyMarkup")
    async def _edit_markup(self, p: Params, files: Files) -> Any:
        message = self._target(p)
        return self._apply("editMessageReplyMarkup", message, {}, (), p)

    @api_method("editMessageMedia")
    async def _edit_media(self, p: Params, files: Files) -> Any:
        message = self._target(p)
        if "text" in message:
            raise errors.bad_request("Bad Request: there is no media in the message to edit")
        media = p.get("media")
        if not isinstance(media, dict):
            raise errors.bad_request('Bad Request: parameter "media" is required')
        kind = media.get("type", "photo")
        if kind == "photo":
            content: Any = self.photo_sizes("editMessageMedia", "media", media.get("media"), files)
        else:
            stored = self.stored_file("editMessageMedia", "media", kind, media.get("media"), files)
            content = self.files.describe(stored)
        changes = {kind: content} | render_caption(media)
        remove = _MEDIA_KEYS + ("caption", "caption_entities")
        return self._apply("editMessageMedia", message, changes, remove, p)

    @api_method("editMessageLiveLocation")
    async def _edit_live_location(self, p: Params, files: Files) -> Any:
        message = self._target(p)
        if "location" not in message:
            raise errors.bad_request("Bad Request: message can't be edited")
        location = dict(message["location"])
        location["latitude"] = float(p.get("latitude", location["latitude"]))
        location["longitude"] = float(p.get("longitude", location["longitude"]))
        return self._apply("editMessageLiveLocation", message, {"location": location}, (), p)

    @api_method("stopMessageLiveLocation")
    async def _stop_live_location(self, p: Params, files: Files) -> Any:
        message = self._target(p)
        location = {k: v for k, v in message.get("location", {}).items() if k != "live_period"}
        return self._apply("stopMessageLiveLocation", message, {"location": location}, (), p)

    @api_method("deleteMessage")
    async def _delete(self, p: Params, files: Files) -> Any:
        chat = self.require_chat(p.get("chat_id"))
        key = (chat.id, int(p.get("message_id") or 0))
        message = self.messages.pop(key, None)
        if message is None:
            raise errors.bad_request(errors.DELETE_NOT_FOUND)
        self.events.append(("deleteMessage", {"chat_id": chat.id, "message": message}))
        return True

    @api_method("deleteMessages")
    async def _delete_many(self, p: Params, files: Files) -> Any:
        chat = self.require_chat(p.get("chat_id"))
        for message_id in p.get("message_ids") or []:
            message = self.messages.pop((chat.id, int(message_id)), None)
            if message is not None:
                self.events.append(("deleteMessage", {"chat_id": chat.id, "message": message}))
        return True
