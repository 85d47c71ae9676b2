"""The outbox: every message to someone other than the person we are answering is a row,
written in the same transaction as the change that caused it, and delivered later.

Rows hold a Bot API method and its parameters as plain JSON (a keyboard is a dict), so
nothing here imports Telegram. Delivery (`bot/delivery.py`) leases due rows, sends them,
and records the outcome with the helpers below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, select, update
from sqlalchemy import insert as sql_insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import chunks
from storage.models import Event, OutboxMessage, OutboxState
from storage.prepared import Prepared

# Long enough for PTB's AIORateLimiter to sleep through a few 429s inside one call.
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(minutes=10)
# After this many failed attempts (about a day of backoff) a row is given up as undeliverable.
MAX_ATTEMPTS = 150
_OUTBOX = OutboxMessage.__table__


@dataclass(frozen=True)
class Outgoing:
    """One message to queue: a Bot API method and its parameters."""

    chat_id: int
    method: str
    payload: dict[str, Any]
    case_id: int | None = None
    purpose: str = "notice"
    dedup_key: str | None = None
    # For edits of a message we sent earlier: the outbox id of that message. Delivery fills in
    # its Telegram message id (and waits until it is known).
    edit_of: int | None = None
    # A newer message of the same purpose for the same case and chat makes an older one
    # that is still waiting pointless (a card edit, a running count): it takes that row's
    # place instead of queueing behind it. See `enqueue`.
    coalesce: bool = False


def _real_now() -> datetime:
    # Delivery runs on real time even when the domain clock is moved (tests, demo).
    return datetime.now(UTC)


async def enqueue(session: AsyncSession, message: Outgoing) -> int | None:
    """Queue `message`; returns its id, or None when its `dedup_key` was queued before.

    A `coalesce` message replaces the payload of a waiting row of the same purpose, case,
    chat and edit target, if there is one that no delivery has leased or tried yet. On New
    Year's Eve twenty residents report the same fireworks within minutes: the patrol chat
    then gets one count and one card edit as fast as Telegram lets us send them, not forty
    messages queued in front of the next fire (a group takes about twenty a minute).
    """
    payload = dict(message.payload, chat_id=message.chat_id)
    if message.edit_of is not None:
        payload["_edit_of"] = message.edit_of
    if message.coalesce and message.case_id is not None:
        waiting = await _replace_waiting(session, message, payload)
        if waiting is not None:
            return waiting
    now = _real_now()
    # next_attempt_at == created_at marks a row that no delivery has leased or retried yet
    # (both move next_attempt_at): only such a row may be coalesced.
    values = dict(chat_id=message.chat_id, method=message.method, payload=payload,
                  case_id=message.case_id, purpose=message.purpose,
                  dedup_key=message.dedup_key, state=OutboxState.PENDING, attempts=0,
                  next_attempt_at=now, created_at=now)
    if message.dedup_key is None:  # a plain INSERT: no unit of work for a queued message
        return await _INSERT.scalar(session, values)
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    statement = (insert(OutboxMessage).values(**values)
                 .on_conflict_do_nothing(index_elements=["dedup_key"])
                 .returning(OutboxMessage.id))
    return (await session.execute(statement)).scalar_one_or_none()


_INSERT_KEYS = ("chat_id", "method", "payload", "case_id", "purpose", "dedup_key", "state",
                "attempts", "next_attempt_at", "created_at")
_INSERT = Prepared(sql_insert(_OUTBOX).values({key: bindparam(key) for key in _INSERT_KEYS})
                   .returning(_OUTBOX.c.id))


async def _replace_waiting(session: AsyncSession, message: Outgoing,
                           payload: dict[str, Any]) -> int | None:
    rows = await _WAITING.all(session, {
        "chat_id": message.chat_id, "case_id": message.case_id, "purpose": message.purpose,
        "method": message.method})
    # Coalescing keeps these to one per edited message, so there are only ever a few.
    row_id = next((row.id for row in rows
                   if row.payload.get("_edit_of") == message.edit_of), None)
    if row_id is None:
        return None
    # Checked again in the UPDATE: a delivery may have leased the row in between (on
    # PostgreSQL; SQLite's write lock rules that out). A leased row is never rewritten,
    # even after its lease ran out while a slow send was still in flight.
    if not await _REPLACE_WAITING.run(session, {"row_id": row_id, "payload": payload}):
        return None
    return row_id


_WAITING = Prepared(
    select(_OUTBOX.c.id, _OUTBOX.c.payload)
    .where(_OUTBOX.c.chat_id == bindparam("chat_id"), _OUTBOX.c.case_id == bindparam("case_id"),
           _OUTBOX.c.purpose == bindparam("purpose"), _OUTBOX.c.method == bindparam("method"),
           _OUTBOX.c.state == OutboxState.PENDING, _OUTBOX.c.attempts == 0,
           _OUTBOX.c.next_attempt_at == _OUTBOX.c.created_at)
    .order_by(_OUTBOX.c.id.desc()))
_REPLACE_WAITING = Prepared(
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"), _OUTBOX.c.state == OutboxState.PENDING,
           _OUTBOX.c.attempts == 0, _OUTBOX.c.next_attempt_at == _OUTBOX.c.created_at)
    .values(payload=bindparam("payload")))


async def queued_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Those of `keys` already queued (whatever became of them): never queue them again."""
    found: set[str] = set()
    for part in chunks(keys):
        rows = await session.execute(select(OutboxMessage.dedup_key).where(
            OutboxMessage.dedup_key.in_(list(part))))
        found.update(rows.scalars())
    return found


