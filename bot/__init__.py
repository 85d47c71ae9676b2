"""Lantian runtime: settings, CLI, Telegram application."""

import os

# python-telegram-bot 22 warns that RetryAfter.retry_after (and other durations) will become
# timedeltas; opt in now, so the code is written against the future type (bot/delivery.py).
os.environ.setdefault("PTB_TIMEDELTA", "1")
