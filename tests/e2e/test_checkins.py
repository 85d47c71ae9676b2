"""Patrol check-ins end to end: /checkin with a location, /checkout, /duty, and the
leader's report of a missed check-in after a start-of-shift reminder."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.demo import point_in, town_chats
from bot.emulator import TgChat, TgUser
from schedules.reminders import tick
from storage.models import CheckIn, Person
from tests.e2e.harness import GRIDS, ROSTER, ZHANG, running_bot
from tests.e2e.test_reminders import at, texts

SHANGHAI = ZoneInfo("Asia/Shanghai")
EVE = datetime(2027, 2, 5, 17, 50, tzinfo=SHANGHAI)  # 除夕, a Friday
JIANGUO = TgUser(6100000101, "张建国", language_code="zh-hans")  # 白马第一网格, daily 08-20
YANGLI = TgUser(6100000106, "杨丽", language_code="zh-hans")  # 新华第一网格, 除夕 18:00-02:00
MA = 6100000201  # 马国庆, leader of 白马社区
HU = 6100000202  # 胡晓梅, leader of 新华社区


def town(db_url: str, tmp: Path, start: datetime = EVE):
    return running_bot(db_url, tmp, start=start, grids=GRIDS, roster=ROSTER)


async def shift_rows(bot, telegram_id: int) -> list[CheckIn]:
    async with bot.db.sessions() as session:
        return list((await session.execute(
            select(CheckIn).join(Person, CheckIn.person_id == Person.id)
            .where(Person.telegram_id == telegram_id).order_by(CheckIn.id))).scalars())


async def check_in(bot, user: TgUser, code: str, live: bool = False) -> dict:
    [ask] = await bot.say(user, "/checkin")
    assert ask["reply_markup"]["keyboard"][0][0]["request_location"] is True
    latitude, longitude = await point_in(bot.db, code)
    update = bot.emulator.send_location(user, latitude, longitude, live_period=900 if live else None)
    done = await bot.reply(user.id)
    done["update"] = update
    return done


async def test_check_in_duty_and_check_out(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        done = await check_in(bot, JIANGUO, "wx-by-bm-01")
        assert "已签到上岗" in done["text"] and "白马第一网格" in done["text"]
        assert done["reply_markup"] == {"remove_keyboard": True}
        [row] = await shift_rows(bot, JIANGUO.id)
        assert row.kind == "shift_start" and row.latitude is not None
        assert bot.svc.catalog.router.get(row.grid_id).code == "wx-by-bm-01"
        assert row.at == EVE
        [again] = await bot.say(JIANGUO, "/checkin")
        assert "无需重复签到" in again["text"]
        [duty] = await bot.say(JIANGUO, "/duty")
        assert "当前在岗" in duty["text"] and "白马第一网格：张建国" in duty["text"]
        assert "每天 08:00–20:00" in duty["text"] and "已于 02-05 17:50" in duty["text"]
        assert "接下来：02-06 08:00" in duty["text"]
        [out] = await bot.say(JIANGUO, "/checkout")
        assert "已签退" in out["text"] and "0小时0分钟" in out["text"]
        [none] = await bot.say(JIANGUO, "/checkout")
        assert "没有进行中的班次" in none["text"]
        assert [r.kind for r in await shift_rows(bot, JIANGUO.id)] == ["shift_start", "shift_end"]


async def test_duty_in_a_high_window_counts_all_hands(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path, start=datetime(2027, 2, 5, 21, 0, tzinfo=SHANGHAI)) as bot:
        [duty] = await bot.say(JIANGUO, "/duty")
        assert "除夕夜" in duty["text"] and "全体巡查队员在岗" in duty["text"]
        assert "白马第一网格：张建国、李秀英" in duty["text"]
        group = TgChat(-1001000000011, "supergroup", "白马第一网格巡查群")
        [in_group] = await bot.say(JIANGUO, "/duty", chat=group)
        assert "白马第一网格：张建国、李秀英" in in_group["text"]


async def test_live_location_checks_in_and_its_updates_stay_quiet(db_url: str, tmp_path: Path
                                                                   ) -> None:
    async with town(db_url, tmp_path) as bot:
        done = await check_in(bot, YANGLI, "wx-by-xh-01", live=True)
        assert "已签到上岗" in done["text"] and "新华第一网格" in done["text"]
        moved = copy.deepcopy(done["update"]["message"])
        moved["location"]["latitude"] += 0.0005
        moved["edit_date"] = moved["date"] + 60
        bot.emulator._inject("edited_message", moved)  # the live location moved
        [probe] = await bot.say(YANGLI, "/checkout")  # the next answer is to /checkout
        assert "已签退" in probe["text"]


async def test_non_members_and_groups_get_a_polite_answer(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        for command in ("/checkin", "/checkout", "/duty"):
            [answer] = await bot.say(ZHANG, command)
            assert "名册里没有找到您" in answer["text"]
        group = TgChat(-100900, "supergroup", "随便一个群")
        [answer] = await bot.say(JIANGUO, "/checkin", chat=group)
        assert "请私聊我" in answer["text"]
        [answer] = await bot.say(JIANGUO, "/duty", chat=group)
        assert "没有绑定巡查网格" in answer["text"]
        assert await shift_rows(bot, ZHANG.id) == []


async def test_a_location_without_checkin_is_still_a_report(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        latitude, longitude = await point_in(bot.db, "wx-by-bm-01")
        bot.emulator.send_location(JIANGUO, latitude, longitude)
        ack = await bot.reply(JIANGUO.id)
        assert "位置已收到" in ack["text"] and "问题类型" in ack["text"]
        assert await shift_rows(bot, JIANGUO.id) == []


async def test_missed_check_in_is_reported_to_the_grid_leader(db_url: str, tmp_path: Path
                                                              ) -> None:
    async with town(db_url, tmp_path) as bot:
        await town_chats(bot.emulator, bot.db)  # the leaders' private chats exist
        await at(bot, datetime(2027, 2, 5, 18, 0, tzinfo=SHANGHAI))
        [reminder] = texts(bot, -1001000000031, "交接班")
        assert "杨丽 上岗" in reminder and "/checkin" in reminder
        bot.clock.set(datetime(2027, 2, 5, 18, 10, tzinfo=SHANGHAI))
        await check_in(bot, YANGLI, "wx-by-xh-01")
        assert await at(bot, datetime(2027, 2, 5, 18, 29, tzinfo=SHANGHAI)) == 0
        assert await at(bot, datetime(2027, 2, 5, 18, 31, tzinfo=SHANGHAI)) == 1
        assert await at(bot, datetime(2027, 2, 5, 18, 40, tzinfo=SHANGHAI)) == 0
        [report] = texts(bot, MA, "尚未签到")
        assert "白马第二网格 18:00" in report and "刘芳" in report and "30 分钟" in report
        assert not texts(bot, HU, "尚未签到")
        assert await tick(bot.svc) == 0
