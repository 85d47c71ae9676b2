"""Keyboards used by several audiences."""

from __future__ import annotations

from typing import Any

from telegram import KeyboardButton, ReplyKeyboardMarkup

from handlers.i18n import t


def location_keyboard(lang: str, label_key: str = "intake.share_location") -> ReplyKeyboardMarkup:
    """A reply keyboard with one "share my location" button (works in private chats only)."""
    return ReplyKeyboardMarkup([[KeyboardButton(t(lang, label_key), request_location=True)]],
                               resize_keyboard=True, one_time_keyboard=True)


def location_keyboard_payload(lang: str, label_key: str) -> dict[str, Any]:
    """The same keyboard as Bot API JSON, for messages queued in the outbox."""
    return location_keyboard(lang, label_key).to_dict()
