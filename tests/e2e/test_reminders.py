"""Reminders end to end: the real bot, the emulator and a clock the tests move.

The scheduler's tick runs on real time; the tests call it directly after moving the clock,
as a tick at that moment would (a background tick in between changes nothing: every
reminder has a key and goes out at most once).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.demo import point_in, town_chats
from bot.emulator import TgUser
from dispatch.outbox import pending_count
from schedules.reminders import tick
from storage.models import OutboxMessage, Report, Subscription
from tests.e2e.harness import ALICE, GRIDS, ROSTER, ZHANG, running_bot

SHANGHAI = ZoneInfo("Asia/Shanghai")
EVE_BEFORE = datetime(2027, 2, 4, 17, 0, tzinfo=SHANGHAI)  # 除夕 2027 is Feb 5
LI = TgUser(1003, "李", "四", language_code="zh-hans")
WANG = TgUser(1004, "王", "五", language_code="zh-hans")


def town(db_url: str, tmp: Path, start: datetime = EVE_BEFORE, **sections):
    return running_bot(db_url, tmp, start=start, grids=GRIDS, roster=ROSTER,
                       sections={"reminders": sections} if sections else None)


async def drained(bot) -> None:
    """Wait (up to 10 s) until the outbox has delivered everything queued."""
    async with asyncio.timeout(10):
        while True:
            async with bot.db.sessions() as session:
                if await pending_count(session) == 0:
                    return
            await asyncio.sleep(0.05)


async def patrol_chats(bot) -> dict:
    """The emulator knows the town's chats; the patrol chats by grid code."""
    chats = await town_chats(bot.emulator, bot.db)
    return {code: chat for code, chat in chats.items() if not code.startswith("official:")}


def texts(bot, chat_id: int, needle: str) -> list[str]:
    """Texts the bot sent to `chat_id` that contain `needle`."""
    return [m["text"] for m in bot.emulator.sent(chat_id) if needle in (m.get("text") or "")]


async def at(bot, moment: datetime) -> int:
    """Move the clock to `moment`, tick, and wait for delivery; how many were queued."""
    bot.clock.set(moment)
    queued = await tick(bot.svc)
    await drained(bot)
    return queued


