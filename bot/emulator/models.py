"""Plain data types used by the emulator's control API: people, chats and flood limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ChatType = Literal["private", "group", "supergroup"]
MemberStatus = Literal["member", "administrator", "creator", "left", "kicked", "restricted"]


@dataclass(frozen=True)
class TgUser:
    """A Telegram user as the emulator injects it (``from`` of messages and callback queries)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "zh-hans"
    is_bot: bool = False

    @property
    def full_name(self) -> str:
        """First and last name joined the way Telegram clients show them."""
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def to_dict(self) -> dict[str, Any]:
        """The Bot API ``User`` object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def private_chat(self) -> TgChat:
        """The private chat with this user (its id equals the user's id)."""
        return TgChat(self.id, "private")


@dataclass(frozen=True)
class TgChat:
    """A chat. Private chats have the user's id; groups conventionally negative ids."""

    id: int
    type: ChatType = "private"
    title: str | None = None

    @property
    def is_group(self) -> bool:
        """True for groups and supergroups."""
        return self.type in ("group", "supergroup")

    def to_dict(self, user: TgUser | None = None) -> dict[str, Any]:
        """The Bot API ``Chat`` object; private chats take their names from ``user``."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            if user is not None:
                data["first_name"] = user.first_name
                if user.last_name:
                    data["last_name"] = user.last_name
                if user.username:
                    data["username"] = user.username
        else:
            data["title"] = self.title or f"Group {self.id}"
        return data


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's flood limits as enforced when ``enforce_limits=True``.

    Each limit is a leaky bucket (the model PTB's ``AIORateLimiter`` uses): a bucket holds
    ``burst`` messages and drains at ``rate`` messages per ``period`` seconds.

    * ``global_*``: all messages of the bot (Telegram: about 30 messages per second).
    * ``private_*``: one private chat (Telegram: about 1 message per second, short bursts ok).
    * ``group_*``: one group or supergroup (Telegram: 20 messages per minute).

    A bucket refuses only when it would overflow by more than ``tolerance`` (a fraction of
    ``burst``), so a client pacing itself to the nominal limits (PTB's ``AIORateLimiter``)
    is not refused because of network jitter.

    Only message-creating methods count (``send*``, ``copyMessage``, ``forwardMessage``; a media
    group counts one per item). Edits, callback answers and other calls are not limited.
    """

    global_rate: float = 30.0
    global_period: float = 1.0
    global_burst: int = 30
    private_rate: float = 1.0
    private_period: float = 1.0
    private_burst: int = 3
    group_rate: float = 20.0
    group_period: float = 60.0
    group_burst: int = 20
    tolerance: float = 0.1
