"""Bot API methods that send messages."""

from __future__ import annotations

from typing import Any

from bot.emulator import errors
from bot.emulator.content import ContentMixin, check_markup, render_caption, render_text
from bot.emulator.params import UploadedFile
from bot.emulator.registry import api_method

Files = dict[str, UploadedFile]
Params = dict[str, Any]

# sendX method -> (parameter/message field, file kind)
_SIMPLE_FILES = {
    "sendDocument": ("document", "document"),
    "sendVoice": ("voice", "voice"),
    "sendVideo": ("video", "video"),
    "sendAudio": ("audio", "audio"),
    "sendAnimation": ("animation", "animation"),
    "sendSticker": ("sticker", "sticker"),
}


class SendMethods(ContentMixin):
    """sendMessage, sendPhoto, sendDocument, sendLocation, sendMediaGroup and friends."""

    def _start(self, method: str, p: Params, units: int = 1) -> tuple[Any, Any, Params]:
        chat = self.require_chat(p.get("chat_id"))
        markup = check_markup(p.get("reply_markup"))
        reply = self.reply_fields(chat, p)
        self.throttle(method, chat, units)
        return chat, markup, reply

    @api_method("sendMessage")
    async def _send_message(self, p: Params, files: Files) -> Any:
        fields = render_text(p)
        chat, markup, reply = self._start("sendMessage", p)
        return self.deliver("sendMessage", chat, reply | fields, p, markup)

    @api_method("sendPhoto")
    async def _send_photo(self, p: Params, files: Files) -> Any:
        caption = render_caption(p)
        chat, markup, reply = self._start("sendPhoto", p)
        sizes = self.photo_sizes("sendPhoto", "photo", p.get("photo"), files)
        return self.deliver("sendPhoto", chat, reply | {"photo": sizes} | caption, p, markup)

    @api_method(*_SIMPLE_FILES)
    async def _send_file(self, p: Params, files: Files, *, method: str = "") -> Any:
        field, kind = _SIMPLE_FILES[method]
        caption = render_caption(p) if kind != "sticker" else {}
        chat, markup, reply = self._start(method, p)
        stored = self.stored_file(method, field, kind, p.get(field), files)
        described = self.files.describe(stored)
        if kind == "sticker":
            described |= {"type": "regular", "width": 512, "height": 512}
            described |= {"is_animated": False, "is_video": False}
        for key in ("duration", "width", "height", "title", "performer"):
            if p.get(key) is not None:
                described[key] = p[key]
        if kind in ("voice", "video", "audio", "animation"):
            described.setdefault("duration", 0)
        if kind in ("video", "animation"):
            described.setdefault("width", 0)
            described.setdefault("height", 0)
        return self.deliver(method, chat, reply | {field: described} | caption, p, markup)

    @api_method("sendLocation")
    async def _send_location(self, p: Params, files: Files) -> Any:
        chat, markup, reply = self._start("sendLocation", p)
        location = _location(p)
        for key in ("live_period", "heading", "proximity_alert_radius", "horizontal_accuracy"):
            if p.get(key) is not None:
                location[key] = p[key]
        return self.deliver("sendLocation", chat, reply | {"location": location}, p, markup)

    @api_method("sendVenue")
    async def _send_venue(self, p: Params, files: Files) -> Any:
        chat, markup, reply = self._start("sendVenue", p)
        location = _location(p)
        venue = {"location": location, "title": p.get("title"), "address": p.get("address")}
        fields = {"venue": venue, "location": dict(location)}
        return self.deliver("sendVenue", chat, reply | fields, p, markup)

    @api_method("sendContact")
    async def _send_contact(self, p: Params, files: Files) -> Any:
        chat, markup, reply = self._start("sendContact", p)
        contact = {"phone_number": p.get("phone_number"), "first_name": p.get("first_name")}
        if p.get("last_name"):
            contact["last_name"] = p["last_name"]
        return self.deliver("sendContact", chat, reply | {"contact": contact}, p, markup)

    @api_method("sendPoll")
    async def _send_poll(self, p: Params, files: Files) -> Any:
        chat, markup, reply = self._start("sendPoll", p)
        options = [o["text"] if isinstance(o, dict) else str(o) for o in p.get("options") or []]
        poll = {
            "id": str(6_000_000_000 + len(self._sent)),
            "question": p.get("question"),
            "options": [
                {"text": text, "voter_count": 0, "persistent_id": str(i)}
                for i, text in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": p.get("is_anonymous", True),
            "type": p.get("type", "regular"),
            "allows_multiple_answers": bool(p.get("allows_multiple_answers")),
            "allows_revoting": False,
            "members_only": False,
        }
        return self.deliver("sendPoll", chat, reply | {"poll": poll}, p, markup)

    @api_method("sendMediaGroup")
    async def _send_media_group(self, p: Params, files: Files) -> Any:
        media = p.get("media")
        if not isinstance(media, list) or not media:
            raise errors.bad_request('Bad Request: parameter "media" is required')
        chat, _markup, reply = self._start("sendMediaGroup", p, units=len(media))
        group_id = str(13_000_000_000_000_000 + len(self._sent))
        built: list[Params] = []
        for index, item in enumerate(media):
            kind = item.get("type", "photo")
            caption = render_caption(item)
            if kind == "photo":
                content: Any = self.photo_sizes(
                    "sendMediaGroup", f"media{index}", item.get("media"), files
                )
            else:
                stored = self.stored_file(
                    "sendMediaGroup", f"media{index}", kind, item.get("media"), files
                )
                content = self.files.describe(stored)
            built.append({kind: content, "media_group_id": group_id} | caption)
        return [self.deliver("sendMediaGroup", chat, reply | fields, p) for fields in built]

    @api_method("forwardMessage", "copyMessage")
    async def _forward(self, p: Params, files: Files, *, method: str = "") -> Any:
        source = self.messages.get((_int(p.get("from_chat_id")), _int(p.get("message_id"))))
        if source is None:
            raise errors.bad_request(
                "Bad Request: message to forward not found"
                if method == "forwardMessage"
                else "Bad Request: message to copy not found"
            )
        chat, markup, reply = self._start(method, p)
        skip = {
            "message_id",
            "from",
            "chat",
            "date",
            "reply_markup",
            "edit_date",
            "reply_to_message",
        }
        fields = {k: v for k, v in source.items() if k not in skip}
        if method == "forwardMessage":
            fields["forward_origin"] = {
                "type": "user",
                "sender_user": source["from"],
                "date": source["date"],
            }
            message = self.deliver(method, chat, fields, p, markup)
            return message
        if "caption" in p:
            fields.update(render_caption(p))
        message = self.deliver(method, chat, reply | fields, p, markup)
        return {"message_id": message["message_id"]}

    @api_method("sendChatAction")
    async def _send_chat_action(self, p: Params, files: Files) -> Any:
        self.require_chat(p.get("chat_id"))
        return True


def _location(p: Params) -> dict[str, Any]:
    try:
        return {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])}
    except (KeyError, TypeError, ValueError):
        raise errors.bad_request("Bad Request: wrong latitude or longitude specified") from None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
