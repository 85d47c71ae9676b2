"""Officials end to end: /status, /overdue, /bulletin, /export, /bind through the emulator."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import func, select

from bot.emulator import TgChat, TgUser
from dispatch.bulletins import first_workday_after
from schedules.bulletins import tick
from schedules.calendar import WorkCalendar
from storage.models import Case, Event, OutboxMessage
from tests.e2e.harness import ALICE, GRIDS, ROSTER, ZHANG, running_bot
from tests.test_officials.factory import add_cases, make_case

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 23, 10, 0, tzinfo=SH)  # a Monday
STREET_CHAT = TgChat(-1002000000001, "supergroup", "柏杨街道干部群")
DISTRICT_CHAT = TgChat(-1002000000002, "supergroup", "巫溪县干部群")
OTHER_GROUP = TgChat(-1003000000009, "supergroup", "随便聊聊")
OFFICIAL = TgUser(6100000301, "志华", "何", language_code="zh-hans")
ADMIN = TgUser(6100000401, "海", "梁", language_code="zh-hans")


def town(db_url: str, tmp: Path, **kwargs):
    return running_bot(db_url, tmp, start=START, grids=GRIDS, roster=ROSTER, **kwargs)


async def seed(bot) -> None:
    """Four cases today: one resolved in time, one late, one overdue now, one in 墨斗."""
    router = bot.svc.catalog.router
    bm1, bm2, md = (router.by_code(c).id for c in ("wx-by-bm-01", "wx-by-bm-02", "wx-by-md"))
    async with bot.db.transaction() as session:
        await add_cases(session, [
            make_case(bm1, START - timedelta(hours=2), satisfaction="satisfied"),
            make_case(bm1, START - timedelta(hours=2), category="fireworks", ack_min=15,
                      arrive_min=45),
            make_case(bm2, START - timedelta(hours=1), "acked", arrive_min=None, close_min=None),
            make_case(md, START - timedelta(minutes=30), "new", category="dust", ack_min=None,
                      arrive_min=None, close_min=None),
        ])


async def denied(bot) -> int:
    async with bot.db.sessions() as session:
        return await session.scalar(select(func.count(Event.id)).where(
            Event.kind == "access_denied", Event.case_id.is_(None)))


async def test_status_in_a_bound_chat_with_a_chart(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        await seed(bot)
        [answer] = await bot.say(ZHANG, "/status@lantian_bot", chat=STREET_CHAT)
        text = answer["text"]
        assert text.startswith("📊 柏杨街道 · 今天（11月23日）")
        assert "工单 4 件" in text and "待接单 1 · 处理中 1 · 已到场 0 · 已办结 2" in text
        assert "当前超时 2 件" in text and "墨斗社区" in text
        assert "及时接单 2/4（50%）" in text  # #4 (new, 09:40) is past its ack deadline
        assert "当班：周涛" in text and "满意率 1/1（100%）" in text
        assert "巡查考勤 0/6 班次（0%）" in text
        assert text.index("• 白马社区") < text.index("• 新华社区")  # worst first
        bot.emulator.send_text(ZHANG, "/status chart", chat=STREET_CHAT)
        _, photo = await bot.replies(STREET_CHAT.id, 2)
        assert photo["method"] == "sendPhoto" and "每日工单" in photo["caption"]
        upload = bot.emulator.uploaded_files[-1]
        assert upload["method"] == "sendPhoto" and upload["data"].startswith(b"\x89PNG")


async def test_refused_in_an_unbound_chat_and_for_a_resident(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        [group] = await bot.say(OFFICIAL, "/status", chat=OTHER_GROUP)
        assert "还没有绑定网格" in group["text"] and "梁海" in group["text"]
        assert "/bind" in group["text"]
        [private] = await bot.say(ZHANG, "/status")
        assert "只供干部和管理员使用" in private["text"] and "梁海" in private["text"]
        [english] = await bot.say(ALICE, "/overdue")
        assert english["text"].startswith("Sorry, /overdue is for officials")
        assert await denied(bot) == 3


async def test_an_official_in_private_with_each_argument_form(db_url: str,
                                                              tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        await seed(bot)
        cases = [
            ("/status", "柏杨街道 · 今天"),
            ("/status 白马社区 month", "白马社区 · 2026年11月"),
            ("/status wx-by-md week", "墨斗社区 · 本周（11月23日–11月29日）"),
            ("/status 2026-11", "柏杨街道 · 2026年11月"),
            ("/status quarter", "柏杨街道 · 2026年第4季度"),
            ("/status 2026-11-20..2026-11-23", "柏杨街道 · 11月20日–11月23日"),
            ("/status yesterday 白马第一网格", "白马第一网格 · 11月22日"),
            ("/status 巫溪县", "不在您可以查看的范围内"),
            ("/status 2026-13", "没看懂时段「2026-13」"),
            ("/status 不存在的地方", "没有找到网格"),
        ]
        for command, expected in cases:
            [answer] = await bot.say(OFFICIAL, command)
            assert expected in answer["text"], (command, answer["text"])
        [month] = await bot.say(OFFICIAL, "/status 白马社区 month")
        assert "工单 3 件" in month["text"]
        [overdue] = await bot.say(OFFICIAL, "/overdue")
        assert "当前超时工单 2 件" in overdue["text"]
        assert overdue["text"].index("墨斗社区") > overdue["text"].index("白马第二网格")


async def test_chart_button_sends_the_chart(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        await seed(bot)
        [answer] = await bot.say(OFFICIAL, "/status week")
        await bot.press(OFFICIAL, answer, answer["reply_markup"]["inline_keyboard"][0][0]
                        ["callback_data"])
        [photo] = await bot.replies(OFFICIAL.id)
        assert photo["method"] == "sendPhoto"
        forged = await bot.press(ZHANG, answer, "of:chart:1:week", forged=True)
        [refusal] = bot.answers(forged)
        assert refusal["show_alert"]


async def outbox_of(bot, chat_id: int, purpose: str) -> list[OutboxMessage]:
    async with bot.db.sessions() as session:
        return list((await session.execute(select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id, OutboxMessage.purpose == purpose))).scalars())


async def test_monthly_bulletin_goes_out_once_at_the_right_moment(db_url: str,
                                                                  tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        await seed(bot)
        bot.clock.set(datetime(2026, 11, 27, 16, 59, tzinfo=SH))
        assert await tick(bot.svc) == 0
        bot.clock.set(datetime(2026, 11, 27, 17, 0, tzinfo=SH))
        assert await tick(bot.svc) == 2  # the street's and the district's chats
        street = await bot.reply(STREET_CHAT.id, timeout=10)
        assert "柏杨街道 2026年11月 大气污染防治网格化管理月通报" in street["text"]
        assert "本月受理工单 4 件" in street["text"] and "🏆 表现最好" in street["text"]
        district = await bot.reply(DISTRICT_CHAT.id, timeout=10)
        assert district["text"].startswith("📰 巫溪县")
        assert await tick(bot.svc) == 0
        await bot.restart()
        bot.clock.advance(timedelta(days=1))
        assert await tick(bot.svc) == 0
        assert len(await outbox_of(bot, STREET_CHAT.id, "bulletin")) == 1
        [on_demand] = await bot.say(ZHANG, "/bulletin", chat=STREET_CHAT)
        assert "月通报" in on_demand["text"]


async def test_quarterly_ranking_with_its_workbook(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        router = bot.svc.catalog.router
        async with bot.db.transaction() as session:
            await add_cases(session, [
                make_case(router.by_code("wx-by-xh-01").id, datetime(2026, 8, 3, 9, tzinfo=SH)),
                make_case(router.by_code("wx-by-fy").id, datetime(2026, 8, 4, 9, tzinfo=SH),
                          ack_min=30, arrive_min=90),
            ])
        day = first_workday_after(date(2026, 9, 30), WorkCalendar())
        bot.clock.set(datetime.combine(day, time(8, 59), SH))
        assert await tick(bot.svc) == 0
        bot.clock.set(datetime.combine(day, time(9, 0), SH))
        assert await tick(bot.svc) == 2
        text, document = await bot.replies(STREET_CHAT.id, 2, timeout=10)
        assert "2026年第3季度 网格季度评比" in text["text"]
        assert "🏆 第一名：新华第一网格" in text["text"] and "⚠️ 末位：丰益社区" in text["text"]
        assert document["method"] == "sendDocument"
        upload = next(u for u in reversed(bot.emulator.uploaded_files)
                      if u["method"] == "sendDocument")
        book = openpyxl.load_workbook(io.BytesIO(upload["data"]))
        grids = {row[0]: row for row in book["分网格"].iter_rows(min_row=2, values_only=True)}
        assert grids["wx-by-xh-01"][-1] == 1 and grids["wx-by-fy"][3] == 1
        assert await tick(bot.svc) == 0


async def test_export_opens_and_matches_the_database(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        await seed(bot)
        bot.emulator.send_text(ZHANG, "/export month", chat=STREET_CHAT)
        [document] = await bot.replies(STREET_CHAT.id)
        assert document["method"] == "sendDocument" and "工单 4 件" in document["caption"]
        upload = bot.emulator.uploaded_files[-1]
        assert upload["file_name"].endswith(".xlsx")
        book = openpyxl.load_workbook(io.BytesIO(upload["data"]))
        rows = list(book["工单"].iter_rows(min_row=2, values_only=True))
        async with bot.db.sessions() as session:
            numbers = set((await session.execute(select(Case.number))).scalars())
        assert {row[0] for row in rows} == numbers
        grids = {row[0]: row for row in book["分网格"].iter_rows(min_row=2, values_only=True)}
        assert grids["wx-by"][3] == 4 and grids["wx-by-bm"][3] == 3
        assert grids["wx-by"][16] == 2  # overdue now


async def test_bind_and_unbind_a_group(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        [refused] = await bot.say(OFFICIAL, "/bind wx-by-md", chat=OTHER_GROUP)
        assert "只有 墨斗社区 或上级网格的管理员" in refused["text"]
        [bound] = await bot.say(ADMIN, "/bind@lantian_bot wx-by-md", chat=OTHER_GROUP)
        assert "已绑定到 墨斗社区（wx-by-md）" in bound["text"]
        assert any(scope.get("chat_id") == OTHER_GROUP.id for scope in
                   (params.get("scope") or {} for method, params in bot.emulator.calls
                    if method == "setMyCommands") if isinstance(scope, dict))
        [status] = await bot.say(ZHANG, "/status", chat=OTHER_GROUP)
        assert status["text"].startswith("📊 墨斗社区")
        [unbound] = await bot.say(ADMIN, "/unbind", chat=OTHER_GROUP)
        assert "已解除" in unbound["text"]
        [again] = await bot.say(ZHANG, "/status", chat=OTHER_GROUP)
        assert "还没有绑定网格" in again["text"]
        [file_bound] = await bot.say(ADMIN, "/unbind", chat=STREET_CHAT)
        assert "网格文件中配置的绑定仍然有效：柏杨街道" in file_bound["text"]
