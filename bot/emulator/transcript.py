"""Rendering of the emulator's event log as a compact, readable terminal transcript."""

from __future__ import annotations

from typing import Any

from bot.emulator.models import TgChat, TgUser

_MAX = 160


def _short(text: str, limit: int = _MAX) -> str:
    text = text.replace("\n", " ⏎ ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _chat_label(chat: dict[str, Any]) -> str:
    if chat.get("type") == "private":
        return f"private {chat['id']}"
    return f"{chat.get('type', 'group')} {chat['id']} {chat.get('title', '')}".rstrip()


def _buttons(markup: dict[str, Any] | None) -> str:
    if not markup:
        return ""
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
    elif "keyboard" in markup:
        rows = markup["keyboard"]
    else:
        return " ⌨✗" if markup.get("remove_keyboard") else ""
    labels = [f"[{b['text'] if isinstance(b, dict) else b}]" for row in rows for b in row]
    prefix = " " if "inline_keyboard" in markup else " ⌨ "
    return prefix + " ".join(labels)


def describe_content(message: dict[str, Any]) -> str:
    """One-line summary of a message's content."""
    caption = f" ({_short(message['caption'], 80)})" if message.get("caption") else ""
    if "text" in message:
        return _short(message["text"])
    if "photo" in message:
        return f"🖼 photo{caption}"
    if "venue" in message:
        venue = message["venue"]
        return f"📍 {venue['title']}, {venue['address']}"
    if "location" in message:
        loc = message["location"]
        live = " (live)" if loc.get("live_period") else ""
        return f"📍 {loc['latitude']:.2f},{loc['longitude']:.2f}{live}"
    if "document" in message:
        return f"📄 {message['document'].get('file_name', 'document')}{caption}"
    if "sticker" in message:
        return f"🏷 sticker {message['sticker'].get('emoji', '')}".rstrip()
    if "voice" in message:
        return f"🎤 voice {message['voice'].get('duration', 0)}s"
    if "video" in message:
        return f"🎬 video{caption}"
    if "contact" in message:
        return f"📇 {message['contact'].get('first_name')} {message['contact'].get('phone_number')}"
    if "poll" in message:
        return f"📊 {message['poll'].get('question')}"
    for kind in ("audio", "animation"):
        if kind in message:
            return f"📎 {kind}{caption}"
    return "(message)"


def render_events(
    events: list[tuple[str, dict[str, Any]]],
    chats: dict[int, TgChat],
    users: dict[int, TgUser],
) -> list[str]:
    """Lines like ``👤 张三 (private 1001): /start`` and ``🤖 → 1001: 欢迎… [接单] [转派]``."""
    lines: list[str] = []
    for kind, data in events:
        if kind == "update":
            for key in ("message", "edited_message"):
                if key in data:
                    msg = data[key]
                    sender = msg.get("from", {})
                    name = " ".join(
                        filter(None, [sender.get("first_name"), sender.get("last_name")])
                    )
                    mark = "✏️ " if key == "edited_message" else ""
                    lines.append(
                        f"👤 {name} ({_chat_label(msg['chat'])}): {mark}{describe_content(msg)}"
                    )
        elif kind == "press":
            user: TgUser = data["user"]
            lines.append(f"👆 {user.full_name} pressed {data['button'].get('text')}")
        elif kind == "answerCallbackQuery":
            if data.get("text"):
                style = "⚠️ alert" if data.get("show_alert") else "💬 toast"
                lines.append(f"   {style}: {_short(str(data['text']))}")
        elif kind == "deleteMessage":
            lines.append(f"🗑 deleted {data['message']['message_id']} in {data['chat_id']}")
        elif kind.startswith(("edit", "stop")):
            content = describe_content(data)
            lines.append(
                f"✏️ {data['chat']['id']}#{data['message_id']}: {content}"
                f"{_buttons(data.get('reply_markup'))}"
            )
        else:
            reply = ""
            if data.get("reply_to_message"):
                reply = f"(↩ #{data['reply_to_message']['message_id']}) "
            lines.append(
                f"🤖 → {data['chat']['id']}: {reply}{describe_content(data)}"
                f"{_buttons(data.get('reply_markup'))}"
            )
    return lines
