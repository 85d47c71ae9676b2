"""Outbox rules without Telegram: per-chat order, dedup keys, and coalescing of messages
that only the newest of matters (a running count, a card edit)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select, update

from dispatch import outbox
from dispatch.outbox import Outgoing, enqueue, lease_due, mark_sent
from storage.db import Database
from storage.models import Case, OutboxMessage

GROUP = -100_200


async def _case(db: Database, number: str = "20261231-0001") -> int:
    async with db.transaction() as session:
        case = Case(number=number, category="fireworks", created_at=datetime.now(UTC))
        session.add(case)
        await session.flush()
        return case.id


def _count(case_id: int, n: int, **kwargs) -> Outgoing:
    return Outgoing(chat_id=GROUP, method="sendMessage", payload={"text": f"共 {n} 人举报"},
                    case_id=case_id, purpose="merged", coalesce=True, **kwargs)


def _edit(case_id: int, card: int, n: int) -> Outgoing:
    return Outgoing(chat_id=GROUP, method="editMessageText", payload={"text": f"card {n}"},
                    case_id=case_id, purpose="refresh", edit_of=card, coalesce=True)


async def _rows(db: Database) -> list[OutboxMessage]:
    async with db.sessions() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id)))
                    .scalars())


async def test_a_newer_count_replaces_the_one_still_waiting(db: Database) -> None:
    case_id = await _case(db)
    async with db.transaction() as session:
        first = await enqueue(session, _count(case_id, 2))
    for n in (3, 4, 5):
        async with db.transaction() as session:
            assert await enqueue(session, _count(case_id, n)) == first
    rows = await _rows(db)
    assert [(r.id, r.payload["text"]) for r in rows] == [(first, "共 5 人举报")]


async def test_a_leased_or_tried_row_is_never_rewritten(db: Database) -> None:
    case_id = await _case(db)
    async with db.transaction() as session:
        first = await enqueue(session, _count(case_id, 2))
    async with db.transaction() as session:
        [leased] = await lease_due(session)  # a delivery is sending it right now
    assert leased.id == first
    async with db.transaction() as session:
        second = await enqueue(session, _count(case_id, 3))
    assert second != first
    async with db.transaction() as session:
        await mark_sent(session, [(first, 77)])
        # A row that failed once and waits for its retry is not rewritten either.
        await session.execute(update(OutboxMessage).where(OutboxMessage.id == second)
                              .values(attempts=1))
    async with db.transaction() as session:
        third = await enqueue(session, _count(case_id, 4))
    rows = await _rows(db)
    assert [r.payload["text"] for r in rows] == ["共 2 人举报", "共 3 人举报", "共 4 人举报"]
    assert third not in (first, second)


async def test_coalescing_keeps_cases_chats_and_cards_apart(db: Database) -> None:
    one, two = await _case(db), await _case(db, "20261231-0002")
    async with db.transaction() as session:
        await enqueue(session, _count(one, 2))
        await enqueue(session, _count(two, 2))  # another case
        await enqueue(session, Outgoing(chat_id=GROUP + 1, method="sendMessage",
                                        payload={"text": "elsewhere"}, case_id=one,
                                        purpose="merged", coalesce=True))  # another chat
        await enqueue(session, _edit(one, card=10, n=1))
        await enqueue(session, _edit(one, card=11, n=1))  # an edit of another card
        await enqueue(session, _edit(one, card=10, n=2))  # replaces card 10's first edit
        # Not marked coalesce: always a row of its own.
        await enqueue(session, Outgoing(chat_id=GROUP, method="sendMessage",
                                        payload={"text": "plain"}, case_id=one,
                                        purpose="merged"))
    rows = await _rows(db)
    assert [(r.case_id, r.chat_id, r.payload["text"]) for r in rows] == [
        (one, GROUP, "共 2 人举报"), (two, GROUP, "共 2 人举报"), (one, GROUP + 1, "elsewhere"),
        (one, GROUP, "card 2"), (one, GROUP, "card 1"), (one, GROUP, "plain")]
    assert [r.payload.get("_edit_of") for r in rows[3:5]] == [10, 11]


async def test_each_chat_delivers_in_order_and_dedup_keys_queue_once(db: Database) -> None:
    async with db.transaction() as session:
        a1 = await enqueue(session, Outgoing(GROUP, "sendMessage", {"text": "a1"}))
        b1 = await enqueue(session, Outgoing(GROUP + 1, "sendMessage", {"text": "b1"}))
        a2 = await enqueue(session, Outgoing(GROUP, "sendMessage", {"text": "a2"},
                                             dedup_key="k"))
        assert await enqueue(session, Outgoing(GROUP, "sendMessage", {"text": "again"},
                                               dedup_key="k")) is None
    async with db.transaction() as session:
        assert [r.id for r in await lease_due(session)] == [a1, b1]  # one head per chat
        assert await lease_due(session) == []  # leased rows are hidden
    async with db.transaction() as session:
        await mark_sent(session, [(a1, 1), (b1, 2)])
    async with db.transaction() as session:
        assert [r.id for r in await lease_due(session)] == [a2]
    async with db.sessions() as session:
        assert await outbox.pending_count(session) == 1
        sent = {r.id: r for r in (await session.execute(select(OutboxMessage))).scalars()}
    assert (sent[a1].state, sent[a1].telegram_message_id, sent[a1].attempts) == ("sent", 1, 1)
    assert (sent[b1].state, sent[b1].telegram_message_id) == ("sent", 2)
    async with db.transaction() as session:
        assert await outbox.edit_targets(session, [a1, a2, 999]) == {
            a1: ("sent", 1, "sendMessage"), a2: ("pending", None, "sendMessage"),
            999: ("undeliverable", None, None)}


def test_an_edit_of_a_picture_edits_its_caption() -> None:
    card = {"text": "<b>工单</b>\n📝 很长的描述", "_caption": "<b>工单</b>", "parse_mode": "HTML"}
    sent_as_photo = outbox.EditTarget("sent", 7, "sendPhoto")
    params = dict(card)
    assert outbox.edit_method("editMessageText", params, sent_as_photo) == "editMessageCaption"
    assert params == {"caption": "<b>工单</b>", "parse_mode": "HTML"}
    params = dict(card)  # a text card keeps its whole text
    assert outbox.edit_method("editMessageText", params,
                              outbox.EditTarget("sent", 7, "sendMessage")) == "editMessageText"
    assert params == {"text": card["text"], "parse_mode": "HTML"}
    params = {"text": "计数"}  # no caption given: the text is the caption
    assert outbox.edit_method("editMessageText", params,
                              outbox.EditTarget("sent", 7, "sendDocument")) == "editMessageCaption"
    assert params == {"caption": "计数"}
    params = {"reply_markup": {"inline_keyboard": []}}  # other edits are left as they are
    assert outbox.edit_method("editMessageReplyMarkup", params,
                              sent_as_photo) == "editMessageReplyMarkup"
    assert params == {"reply_markup": {"inline_keyboard": []}}


async def test_a_row_whose_lease_ran_out_mid_send_is_not_rewritten(db: Database) -> None:
    """A slow send (a rate limiter sleeping through 429s) can outlive its lease: the row is
    due again, but the message on its way must not change under it."""
    case_id = await _case(db)
    async with db.transaction() as session:
        first = await enqueue(session, _count(case_id, 2))
    async with db.transaction() as session:
        [leased] = await lease_due(session)
        # Five minutes later: the lease has run out, the row looks due again.
        await session.execute(update(OutboxMessage).where(OutboxMessage.id == first)
                              .values(next_attempt_at=datetime.now(UTC) - outbox.LEASE / 5))
    assert leased.id == first
    async with db.transaction() as session:
        assert await enqueue(session, _count(case_id, 3)) != first
    assert [r.payload["text"] for r in await _rows(db)] == ["共 2 人举报", "共 3 人举报"]


async def test_workers_leasing_at_once_never_share_a_row(db: Database) -> None:
    async with db.transaction() as session:
        queued = [await enqueue(session, Outgoing(GROUP - i, "sendMessage", {"text": f"m{i}"}))
                  for i in range(6)]

    async def worker() -> list[int]:
        async with db.transaction() as session:
            rows = await lease_due(session, limit=3)
            await asyncio.sleep(0.05)  # still leasing while the other worker comes
            return [row.id for row in rows]

    first, second = await asyncio.gather(worker(), worker())
    assert first == sorted(first) and second == sorted(second)  # oldest first
    assert sorted(first + second) == sorted(queued)
    async with db.transaction() as session:
        assert await lease_due(session) == []
    async with db.sessions() as session:
        leased = (await session.execute(select(OutboxMessage))).scalars().all()
    assert all(row.next_attempt_at > row.created_at for row in leased)  # never coalesced now


async def test_a_keyed_and_a_plain_message_are_stored_alike(db: Database) -> None:
    # Two statements queue a message (a plain INSERT, or one that skips a dedup key seen
    # before): a column one of them forgets would be lost silently, so compare the rows.
    case_id = await _case(db)
    message = Outgoing(chat_id=GROUP, method="sendPhoto", payload={"photo": "f", "caption": "c"},
                       case_id=case_id, purpose="card", edit_of=None)
    async with db.transaction() as session:
        plain = await enqueue(session, message)
        keyed = await enqueue(session, Outgoing(**{**message.__dict__, "dedup_key": "card:1"}))
    rows = {row.id: row for row in await _rows(db)}
    columns = [c.key for c in OutboxMessage.__table__.columns
               if c.key not in ("id", "dedup_key", "created_at", "next_attempt_at")]
    assert {c: getattr(rows[plain], c) for c in columns} == \
        {c: getattr(rows[keyed], c) for c in columns}
    assert rows[keyed].dedup_key == "card:1" and rows[plain].dedup_key is None
    for row in rows.values():  # never leased: the marker coalescing relies on
        assert row.next_attempt_at == row.created_at
