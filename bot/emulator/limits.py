"""Flood-limit enforcement (``enforce_limits=True``): leaky buckets per bot, chat and group."""

from __future__ import annotations

import math
import time

from bot.emulator.models import FloodLimits

# Methods that create messages and so count against the flood limits.
MESSAGE_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendLocation",
        "sendVenue",
        "sendMediaGroup",
        "sendSticker",
        "sendVoice",
        "sendVideo",
        "sendAudio",
        "sendAnimation",
        "sendContact",
        "sendPoll",
        "sendDice",
        "copyMessage",
        "forwardMessage",
    }
)


class _Bucket:
    """A leaky bucket holding at most ``burst`` units, draining ``rate`` units per ``period``."""

    __slots__ = ("burst", "level", "per_second", "stamp")

    def __init__(self, rate: float, period: float, burst: float) -> None:
        self.per_second = rate / period
        self.burst = burst
        self.level = 0.0
        self.stamp = time.monotonic()

    def _drain(self, now: float) -> None:
        self.level = max(0.0, self.level - (now - self.stamp) * self.per_second)
        self.stamp = now

    def wait_needed(self, units: int, now: float) -> float:
        """Seconds until ``units`` more fit (0 when they fit now)."""
        self._drain(now)
        excess = self.level + units - self.burst
        return 0.0 if excess <= 0 else excess / self.per_second

    def take(self, units: int) -> None:
        self.level += units


class FloodLimiter:
    """Decides whether a message-creating call is allowed now, or how long to wait."""

    def __init__(self, limits: FloodLimits) -> None:
        self.limits = limits
        slack = 1 + limits.tolerance
        self._slack = slack
        self._global = _Bucket(
            limits.global_rate, limits.global_period, limits.global_burst * slack
        )
        self._chats: dict[int | str, _Bucket] = {}

    def _chat_bucket(self, chat_id: int | str, is_group: bool) -> _Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            lim = self.limits
            if is_group:
                bucket = _Bucket(lim.group_rate, lim.group_period, lim.group_burst * self._slack)
            else:
                bucket = _Bucket(
                    lim.private_rate, lim.private_period, lim.private_burst * self._slack
                )
            self._chats[chat_id] = bucket
        return bucket

    def check(self, chat_id: int | str, is_group: bool, units: int = 1) -> int:
        """Record ``units`` messages to a chat; return 0, or the retry_after (s) when refused."""
        now = time.monotonic()
        chat = self._chat_bucket(chat_id, is_group)
        wait = max(self._global.wait_needed(units, now), chat.wait_needed(units, now))
        if wait > 0:
            return max(1, math.ceil(wait))
        self._global.take(units)
        chat.take(units)
        return 0
