"""The emulator's in-memory Telegram: chats, messages, the update queue and the bot's output."""

from __future__ import annotations

import asyncio
import copy
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bot.emulator import errors
from bot.emulator.files import FileStore
from bot.emulator.limits import FloodLimiter
from bot.emulator.models import FloodLimits, TgChat, TgUser
from bot.emulator.params import UploadedFile

Predicate = Callable[[dict[str, Any]], bool]


class _Poller:
    """One pending getUpdates request."""

    __slots__ = ("conflict", "wake")

    def __init__(self) -> None:
        self.wake = asyncio.Event()
        self.conflict = False


class EmulatorState:
    """State shared by the HTTP side (Bot API methods) and the Python control API."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "lantian_bot",
        enforce_limits: bool = False,
        limits: FloodLimits | None = None,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "蓝天",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.enforce_limits = enforce_limits
        self.limiter = FloodLimiter(limits or FloodLimits())
        self.files = FileStore(token)
        # Known world
        self.chats: dict[int, TgChat] = {}
        self.users: dict[int, TgUser] = {}
        self.members: dict[tuple[int, int], str] = {}
        self.blocked: set[int] = set()
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = {}
        # Update queue (getUpdates, or the webhook worker)
        self.updates: list[dict[str, Any]] = []
        # Handed out again (redeliver) and not yet taken: a getUpdates offset from before
        # does not confirm these away.
        self._redelivered: set[int] = set()
        self._next_update_id = 1
        self._pollers: set[_Poller] = set()
        self.allowed_updates: list[str] | None = None
        self.webhook: dict[str, Any] | None = None
        self._webhook_wake = asyncio.Event()
        # What the bot did
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._sent: list[dict[str, Any]] = []
        self._taken: list[bool] = []
        self._first_untaken = 0
        self._sent_event = asyncio.Event()
        # Per chat: positions in _sent, the first one not handed out, and a wake-up event, so
        # a waiter for one chat is not woken (nor rescans) for every other chat's output.
        self._by_chat: dict[int, list[int]] = {}
        self._chat_first_untaken: dict[int, int] = {}
        self._chat_events: dict[int, asyncio.Event] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self._answers: dict[str, list[dict[str, Any]]] = {}
        self._answer_event = asyncio.Event()
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.settings: dict[str, Any] = {}
        self.uploaded_files: list[dict[str, Any]] = []
        self.stats: dict[str, Any] = {"sent": Counter(), "throttled": 0, "faults": 0}
        self.events: list[tuple[str, dict[str, Any]]] = []  # for the transcript

    # ----------------------------------------------------------------- known chats and users
    def add_chat(self, chat: TgChat | TgUser) -> TgChat:
        """Make a chat known (so the bot may send to it); a TgUser means its private chat."""
        if isinstance(chat, TgUser):
            self.users[chat.id] = chat
            chat = chat.private_chat()
        self.chats[chat.id] = chat
        self._next_message_id.setdefault(chat.id, 1)
        return chat

    def block_chat(self, chat_id: int) -> None:
        """The user blocks the bot (or a group kicks it): sends then answer 403."""
        self.blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        """Undo :meth:`block_chat`."""
        self.blocked.discard(chat_id)

    def forget_chat(self, chat_id: int) -> None:
        """Make a chat unknown again: sends then answer 400 "chat not found"."""
        self.chats.pop(chat_id, None)

    def add_group_member(self, chat: TgChat, user: TgUser, status: str = "member") -> None:
        """Set a user's membership status in a group (read back by getChatMember)."""
        self.add_chat(chat)
        self.users[user.id] = user
        self.members[(chat.id, user.id)] = status

    def chat_dict(self, chat: TgChat) -> dict[str, Any]:
        """The Bot API Chat object of a known chat."""
        return chat.to_dict(self.users.get(chat.id) if chat.type == "private" else None)

    def require_chat(self, chat_id: Any) -> TgChat:
        """The chat a bot call addresses, or the error Telegram would answer."""
        if chat_id is None or chat_id == "":
            raise errors.bad_request(errors.CHAT_ID_EMPTY)
        if isinstance(chat_id, str):
            # "@username" addresses only public groups and channels, which the emulator
            # does not model; private chats can't be addressed by username in Telegram.
            if not chat_id.lstrip("-").isdigit():
                raise errors.bad_request(errors.CHAT_NOT_FOUND)
            chat_id = int(chat_id)
        chat = self.chats.get(chat_id)
        if chat is None:
            raise errors.bad_request(errors.CHAT_NOT_FOUND)
        if chat.id in self.blocked:
            raise errors.ApiError(403, errors.KICKED if chat.is_group else errors.BLOCKED)
        return chat

    def next_message_id(self, chat_id: int) -> int:
        """Allocate the next message id of a chat (ids are per chat, as in Telegram)."""
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    # ------------------------------------------------------------------------- update queue
    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Append an update of type ``kind`` to the queue and wake getUpdates / the webhook."""
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self.updates.append(update)
        for poller in self._pollers:
            poller.wake.set()
        self._webhook_wake.set()
        return update

    def redeliver(self, update: dict[str, Any]) -> None:
        """Hand out an update again, as Telegram does when its confirmation never arrived
        (the bot was killed before its next getUpdates, or a webhook answer failed): it
        goes back into the queue in update_id order (once, if it is still there: handed
        out but not yet confirmed), and the next getUpdates hands it out whatever its
        offset."""
        self._redelivered.add(update["update_id"])
        self.events.append(("update", update))
        if not any(u["update_id"] == update["update_id"] for u in self.updates):
            self.updates.append(copy.deepcopy(update))
            self.updates.sort(key=lambda u: u["update_id"])
        for poller in self._pollers:
            poller.wake.set()
        self._webhook_wake.set()

    def confirm_updates(self, offset: int | None) -> None:
        """Forget updates older than ``offset`` (a negative offset keeps the last -offset)."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            del self.updates[: max(0, len(self.updates) + offset)]
        else:
            self.updates = [u for u in self.updates
                            if u["update_id"] >= offset or u["update_id"] in self._redelivered]

    def eligible_updates(self, limit: int) -> list[dict[str, Any]]:
        """Queued updates of the allowed types, oldest first, at most ``limit``."""
        allowed = self.allowed_updates
        if not allowed:
            blocked = {"chat_member", "message_reaction", "message_reaction_count"}
            chosen = [u for u in self.updates if _update_type(u) not in blocked]
        else:
            chosen = [u for u in self.updates if _update_type(u) in allowed]
        chosen = chosen[:limit]
        self._redelivered.difference_update(u["update_id"] for u in chosen)
        return chosen

    def wake_pollers(self, conflict: bool) -> None:
        """Wake every pending getUpdates (``conflict``: make them answer 409)."""
        for poller in self._pollers:
            poller.conflict = poller.conflict or conflict
            poller.wake.set()

    # ------------------------------------------------------------------ recording bot output
    def record_call(self, method: str, params: dict[str, Any]) -> None:
        """Append one Bot API call to :attr:`calls`."""
        self.calls.append((method, params))

    def record_output(self, method: str, message: dict[str, Any], params: dict[str, Any]) -> None:
        """Log a message the bot sent or edited (a snapshot) and wake :meth:`wait_for`."""
        record = copy.deepcopy(message)
        record["method"] = method
        record["params"] = params
        chat_id = record["chat"]["id"]
        self._by_chat.setdefault(chat_id, []).append(len(self._sent))
        self._sent.append(record)
        self._taken.append(False)
        self.events.append((method, record))
        self._sent_event.set()
        self._sent_event = asyncio.Event()
        event = self._chat_events.pop(chat_id, None)
        if event is not None:
            event.set()

    def store_message(self, message: dict[str, Any]) -> None:
        """Save the current state of a message."""
        self.messages[(message["chat"]["id"], message["message_id"])] = message

    def record_upload(self, method: str, field: str, upload: UploadedFile, file_id: str) -> None:
        """Remember a file the bot uploaded."""
        self.uploaded_files.append(
            {
                "method": method,
                "field": field,
                "file_name": upload.filename,
                "mime_type": upload.content_type,
                "data": upload.data,
                "file_id": file_id,
            }
        )

    # ------------------------------------------------------------------ reading bot output
    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Every message the bot sent or edited (in order; optionally of one chat).

        Each entry is the Message object as the Bot API returned it at that moment, plus
        ``"method"`` (e.g. ``"sendMessage"``, ``"editMessageText"``) and ``"params"`` (the
        decoded request parameters). :meth:`message` gives the current state after edits.
        """
        if chat_id is None:
            return list(self._sent)
        return [m for m in self._sent if m["chat"]["id"] == chat_id]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """The current state of a message (KeyError when unknown or deleted)."""
        return self.messages[(chat_id, message_id)]

    def answers(self, callback_query_id: str) -> list[dict[str, Any]]:
        """The answerCallbackQuery parameters given for a callback query (empty if none)."""
        return list(self._answers.get(callback_query_id, []))

    def record_answer(self, callback_query_id: str, answer: dict[str, Any]) -> None:
        """Store an answerCallbackQuery and wake :meth:`wait_for_answer`."""
        self._answers.setdefault(callback_query_id, []).append(answer)
        self.events.append(("answerCallbackQuery", answer))
        self._answer_event.set()
        self._answer_event = asyncio.Event()

    async def wait_for_answer(
        self,
        callback_query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the documented control API
    ) -> dict[str, Any]:
        """Wait until the bot answered a callback query; return the answer's parameters."""
        async with asyncio.timeout(timeout):
            while not self._answers.get(callback_query_id):
                await self._answer_event.wait()
        return self._answers[callback_query_id][0]

    def mark_all_seen(self) -> None:
        """Make :meth:`wait_for` ignore everything the bot has sent so far."""
        self._taken = [True] * len(self._taken)
        self._first_untaken = len(self._taken)
        self._chat_first_untaken = {chat: len(positions)
                                    for chat, positions in self._by_chat.items()}

    async def wait_for(
        self,
        predicate: Predicate | None = None,
        chat_id: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the documented control API
        count: int = 1,
    ) -> list[dict[str, Any]]:
        """Wait for ``count`` bot outputs not yet returned by an earlier ``wait_for``.

        Semantics: every entry of :meth:`sent` (a send or an edit) is handed out by
        ``wait_for`` at most once. A call returns the *oldest* not-yet-returned entries that
        match ``chat_id`` (if given) and ``predicate`` (if given), waiting until ``count`` of
        them exist, and marks exactly those as returned. Entries that don't match stay
        available for later calls, so waiting for chat A and then chat B works in any arrival
        order. Use :meth:`mark_all_seen` to skip the bot's earlier output.

        Raises ``TimeoutError`` (with the recent transcript) when they don't arrive in time.
        """
        found: list[int] = []
        scanned = 0  # how far into the candidate list the last pass got
        try:
            async with asyncio.timeout(timeout):
                while True:
                    # Restart the scan if another waiter took an entry we had picked.
                    if any(self._taken[index] for index in found):
                        found, scanned = [], 0
                    candidates, first = self._candidates(chat_id)
                    scanned = max(scanned, first)
                    while scanned < len(candidates) and len(found) < count:
                        index = candidates[scanned]
                        scanned += 1
                        if not self._taken[index] and (predicate is None
                                                       or predicate(self._sent[index])):
                            found.append(index)
                    if len(found) == count:
                        return self._take(found)
                    if chat_id is None:
                        await self._sent_event.wait()
                    else:
                        await self._chat_events.setdefault(chat_id, asyncio.Event()).wait()
        except TimeoutError:
            recent = "\n".join(self.transcript_lines()[-12:])
            raise TimeoutError(
                f"wait_for(chat_id={chat_id}, count={count}) got {len(found)} matching "
                f"bot message(s) in {timeout} s. Recent transcript:\n{recent}"
            ) from None

    def _candidates(self, chat_id: int | None) -> tuple[list[int], int]:
        """Positions in _sent a waiter may take (all, or one chat's) and where to start."""
        if chat_id is None:
            return range(len(self._sent)), self._first_untaken  # type: ignore[return-value]
        positions = self._by_chat.get(chat_id, [])
        first = self._chat_first_untaken.get(chat_id, 0)
        while first < len(positions) and self._taken[positions[first]]:
            first += 1
        self._chat_first_untaken[chat_id] = first
        return positions, first

    def _take(self, found: list[int]) -> list[dict[str, Any]]:
        for index in found:
            self._taken[index] = True
        while self._first_untaken < len(self._taken) and self._taken[self._first_untaken]:
            self._first_untaken += 1
        return [self._sent[index] for index in found]

    def transcript_lines(self) -> list[str]:
        """The conversation so far as compact terminal lines (see :mod:`.transcript`)."""
        from bot.emulator.transcript import render_events

        return render_events(self.events, self.chats, self.users)

    def now(self) -> int:
        """The current Unix time (Telegram's ``date``)."""
        return int(time.time())


def _update_type(update: dict[str, Any]) -> str:
    for key in update:
        if key != "update_id":
            return key
    return ""
