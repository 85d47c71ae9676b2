"""Outbox delivery: lease due rows, call the Bot API, record what happened.

429 → wait Telegram's retry_after; timeouts, network errors and 5xx → exponential backoff;
400/403 that no retry can fix (chat not found, bot blocked) → undeliverable, with an audit
event admins can see. A row is at-least-once: if the process dies between Telegram's answer
and our commit, the lease expires and the row is sent again (Telegram has no idempotency
key); everything else is exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Bot, InputFile
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.warnings import PTBUserWarning

from dispatch import outbox
from storage.db import Database
from storage.models import OutboxState

log = logging.getLogger(__name__)
# The outbox stores Bot API method names and calls them generically on purpose; PTB would
# warn on every call that a typed method exists.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.", category=PTBUserWarning)
NOT_MODIFIED = "message is not modified"
ADMIN_ALERT = "undeliverable_alert"


def _retry_after(exc: RetryAfter) -> timedelta:
    value = exc.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


class OutboxWorker:
    """Delivers the outbox until stopped; `wake()` makes it look at once."""

    def __init__(self, bot: Bot, db: Database, *, batch: int = 30, idle: float = 0.5,
                 concurrency: int = 10) -> None:
        self.bot = bot
        self.db = db
        self.batch = batch
        self.idle = idle
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.delivered = 0
        self._stopping = False
        # Sends waiting to be recorded, and the task recording them (see _record_sent).
        self._sent: list[tuple[int, int | None]] = []
        self._recording: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Something was queued: deliver now rather than at the next poll."""
        self._wake.set()

    def start(self) -> None:
        """Run in the background (again, after a stop)."""
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self) -> None:
        """Stop after the batch in flight (cancelling mid-transaction would leave a rollback
        half done on the connection)."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=10)
        except TimeoutError:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            try:
                handled = await self.deliver_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox delivery round failed")
                handled = 0
            if handled or self._stopping:
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.idle)
            except TimeoutError:
                pass

    async def deliver_once(self) -> int:
        """Lease one batch and deliver it; returns how many rows were handled."""
        # Each statement commits alone (storage.db.autocommit): the lease is one UPDATE,
        # whole by itself, and nothing else here writes.
        async with self.db.autocommit() as session:
            rows = await outbox.lease_due(session, self.batch)
            # The messages that edits refer to, in the same breath (a chat's edit is leased
            # only after the message it edits left the queue, so this cannot go stale).
            targets = await outbox.edit_targets(session, [
                row.payload["_edit_of"] for row in rows if "_edit_of" in row.payload])
        if rows:
            await asyncio.gather(*(self._deliver(row, targets) for row in rows))
        return len(rows)

    async def _deliver(self, row: Any, targets: dict[int, outbox.EditTarget]) -> None:
        async with self._slots:
            try:
                call = await self._params(row, targets)
                if call is None:
                    return
                method, params = call
                result = await self.bot.do_api_request(method, api_kwargs=params)
            except RetryAfter as exc:
                await self._record_retry(row, f"429: {exc}", _retry_after(exc))
            except ChatMigrated as exc:  # a group became a supergroup: follow it
                await self._migrate(row.chat_id, exc.new_chat_id)
            except FileNotFoundError as exc:  # an attachment gone from this disk
                await self._record_undeliverable(row, f"file missing: {exc.filename}")
            except Forbidden as exc:
                await self._record_undeliverable(row, f"403: {exc.message}")
            except BadRequest as exc:
                if NOT_MODIFIED in exc.message.lower():
                    await self._record_sent(row, None)
                else:
                    await self._record_undeliverable(row, f"400: {exc.message}")
            except (TimedOut, NetworkError, OSError) as exc:
                await self._record_retry(row, f"network: {exc}")
            except Exception as exc:  # a bug must not stall the queue: back off and log
                log.exception("outbox row %s failed", row.id)
                await self._record_retry(row, f"error: {exc!r}")
            else:
                await self._record_sent(row, _message_id(result))

    async def _migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        from sqlalchemy import update

        from storage.models import Grid, GridOfficialChat

        log.warning("chat %s is now %s: moving grids and pending messages", old_chat_id,
                    new_chat_id)
        async with self.db.transaction() as session:
            await outbox.reroute(session, old_chat_id, new_chat_id)
            await session.execute(update(Grid).where(Grid.patrol_chat_id == old_chat_id)
                                  .values(patrol_chat_id=new_chat_id))
            await session.execute(update(GridOfficialChat)
                                  .where(GridOfficialChat.chat_id == old_chat_id)
                                  .values(chat_id=new_chat_id))
        self.wake()

    async def _params(self, row: Any, targets: dict[int, outbox.EditTarget],
                      ) -> tuple[str, dict[str, Any]] | None:
        """(method, parameters) of the call that delivers `row`; None when it is not due
        after all (its edit target is still queued) or cannot be (recorded here)."""
        params = dict(row.payload)
        params["chat_id"] = row.chat_id  # the row's chat wins (it follows chat migrations)
        edit_of = params.pop("_edit_of", None)
        upload = params.pop("_upload", None)
        method = row.method
        if edit_of is not None:
            target = targets[edit_of]
            method = outbox.edit_method(method, params, target)
            if target.state == OutboxState.PENDING:
                await self._record_retry(row, "waiting for the message to edit", timedelta(seconds=1),
                                         count=False)
                return None
            if target.message_id is None:
                await self._record_undeliverable(row, "the message to edit was never delivered")
                return None
            params["message_id"] = target.message_id
        if upload:
            path = Path(upload["path"])
            content = await asyncio.to_thread(path.read_bytes)
            params[upload["field"]] = InputFile(content, filename=upload.get("filename", path.name))
        return method, params

    async def _record_sent(self, row: Any, message_id: int | None) -> None:
        """Record a send; sends that complete while a recording transaction waits for the
        database or runs are recorded together in the next one (a busy outbox commits
        once per handful of messages, not once per message)."""
        self._sent.append((row.id, message_id))
        if self._recording is None or self._recording.done():
            self._recording = asyncio.create_task(self._record_batches())
        await asyncio.shield(self._recording)
        self.delivered += 1

    async def _record_batches(self) -> None:
        """Record waiting sends until none are left. A failed transaction (the database
        locked or unreachable) puts its batch back and tries again: a send that Telegram
        took is never forgotten while the worker runs. Stopping gives up; those rows are
        sent again when their lease ends (at-least-once, see the module docstring)."""
        delay = 0.5
        while self._sent:
            batch, self._sent = self._sent, []
            try:
                async with self.db.autocommit() as session:  # one statement, see mark_sent
                    await outbox.mark_sent(session, batch)
                delay = 0.5
            except asyncio.CancelledError:
                self._sent[:0] = batch
                raise
            except Exception:
                log.exception("could not record %d sent messages; trying again", len(batch))
                self._sent[:0] = batch
                if self._stopping:
                    return
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def _record_retry(self, row: Any, error: str,
                            wait: timedelta | None = None, count: bool = True) -> None:
        if count and row.attempts + 1 >= outbox.MAX_ATTEMPTS:
            await self._record_undeliverable(row, f"gave up after {row.attempts + 1} attempts: "
                                                  f"{error}")
            return
        if count:
            log.warning("outbox row %s to chat %s: %s (attempt %s)", row.id, row.chat_id, error,
                        row.attempts + 1)
        async with self.db.transaction() as session:
            await outbox.mark_retry(session, row.id, row.attempts if count else row.attempts - 1,
                                    error, wait)

    async def _record_undeliverable(self, row: Any, error: str) -> None:
        log.warning("outbox row %s to chat %s undeliverable: %s", row.id, row.chat_id, error)
        async with self.db.transaction() as session:
            await outbox.mark_undeliverable(session, row, error)
            if row.purpose != ADMIN_ALERT:
                await self._alert_admins(session, row, error)

    async def _alert_admins(self, session, row: Any, error: str) -> None:
        """Tell the admins, at most once per chat and day, that a chat cannot be reached."""
        from dispatch.clock import to_local
        from dispatch.duty import admins
        from handlers.i18n import language_for, t

        day = f"{to_local(datetime.now(UTC)):%Y-%m-%d}"
        for admin in await admins(session):
            if admin.telegram_id == row.chat_id:
                continue
            lang = language_for(None, admin.language)
            await outbox.enqueue(session, outbox.Outgoing(
                chat_id=admin.telegram_id, method="sendMessage", purpose=ADMIN_ALERT,
                dedup_key=f"undeliverable:{row.chat_id}:{day}:{admin.telegram_id}",
                payload={"text": t(lang, "outbox.undeliverable", chat_id=row.chat_id,
                                   purpose=row.purpose, error=error[:200])}))
        self.wake()


def _message_id(result: Any) -> int | None:
    if isinstance(result, dict):
        return result.get("message_id")
    if isinstance(result, list) and result and isinstance(result[0], dict):
        return result[0].get("message_id")
    return None
