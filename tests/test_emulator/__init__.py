"""Tests of the Telegram Bot API emulator, driven by the real python-telegram-bot client."""