async def test_a_window_opening_tells_each_patrol_chat_exactly_once(
        db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        chats = await patrol_chats(bot)
        await at(bot, datetime(2027, 2, 4, 17, 59, tzinfo=SHANGHAI))
        assert all(not texts(bot, chat.id, "除夕夜") for chat in chats.values())
        await at(bot, datetime(2027, 2, 4, 18, 0, tzinfo=SHANGHAI))
        await at(bot, datetime(2027, 2, 4, 18, 20, tzinfo=SHANGHAI))
        assert len(chats) == 9
        for code, chat in chats.items():
            [notice] = texts(bot, chat.id, "除夕夜")
            assert "明晚 18:00起进入「除夕夜」（高等级" in notice, code
            assert "至2月6日 02:00" in notice and "燃放烟花爆竹" in notice
        async with bot.db.sessions() as session:
            keys = set((await session.execute(select(OutboxMessage.dedup_key))).scalars())
        assert f"remind:chuxi_night:2027-02-04:{chats['wx-by-bm-01'].id}:pre" in keys


async def test_restart_in_the_middle_sends_nothing_twice(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        chats = await patrol_chats(bot)
        first = await at(bot, datetime(2027, 2, 5, 20, 0, tzinfo=SHANGHAI))
        assert first > 0
        before = {chat.id: len(bot.emulator.sent(chat.id)) for chat in chats.values()}
        bm01 = chats["wx-by-bm-01"].id
        [shift] = texts(bot, bm01, "交接班")
        assert "20:00" in shift and "李秀英 上岗" in shift and "全员在岗：张建国、李秀英" in shift
        [peak] = texts(bot, bm01, "高发时段")
        assert "18:00" in peak
        await bot.restart()
        assert await at(bot, datetime(2027, 2, 5, 20, 0, 30, tzinfo=SHANGHAI)) == 0
        await asyncio.sleep(0.3)
        assert {chat.id: len(bot.emulator.sent(chat.id)) for chat in chats.values()} == before


async def test_missed_while_down_is_sent_within_the_grace_only(db_url: str, tmp_path: Path
                                                               ) -> None:
    async with town(db_url, tmp_path, start=datetime(2027, 2, 5, 17, 0, tzinfo=SHANGHAI),
                    grace="1h") as bot:
        chats = await patrol_chats(bot)
        await at(bot, datetime(2027, 2, 5, 17, 0, tzinfo=SHANGHAI))
        await bot.restart()  # the bot was down from 17:00 to 21:30
        await at(bot, datetime(2027, 2, 5, 21, 30, tzinfo=SHANGHAI))
        bm01 = chats["wx-by-bm-01"].id
        # 21:00 is within the hour of grace; 18:00 (peak) and 20:00 (shift) are not.
        assert [t for t in texts(bot, bm01, "高发时段") if "21:00" in t]
        assert not [t for t in texts(bot, bm01, "高发时段") if "18:00" in t]
        assert not texts(bot, bm01, "交接班")


async def test_subscribers_get_the_public_notice_and_others_do_not(
        db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path, start=datetime(2027, 2, 5, 10, 0, tzinfo=SHANGHAI)) as bot:
        latitude, longitude = await point_in(bot.db, "wx-by-bm-01")
        # 张 subscribes by location, Alice in English, 李 subscribes then unsubscribes.
        for user in (ZHANG, ALICE, LI):
            [ask] = await bot.say(user, "/subscribe")
            assert ask["reply_markup"]["keyboard"][0][0]["request_location"] is True
            bot.emulator.send_location(user, latitude, longitude)
            done = await bot.reply(user.id)
            assert "白马第一网格" in done["text"]
        [gone] = await bot.say(LI, "/unsubscribe")
        assert "已退订" in gone["text"]
        [none] = await bot.say(WANG, "/unsubscribe")
        assert "没有订阅" in none["text"]
        await at(bot, datetime(2027, 2, 5, 15, 0, tzinfo=SHANGHAI))
        await at(bot, datetime(2027, 2, 5, 15, 30, tzinfo=SHANGHAI))
        [notice] = texts(bot, ZHANG.id, "禁燃禁放提示")
        assert "白马第一网格" in notice and "今晚 18:00起为「除夕夜」" in notice
        assert "明天起为「春节」" in notice and "燃放烟花爆竹" in notice
        [english] = texts(bot, ALICE.id, "Ban notice")
        assert "New Year's Eve night from tonight 18:00" in english
        assert not texts(bot, LI.id, "禁燃禁放提示")
        assert not texts(bot, WANG.id, "禁燃禁放提示")


async def test_subscribe_takes_the_grid_of_the_last_report(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        grid = bot.svc.catalog.router.by_code("wx-by-xh-02")
        async with bot.db.transaction() as session:
            session.add(Report(reporter_user_id=WANG.id, reporter_chat_id=WANG.id,
                               anonymous_id="R1", category="burning", grid_id=grid.id))
        [done] = await bot.say(WANG, "/subscribe")
        assert "新华第二网格" in done["text"] and "已订阅" in done["text"]
        [again] = await bot.say(WANG, "/subscribe")
        assert "已订阅「新华第二网格」" in again["text"]
        async with bot.db.sessions() as session:
            rows = (await session.execute(select(Subscription))).scalars().all()
        assert [(r.chat_id, r.grid_id, r.language) for r in rows] == [(WANG.id, grid.id, "zh")]


async def test_unsubscribe_with_several_grids_offers_buttons(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        for code in ("wx-by-bm-01", "wx-by-md"):
            latitude, longitude = await point_in(bot.db, code)
            await bot.say(ZHANG, "/subscribe")
            bot.emulator.send_location(ZHANG, latitude, longitude)
            await bot.reply(ZHANG.id)
        [choice] = await bot.say(ZHANG, "/unsubscribe")
        labels = [b["text"] for row in choice["reply_markup"]["inline_keyboard"] for b in row]
        assert labels == ["白马第一网格", "墨斗社区", "全部退订"]
        md = bot.svc.catalog.router.by_code("wx-by-md")
        await bot.press(ZHANG, choice, f"unsub:{md.id}")
        [edited] = await bot.edits(ZHANG.id)
        assert "墨斗社区" in edited["text"]
        stale = await bot.press(ZHANG, choice, f"unsub:{md.id}", forged=True)  # an old client
        assert bot.answers(stale)[0]["show_alert"]
        async with bot.db.sessions() as session:
            left = (await session.execute(select(Subscription.grid_id))).scalars().all()
        assert left == [bot.svc.catalog.router.by_code("wx-by-bm-01").id]


async def test_subscribe_outside_the_town_and_in_a_group(db_url: str, tmp_path: Path) -> None:
    from bot.emulator import TgChat

    async with town(db_url, tmp_path) as bot:
        await bot.say(ZHANG, "/subscribe")
        bot.emulator.send_location(ZHANG, 39.9, 116.4)  # Beijing
        outside = await bot.reply(ZHANG.id)
        assert "不在本平台服务的网格范围内" in outside["text"]
        group = TgChat(-100900, "supergroup", "居民群")
        [answer] = await bot.say(ZHANG, "/subscribe", chat=group)
        assert "私聊" in answer["text"]
        async with bot.db.sessions() as session:
            assert not (await session.execute(select(Subscription))).scalars().all()


async def test_bad_reminder_settings_stop_the_start_up_naming_the_key(
        db_url: str, tmp_path: Path) -> None:
    import pytest

    from bot.settings import SettingsError

    with pytest.raises(SettingsError, match=r"\[reminders\] texts\.zh\.peak: unknown placeholder"):
        async with town(db_url, tmp_path, texts={"zh": {"peak": "{oops}"}}):
            pass


async def test_ticks_every_30_seconds_by_default(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        job = bot.runtime.scheduler.get_job("reminders")
        assert job is not None and job.trigger.interval == timedelta(seconds=30)


async def test_the_demo_step_runs(db_url: str, tmp_path: Path, capsys) -> None:
    from bot.demo import Transcript
    from bot.demo_reminders import chuxi_reminders

    async with town(db_url, tmp_path, start=datetime(2027, 2, 5, 20, 30, tzinfo=SHANGHAI)) as bot:
        await chuxi_reminders(bot.emulator, bot.runtime, bot.clock, Transcript(bot.emulator))
    printed = capsys.readouterr().out
    assert "明晚 18:00起进入「除夕夜」" in printed and "今晚 18:00起为「除夕夜」" in printed
