"""The escalation ladder with a moved clock, its idempotence across restarts, and the
outbox under 429 storms and 5xx answers: nothing lost, nothing sent twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.demo import point_in
from schedules.sweeper import escalate_cases
from storage.models import Event, OutboxMessage
from tests.e2e.harness import ZHANG, file_report
from tests.e2e.test_dispatch import DAY_PATROL, LEADER, card_edit, card_in, case_of, cs, town

STREET_OFFICIALS = -1002000000001  # official chat of wx-by (白马社区 itself has none)


async def steps_of(bot, case_id: int) -> list[tuple[int, str]]:
    async with bot.db.sessions() as session:
        rows = await session.execute(select(Event.data).where(
            Event.case_id == case_id, Event.kind == "escalated").order_by(Event.id))
        return [(d["step"], d["missed"]) for d in rows.scalars()]


async def test_the_ladder_climbs_stops_on_ack_and_resumes_on_a_missed_deadline(
        db_url, tmp_path) -> None:
    async with town(db_url, tmp_path) as bot:
        await file_report(bot, ZHANG, await point_in(bot.db, "wx-by-bm-01"), "有人烧垃圾",
                          "burning")
        card = await card_in(bot, "wx-by-bm-01")
        case = await case_of(bot)
        patrol_chat = bot.chats["wx-by-bm-01"].id

        assert await escalate_cases(bot.svc) == 0  # nothing is late yet
        bot.clock.advance(timedelta(minutes=11))
        assert await escalate_cases(bot.svc) == 1
        assert await escalate_cases(bot.svc) == 0  # the same step is never taken twice
        reminder = await bot.reply(patrol_chat, predicate=lambda m: "⏰" in (m.get("text") or ""))
        assert "超过接单时限 1 分钟" in reminder["text"] and "张建国" in reminder["text"]
        assert any(e.get("type") == "text_link" or "tg://user" in str(e)
                   for e in reminder.get("entities", []))

        await bot.restart()  # a restart in the middle of the ladder loses nothing
        bot.clock.advance(timedelta(minutes=10))
        assert await escalate_cases(bot.svc) == 1
        to_leader = await bot.reply(LEADER.id)
        assert "20261123-0001" in to_leader["text"] and "超过接单时限 11 分钟" in to_leader["text"]
        bot.clock.advance(timedelta(minutes=10))
        assert await escalate_cases(bot.svc) == 1
        to_officials = await bot.reply(STREET_OFFICIALS)
        assert "🚨" in to_officials["text"] and "白马第一网格" in to_officials["text"]
        bot.clock.advance(timedelta(hours=1))
        assert await escalate_cases(bot.svc) == 0  # the top step waits for the next deadline
        # By the third step the on-site deadline (10:30) has passed as well.
        assert await steps_of(bot, case.id) == [(1, "ack"), (2, "ack"), (3, "on_site")]

        await bot.press(DAY_PATROL, card, cs(card, "ack"))  # late, but taken: the ladder stops
        await card_edit(bot, "wx-by-bm-01", "cs:arr:")
        assert await escalate_cases(bot.svc) == 1  # …and resumes at once: on-site is past too
        assert await steps_of(bot, case.id) == [(1, "ack"), (2, "ack"), (3, "on_site"),
                                                (3, "on_site")]


async def test_ack_in_time_then_missing_the_on_site_deadline_resumes_at_step_one(
        db_url, tmp_path) -> None:
    async with town(db_url, tmp_path) as bot:
        await file_report(bot, ZHANG, await point_in(bot.db, "wx-by-bm-01"), "有人烧秸秆",
                          "burning")
        card = await card_in(bot, "wx-by-bm-01")
        bot.clock.advance(timedelta(minutes=5))
        await bot.press(DAY_PATROL, card, cs(card, "ack"))
        await card_edit(bot, "wx-by-bm-01", "cs:arr:")
        bot.clock.advance(timedelta(minutes=20))  # 10:25: still before 10:30
        assert await escalate_cases(bot.svc) == 0
        bot.clock.advance(timedelta(minutes=6))
        assert await escalate_cases(bot.svc) == 1
        reminder = await bot.reply(bot.chats["wx-by-bm-01"].id,
                                   predicate=lambda m: "⏰" in (m.get("text") or ""))
        assert "超过到场时限 1 分钟" in reminder["text"]
        case = await case_of(bot)
        assert await steps_of(bot, case.id) == [(1, "on_site")]


async def test_429_storms_and_5xx_lose_nothing_and_send_nothing_twice(db_url, tmp_path) -> None:
    async with town(db_url, tmp_path) as bot:
        emu = bot.emulator
        emu.fail_next("sendLocation", 502, count=3)  # only the outbox sends pins
        await file_report(bot, ZHANG, await point_in(bot.db, "wx-by-bm-01"), "有人放烟花",
                          "fireworks")
        card = await card_in(bot, "wx-by-bm-01")
        pin = await bot.reply(bot.chats["wx-by-bm-01"].id, timeout=20,
                              predicate=lambda m: "location" in m)
        assert pin
        # From here on, what the bot sends is the outbox's: the card edit and the notice.
        emu.fail_next("sendMessage", 429, count=5, retry_after=1)
        emu.fail_next("editMessageText", 500, count=2)
        await bot.press(DAY_PATROL, card, cs(card, "ack"))
        await card_edit(bot, "wx-by-bm-01", "cs:arr:", timeout=30)  # after two backoffs
        notice = await bot.reply(ZHANG.id, timeout=30, predicate=lambda m: "接单" in m["text"])
        assert notice
        await bot.outbox_idle()
        patrol = emu.sent(bot.chats["wx-by-bm-01"].id)
        assert sum(1 for m in patrol if m["method"] == "sendMessage") == 1
        assert sum(1 for m in patrol if m["method"] == "sendLocation") == 1
        assert sum(1 for m in emu.sent(ZHANG.id) if "已由网格员接单" in (m.get("text") or "")) == 1
        async with bot.db.sessions() as session:
            states = dict((await session.execute(
                select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))).all())
            retried = await session.scalar(select(func.count()).where(OutboxMessage.attempts > 1))
        assert states == {"sent": sum(states.values())}
        assert retried >= 1


async def test_unreachable_chats_are_recorded_and_shown_to_admins(db_url, tmp_path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.forget_chat(bot.chats["wx-by-bm-01"].id)  # the bot was removed
        await file_report(bot, ZHANG, await point_in(bot.db, "wx-by-bm-01"), "有人烧垃圾",
                          "burning")
        admin_id = 6100000401
        alert = await bot.reply(admin_id, timeout=10)
        assert "-1001000000011" in alert["text"] and "无法送达" in alert["text"]
        async with bot.db.sessions() as session:
            undeliverable = await session.scalar(select(func.count()).where(
                OutboxMessage.state == "undeliverable"))
            events = await session.scalar(select(func.count()).where(
                Event.kind == "undeliverable"))
        assert undeliverable >= 1 and events == undeliverable


async def test_an_acknowledged_case_never_reached_escalates_again_at_the_resolve_deadline(
        db_url, tmp_path) -> None:
    async with town(db_url, tmp_path) as bot:
        await file_report(bot, ZHANG, await point_in(bot.db, "wx-by-bm-01"), "工地扬尘很大",
                          "dust")
        card = await card_in(bot, "wx-by-bm-01")
        await bot.press(DAY_PATROL, card, cs(card, "ack"))
        await card_edit(bot, "wx-by-bm-01", "cs:arr:")
        for minutes in (31, 10, 10):  # on site missed: steps 1, 2, 3
            bot.clock.advance(timedelta(minutes=minutes))
            assert await escalate_cases(bot.svc) == 1
        bot.clock.advance(timedelta(hours=5))
        assert await escalate_cases(bot.svc) == 0
        bot.clock.advance(timedelta(hours=19))  # past the 24-hour resolve deadline
        assert await escalate_cases(bot.svc) == 1
        case = await case_of(bot)
        assert await steps_of(bot, case.id) == [(1, "on_site"), (2, "on_site"),
                                                (3, "on_site"), (3, "resolve")]


async def test_a_step_with_nobody_to_tell_goes_on_to_the_next(db_url, tmp_path) -> None:
    async with town(db_url, tmp_path) as bot:
        # 新华第一网格 has no leader of its own; its community's leader is found, but here
        # the leader chain is emptied so step 2 has nobody and step 3 follows at once.
        from sqlalchemy import delete

        from storage.models import Membership
        async with bot.db.transaction() as session:
            await session.execute(delete(Membership).where(Membership.role == "leader"))
        await file_report(bot, ZHANG, await point_in(bot.db, "wx-by-xh-02"), "有人烧垃圾",
                          "burning")
        await card_in(bot, "wx-by-xh-02")
        bot.clock.advance(timedelta(minutes=11))
        assert await escalate_cases(bot.svc) == 1
        bot.clock.advance(timedelta(minutes=10))
        assert await escalate_cases(bot.svc) == 1
        case = await case_of(bot)
        async with bot.db.sessions() as session:
            sent = [(d["step"], d["sent"]) for d in (await session.execute(
                select(Event.data).where(Event.case_id == case.id, Event.kind == "escalated")
                .order_by(Event.id))).scalars()]
        assert sent == [(1, 1), (2, 0), (3, 1)]
        assert await bot.reply(STREET_OFFICIALS)