async def lease_due(session: AsyncSession, limit: int = 50,
                    now: datetime | None = None) -> list[Any]:
    """Claim up to `limit` due rows for delivery (hidden from other workers for LEASE).

    Only the oldest pending row of each chat is eligible, so a chat's messages go out in
    order; a chat whose oldest row waits for a retry waits as a whole, and never holds up
    other chats (the choice is made per chat in SQL, not after a LIMIT). Rows come back
    as plain rows with the table's columns as leased (nothing to track: delivery only
    reads them), oldest first.
    """
    now = now or _real_now()
    # One statement: choose the rows and move their next attempt past the lease (on
    # PostgreSQL skipping rows another worker is leasing at this moment).
    leased = await _LEASE.all(session, {"now": now, "limit": limit, "until": now + LEASE})
    return sorted(leased, key=lambda row: row.id)


_HEADS = (select(func.min(_OUTBOX.c.id)).where(_OUTBOX.c.state == OutboxState.PENDING)
          .group_by(_OUTBOX.c.chat_id))
_DUE = (select(_OUTBOX.c.id)
        .where(_OUTBOX.c.id.in_(_HEADS), _OUTBOX.c.next_attempt_at <= bindparam("now"))
        .order_by(_OUTBOX.c.id).limit(bindparam("limit"))
        .with_for_update(skip_locked=True))  # SQLite has no row locks: its writer is alone
_LEASE = Prepared(update(_OUTBOX).where(_OUTBOX.c.id.in_(_DUE))
                  .values(next_attempt_at=bindparam("until")).returning(*_OUTBOX.c))


class EditTarget(NamedTuple):
    """What an edit needs of the message it edits."""

    state: str
    message_id: int | None  # Telegram's, once sent
    method: str | None  # how it was sent


async def edit_targets(session: AsyncSession,
                       outbox_ids: Sequence[int]) -> dict[int, EditTarget]:
    """State, Telegram message id and send method of each message these edits refer to (a
    message never queued counts as undeliverable)."""
    found = {}
    for part in chunks(list(outbox_ids)):
        for row in await _TARGETS.all(session, {"ids": part}):
            found[row.id] = EditTarget(row.state, row.telegram_message_id, row.method)
    return {i: found.get(i, EditTarget(OutboxState.UNDELIVERABLE, None, None))
            for i in outbox_ids}


_TARGETS = Prepared(select(_OUTBOX.c.id, _OUTBOX.c.state, _OUTBOX.c.telegram_message_id,
                           _OUTBOX.c.method)
                    .where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True))))
MEDIA_SENDS = frozenset({"sendPhoto", "sendDocument"})


def edit_method(method: str, params: dict[str, Any], target: EditTarget) -> str:
    """The Bot API method of an edit, given how the message it edits was sent.

    A message sent as a photo or a document has a caption, not a text: an `editMessageText`
    of it becomes `editMessageCaption`, with the payload's `_caption` (the text made to fit
    a caption's shorter limit) as the caption. So whoever queues an edit of a case card
    need not look up how the card went out (a round trip per edit); delivery reads the
    target's row anyway. `params` is changed in place."""
    caption = params.pop("_caption", None)
    if method == "editMessageText" and target.method in MEDIA_SENDS:
        text = params.pop("text", None)
        params["caption"] = caption if caption is not None else text
        return "editMessageCaption"
    return method


async def mark_sent(session: AsyncSession, sent: Sequence[tuple[int, int | None]]) -> None:
    """Delivered: (outbox id, Telegram message id) pairs; the message id is kept so the
    message can be edited later. Each row's update stands alone (an autocommit session
    will do: a row recorded twice or not at all is sent again at most, never lost)."""
    now = _real_now()
    await _MARK_SENT.run_many(session, [
        {"row_id": row_id, "message_id": message_id, "sent_at": now}
        for row_id, message_id in sent])


_MARK_SENT = Prepared(
    update(_OUTBOX).where(_OUTBOX.c.id == bindparam("row_id"))
    .values(state=OutboxState.SENT, telegram_message_id=bindparam("message_id"),
            sent_at=bindparam("sent_at"), attempts=_OUTBOX.c.attempts + 1, last_error=None))


async def reroute(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup (Telegram's ChatMigrated): pending rows follow it."""
    await session.execute(update(OutboxMessage).where(
        OutboxMessage.chat_id == old_chat_id, OutboxMessage.state == OutboxState.PENDING)
        .values(chat_id=new_chat_id))


async def mark_retry(session: AsyncSession, outbox_id: int, attempts: int, error: str,
                     wait: timedelta | None = None) -> None:
    """Try again later: after `wait` (Telegram's retry_after) or an exponential backoff."""
    backoff = wait if wait is not None else min(timedelta(seconds=2 ** min(attempts, 10)),
                                                MAX_BACKOFF)
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(
        attempts=attempts + 1, last_error=error[:500], next_attempt_at=_real_now() + backoff))


async def mark_undeliverable(session: AsyncSession, row: Any, error: str) -> None:
    """Telegram refused for good (chat not found, bot blocked): record it (an audit event);
    `bot/delivery.py` also tells the admins."""
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(
        state=OutboxState.UNDELIVERABLE, attempts=OutboxMessage.attempts + 1,
        last_error=error[:500]))
    session.add(Event(case_id=row.case_id, kind="undeliverable", chat_id=row.chat_id,
                      at=_real_now(), data={"outbox_id": row.id, "error": error[:300],
                                            "purpose": row.purpose}))


async def pending_count(session: AsyncSession) -> int:
    """Rows still waiting for delivery."""
    return await _PENDING_COUNT.scalar(session) or 0


_PENDING_COUNT = Prepared(select(func.count()).select_from(_OUTBOX).where(
    _OUTBOX.c.state == OutboxState.PENDING))
