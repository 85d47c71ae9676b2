"""The control API for tests: what people do in Telegram (send messages, press buttons)."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from bot.emulator.files import make_png
from bot.emulator.formatting import command_entities
from bot.emulator.models import TgChat, TgUser
from bot.emulator.state import EmulatorState


class InjectionMixin(EmulatorState):
    """Methods that create updates. Each returns the Update dict and queues it.

    In webhook mode the queued update is POSTed to the webhook by a background worker.
    Injecting a message makes its chat and user known to the emulator.
    """

    def _message(self, user: TgUser, chat: TgChat | None, fields: dict[str, Any]) -> dict[str, Any]:
        chat = self.add_chat(chat) if chat is not None else self.add_chat(user)
        self.users[user.id] = user
        if chat.is_group:
            self.members.setdefault((chat.id, user.id), "member")
        message: dict[str, Any] = {
            "message_id": self.next_message_id(chat.id),
            "from": user.to_dict(),
            "chat": self.chat_dict(chat),
            "date": self.now(),
        }
        message.update(fields)
        self.store_message(message)
        return message

    def _inject(self, kind: str, message: dict[str, Any]) -> dict[str, Any]:
        update = self.push_update(kind, copy.deepcopy(message))
        self.events.append(("update", update))
        return update

    def send_text(
        self,
        user: TgUser,
        text: str,
        chat: TgChat | None = None,
        reply_to: dict[str, Any] | None = None,
        forward_from: TgUser | None = None,
    ) -> dict[str, Any]:
        """A text message; ``/cmd`` and ``/cmd@bot`` at the start get a bot_command entity."""
        fields: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            fields["entities"] = entities
        if reply_to is not None:
            replied = self.messages.get((reply_to["chat"]["id"], reply_to["message_id"]), reply_to)
            fields["reply_to_message"] = {
                k: v
                for k, v in replied.items()
                if k not in ("reply_to_message", "method", "params")
            }
        if forward_from is not None:
            fields["forward_origin"] = {
                "type": "user",
                "sender_user": forward_from.to_dict(),
                "date": self.now() - 60,
            }
        return self._inject("message", self._message(user, chat, fields))

    def send_photo(
        self,
        user: TgUser,
        data: bytes | None = None,
        caption: str | None = None,
        chat: TgChat | None = None,
        media_group_id: str | None = None,
        width: int = 1280,
        height: int = 960,
    ) -> dict[str, Any]:
        """A photo (several PhotoSize entries, largest last); ``data=None`` makes a PNG."""
        if data is None:
            seed = hashlib.sha256(f"{user.id}:{len(self.updates)}:{self._next_update_id}".encode())
            colour = tuple(seed.digest()[:3])
            data = make_png(min(width, 1280), min(height, 1280), colour)  # type: ignore[arg-type]
        fields: dict[str, Any] = {"photo": self.files.add_photo(data, width, height)}
        if caption:
            fields["caption"] = caption
            caption_entities = command_entities(caption)
            if caption_entities:
                fields["caption_entities"] = caption_entities
        if media_group_id:
            fields["media_group_id"] = media_group_id
        return self._inject("message", self._message(user, chat, fields))

    def send_document(
        self,
        user: TgUser,
        data: bytes,
        file_name: str,
        mime_type: str,
        chat: TgChat | None = None,
        file_size: int | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        """A document; ``file_size`` may pretend a larger file (getFile refuses > 20 MB)."""
        stored = self.files.add(
            "document", data, mime_type=mime_type, file_name=file_name, file_size=file_size
        )
        fields: dict[str, Any] = {"document": self.files.describe(stored)}
        if caption:
            fields["caption"] = caption
        return self._inject("message", self._message(user, chat, fields))

    def send_location(
        self,
        user: TgUser,
        latitude: float,
        longitude: float,
        chat: TgChat | None = None,
        live_period: int | None = None,
    ) -> dict[str, Any]:
        """A location pin (a live location when ``live_period`` is given)."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if live_period:
            location["live_period"] = live_period
            location["horizontal_accuracy"] = 15.0
        return self._inject("message", self._message(user, chat, {"location": location}))

    def send_venue(
        self,
        user: TgUser,
        latitude: float,
        longitude: float,
        title: str,
        address: str,
        chat: TgChat | None = None,
    ) -> dict[str, Any]:
        """A venue (a place picked from the map); Telegram also sets ``location``."""
        location = {"latitude": latitude, "longitude": longitude}
        venue = {"location": location, "title": title, "address": address}
        fields = {"venue": venue, "location": dict(location)}
        return self._inject("message", self._message(user, chat, fields))

    def send_sticker(self, user: TgUser, chat: TgChat | None = None, emoji: str = "👍") -> dict:
        """A static WEBP-like sticker."""
        stored = self.files.add("sticker", make_png(64, 64), mime_type="image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "LantianTest",
            "file_size": stored.file_size,
        }
        return self._inject("message", self._message(user, chat, {"sticker": sticker}))

    def send_voice(
        self, user: TgUser, duration: int = 3, chat: TgChat | None = None, data: bytes = b"OggS"
    ) -> dict[str, Any]:
        """A voice note (OGG/Opus)."""
        stored = self.files.add("voice", data, mime_type="audio/ogg")
        voice = self.files.describe(stored) | {"duration": duration}
        return self._inject("message", self._message(user, chat, {"voice": voice}))

    def send_video(
        self,
        user: TgUser,
        duration: int = 5,
        chat: TgChat | None = None,
        data: bytes = b"\x00\x00\x00\x18ftypmp42",
        caption: str | None = None,
    ) -> dict[str, Any]:
        """A video (MP4)."""
        stored = self.files.add("video", data, mime_type="video/mp4", file_name="video.mp4")
        video = self.files.describe(stored) | {"width": 1280, "height": 720, "duration": duration}
        fields: dict[str, Any] = {"video": video}
        if caption:
            fields["caption"] = caption
        return self._inject("message", self._message(user, chat, fields))

    def send_contact(
        self,
        user: TgUser,
        phone_number: str,
        first_name: str,
        contact_user_id: int | None = None,
        chat: TgChat | None = None,
    ) -> dict[str, Any]:
        """A shared contact (e.g. the user's own via a request_contact keyboard button)."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        if contact_user_id is not None:
            contact["user_id"] = contact_user_id
        return self._inject("message", self._message(user, chat, {"contact": contact}))

    def send_poll(
        self, user: TgUser, question: str, options: list[str], chat: TgChat | None = None
    ) -> dict[str, Any]:
        """A regular anonymous poll."""
        poll = {
            "id": str(5_000_000_000 + self._next_update_id),
            "question": question,
            "options": [
                {"text": option, "voter_count": 0, "persistent_id": str(i)}
                for i, option in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
        return self._inject("message", self._message(user, chat, {"poll": poll}))

    def edit_text(self, user: TgUser, message: dict[str, Any], new_text: str) -> dict[str, Any]:
        """The user edits one of their text messages: an ``edited_message`` update."""
        key = (message["chat"]["id"], message["message_id"])
        current = copy.deepcopy(self.messages.get(key, message))
        current.pop("entities", None)
        current["text"] = new_text
        entities = command_entities(new_text)
        if entities:
            current["entities"] = entities
        current["edit_date"] = self.now()
        self.store_message(current)
        return self._inject("edited_message", current)

    def press_button(
        self,
        user: TgUser,
        message: dict[str, Any],
        data: str,
        chat: TgChat | None = None,
        forged: bool = False,
    ) -> dict[str, Any]:
        """Press an inline button of a bot message: a ``callback_query`` update.

        ``data`` is the button's callback_data, or else its text. The button must exist in
        the message's *current* keyboard (ValueError otherwise). The callback query id is
        ``update["callback_query"]["id"]``; read the bot's answer with :meth:`answers`.
        ``forged=True`` sends ``data`` as is, as a tampered client could.
        """
        chat_id = chat.id if chat is not None else message["chat"]["id"]
        current = self.messages.get((chat_id, message["message_id"]))
        if current is None:
            raise ValueError(f"no message {message['message_id']} in chat {chat_id}")
        buttons = [
            button
            for row in current.get("reply_markup", {}).get("inline_keyboard", [])
            for button in row
        ]
        chosen = next((b for b in buttons if b.get("callback_data") == data), None)
        chosen = chosen or next((b for b in buttons if b.get("text") == data), None)
        if forged:  # a modified client sends data no button of the message carries
            chosen = {"text": "(forged)", "callback_data": data}
        if chosen is None or "callback_data" not in chosen:
            labels = [(b.get("text"), b.get("callback_data")) for b in buttons]
            raise ValueError(f"no button {data!r} in message; buttons are {labels}")
        self.users[user.id] = user
        query_id = str(4_000_000_000_000_000_000 + self._next_update_id * 7919 + user.id)
        digest = hashlib.sha256(f"{chat_id}:{self.token}".encode()).hexdigest()
        chat_instance = str(int(digest[:15], 16))
        query = {
            "id": query_id,
            "from": user.to_dict(),
            "message": copy.deepcopy(current),
            "chat_instance": chat_instance,
            "data": chosen["callback_data"],
        }
        self.callback_queries[query_id] = query
        update = self.push_update("callback_query", query)
        self.events.append(("press", {"user": user, "button": chosen, "chat_id": chat_id}))
        return update
