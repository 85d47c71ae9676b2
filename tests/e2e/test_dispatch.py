"""Dispatch end to end: the right patrol chat, duplicates, every button by allowed and
refused people, double presses, transfer, unfounded, satisfaction and reopening."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from shapely.geometry import Point, shape
from sqlalchemy import select

from bot.demo import point_in
from bot.emulator import TgUser
from storage.models import Case, CheckIn, Event, Report
from tests.e2e.harness import (
    ALICE,
    CASE_NUMBER,
    GRIDS,
    ROSTER,
    ZHANG,
    button_data,
    file_report,
    running_bot,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)  # a working day, working hours
DAY_PATROL = TgUser(6100000101, "张建国")     # wx-by-bm-01, daily 08:00-20:00
NIGHT_PATROL = TgUser(6100000102, "李秀英")   # wx-by-bm-01, daily 20:00-08:00
OTHER_PATROL = TgUser(6100000105, "陈明")     # wx-by-xh-01
LEADER = TgUser(6100000201, "马国庆")         # leader of wx-by-bm (the parent community)
LI = TgUser(1003, "李", "四")


def town(db_url: str, tmp: Path, start: datetime = MONDAY_10, **kwargs):
    return running_bot(db_url, tmp, start=start, grids=GRIDS, roster=ROSTER, **kwargs)


async def card_in(bot, code: str) -> dict:
    """The next case card posted in the patrol chat of grid `code`."""
    return await bot.reply(bot.chats[code].id, predicate=lambda m: "工单" in (
        m.get("caption") or m.get("text") or ""))


async def card_edit(bot, code: str, needle: str, timeout: float = 5.0) -> dict:
    [edited] = await bot.edits(bot.chats[code].id, timeout=timeout, predicate=lambda m: needle in (
        m.get("caption") or m.get("text") or "") or needle in json.dumps(m.get("reply_markup")))
    return edited


def cs(message: dict, action: str) -> str:
    return next(d for d in button_data(message) if d.startswith(f"cs:{action}:"))


async def case_of(bot, number: str | None = None) -> Case:
    async with bot.db.sessions() as session:
        query = select(Case).order_by(Case.id.desc())
        if number:
            query = query.where(Case.number == number)
        return (await session.execute(query)).scalars().first()


async def events_of(bot, case_id: int) -> list[str]:
    async with bot.db.sessions() as session:
        rows = await session.execute(select(Event.kind).where(Event.case_id == case_id)
                                     .order_by(Event.id))
        return list(rows.scalars())


async def test_a_wgs84_point_near_an_edge_reaches_the_right_gcj02_grid(db_url: str,
                                                                     tmp_path: Path) -> None:
    raw = json.loads(GRIDS.read_text(encoding="utf-8"))
    raw_shapes = {f["properties"]["code"]: shape(f["geometry"]) for f in raw["features"]
                  if f["properties"]["level"] == "grid"}
    async with town(db_url, tmp_path) as bot:
        router = bot.svc.catalog.router
        # A point inside wx-by-bm-01 as converted to WGS-84 that the raw GCJ-02 polygons
        # (misread as WGS-84, ~500 m off) would give to another grid or none.
        target = router.by_code("wx-by-bm-01")
        minx, miny, maxx, maxy = shape(
            await _geometry(bot, "wx-by-bm-01")).bounds
        point = None
        for i in range(60):
            for j in range(60):
                lon, lat = minx + (maxx - minx) * i / 59, miny + (maxy - miny) * j / 59
                routed = router.locate(lat, lon)
                misread = [c for c, s in raw_shapes.items() if s.covers(Point(lon, lat))]
                if routed.grid == target and routed.how == "inside" and "wx-by-bm-01" \
                        not in misread:
                    point = (lat, lon)
                    break
            if point:
                break
        assert point is not None
        thanks = await file_report(bot, ZHANG, point, "有人在烧垃圾", "burning")
        assert "白马第一网格" in thanks["text"]
        card = await card_in(bot, "wx-by-bm-01")
        assert "工单 20261123-0001" in card["text"] and "白马第一网格" in card["text"]
        assert "工作时间 30 分钟" in card["text"] and "张建国" in card["text"]
        assert "tg://user?id=6100000101" in json.dumps(card.get("entities", [])) or \
            "张建国" in card["text"]
        pin = await bot.reply(bot.chats["wx-by-bm-01"].id)
        assert pin["location"]["latitude"] == round(point[0], 6) or "location" in pin


async def _geometry(bot, code: str) -> dict:
    from storage.models import Grid

    async with bot.db.sessions() as session:
        return await session.scalar(select(Grid.geometry).where(Grid.code == code))


async def test_a_storm_of_duplicates_reaches_the_patrol_chat_as_one_count_and_one_edit(
        db_url: str, tmp_path: Path) -> None:
    """New Year's Eve: while Telegram holds the group's messages back, five more residents
    report the same fireworks. The chat then gets one count and one card edit, not ten."""
    async with town(db_url, tmp_path) as bot:
        lat, lon = await point_in(bot.db, "wx-by-bm-01")
        await file_report(bot, ZHANG, (lat, lon), "小区里有人放鞭炮", "fireworks")
        card = await card_in(bot, "wx-by-bm-01")
        await bot.outbox_idle()
        chat_id = bot.chats["wx-by-bm-01"].id
        before = len(bot.emulator.sent(chat_id))
        await bot.runtime.worker.stop()  # nothing leaves while the storm comes in
        for i in range(5):
            neighbour = TgUser(2000 + i, f"邻居{i}")
            receipt = await file_report(bot, neighbour, (lat + 0.0002 * i, lon),
                                        "又在放鞭炮了", "fireworks")
            assert "并入工单 20261123-0001" in receipt["text"]
        bot.runtime.worker.start()
        await bot.outbox_idle()
        counts = await bot.replies(chat_id, predicate=lambda m: "➕" in (m.get("text") or ""))
        assert "6 条举报" in counts[0]["text"]
        edited = await card_edit(bot, "wx-by-bm-01", "举报次数：6")
        assert edited["message_id"] == card["message_id"]
        # Exactly those two calls reached the chat after the storm.
        assert len(bot.emulator.sent(chat_id)) - before == 2
        assert (await case_of(bot)).report_count == 6


async def test_my_lists_a_case_reported_twice_once(db_url: str, tmp_path: Path) -> None:
    """/my lists cases, not reports: a fire told twice is one line that says so; the case
    reported last comes first, in zh and en."""
    async with town(db_url, tmp_path) as bot:
        fireworks = await point_in(bot.db, "wx-by-bm-01")
        dust = await point_in(bot.db, "wx-by-xh-01")
        for user in (ZHANG, ALICE):
            await file_report(bot, user, fireworks, "小区里有人放鞭炮", "fireworks")
            bot.clock.advance(timedelta(minutes=5))
            await file_report(bot, user, dust, "工地扬尘很大", "dust")
            bot.clock.advance(timedelta(minutes=5))
            again = await file_report(bot, user, (fireworks[0], fireworks[1] + 0.0005),
                                      "还在放", "fireworks")
            assert CASE_NUMBER.search(again["text"]).group() == "20261123-0001"
            bot.clock.advance(timedelta(minutes=5))
        [zh] = await bot.say(ZHANG, "/my")
        lines = [line for line in zh["text"].splitlines() if line.startswith("•")]
        assert len(lines) == 2
        assert "20261123-0001" in lines[0] and "10:10" in lines[0] and "您举报了2次" in lines[0]
        assert "20261123-0002" in lines[1] and "10:05" in lines[1] and "举报了" not in lines[1]
        [en] = await bot.say(ALICE, "/my")
        lines = [line for line in en["text"].splitlines() if line.startswith("•")]
        assert len(lines) == 2
        assert "20261123-0001" in lines[0] and "10:25" in lines[0]
        assert "you reported it 2 times" in lines[0]
        assert "20261123-0002" in lines[1] and "you reported it" not in lines[1]


async def test_duplicates_merge_and_every_reporter_hears_the_outcome(db_url: str,
                                                                    tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        lat, lon = await point_in(bot.db, "wx-by-bm-01")
        first = await file_report(bot, ZHANG, (lat, lon), "小区里有人放鞭炮", "fireworks")
        card = await card_in(bot, "wx-by-bm-01")
        second = await file_report(bot, LI, (lat + 0.001, lon), "又在放鞭炮了", "fireworks")
        assert "并入工单 20261123-0001" in second["text"] and "20261123-0001" in first["text"]
        assert "附近已有人举报" in second["text"]
        # 张 reports it again: told it joined their own earlier report, not "someone nearby".
        again = await file_report(bot, ZHANG, (lat, lon + 0.0005), "还在放", "fireworks")
        assert "您之前已举报过" in again["text"] and "20261123-0001" in again["text"]
        assert "附近已有人举报" not in again["text"]
        plus_one = await bot.reply(bot.chats["wx-by-bm-01"].id,
                                   predicate=lambda m: "➕" in (m.get("text") or ""))
        assert "2 条举报" in plus_one["text"]
        case = await case_of(bot)
        assert case.report_count == 3
        bot.emulator.press_button(DAY_PATROL, card, cs(card, "ack"))
        for user in (ZHANG, LI):
            notice = await bot.reply(user.id, predicate=lambda m: "接单" in m["text"])
            assert "20261123-0001" in notice["text"]
        await bot.outbox_idle()
        # 张 reported twice and hears once.
        assert sum("已由网格员接单" in (m.get("text") or "")
                   for m in bot.emulator.sent(ZHANG.id)) == 1
        async with bot.db.sessions() as session:
            reports = (await session.execute(select(Report))).scalars().all()
        assert {r.case_id for r in reports} == {case.id}


async def test_buttons_refuse_outsiders_and_stale_presses(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        point = await point_in(bot.db, "wx-by-bm-01")
        await file_report(bot, ZHANG, point, "有人烧秸秆", "burning")
        card = await card_in(bot, "wx-by-bm-01")
        for outsider in (OTHER_PATROL, ZHANG):
            press = await bot.press(outsider, card, cs(card, "ack"))
            [answer] = bot.answers(press)
            assert answer["show_alert"] and "只有本网格" in answer["text"]
        press = await bot.press(LEADER, card, cs(card, "ack"))  # a leader of the parent grid
        assert not bot.answers(press)[0].get("show_alert")
        again = await bot.press(DAY_PATROL, card, cs(card, "ack"))  # the old card: stale
        [answer] = bot.answers(again)
        assert answer["show_alert"] and "处理中" in answer["text"]
        case = await case_of(bot)
        assert case.state == "acked"
        assert (await events_of(bot, case.id)).count("acked") == 1


async def test_full_workflow_with_arrival_distance_and_audit_trail(db_url: str,
                                                                  tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        lat, lon = await point_in(bot.db, "wx-by-bm-01")
        await file_report(bot, ZHANG, (lat, lon), "田边有人焚烧秸秆", "burning", photo=True)
        card = await card_in(bot, "wx-by-bm-01")
        assert card.get("photo") and "焚烧" in card["caption"]
        bot.clock.advance(timedelta(minutes=5))
        await bot.press(DAY_PATROL, card, cs(card, "ack"))
        card = await card_edit(bot, "wx-by-bm-01", "cs:arr:")
        press = await bot.press(OTHER_PATROL, card, cs(card, "arr"))
        assert bot.answers(press)[0]["show_alert"]
        await bot.press(DAY_PATROL, card, cs(card, "arr"))
        ask = await bot.reply(DAY_PATROL.id)
        assert ask["reply_markup"]["keyboard"][0][0]["request_location"]
        bot.clock.advance(timedelta(minutes=20))
        bot.emulator.send_location(DAY_PATROL, lat + 0.009, lon)  # ~1 km away: flagged
        recorded = await bot.reply(DAY_PATROL.id)
        assert "超过 500 米" in recorded["text"]
        card = await card_edit(bot, "wx-by-bm-01", "cs:res:")
        await bot.press(DAY_PATROL, card, cs(card, "res"))
        menu = await card_edit(bot, "wx-by-bm-01", "cs:out:")
        await bot.press(DAY_PATROL, menu, next(d for d in button_data(menu)
                                               if d.endswith(":persuaded")))
        outcome = await bot.reply(ZHANG.id, predicate=lambda m: "已办结" in m["text"])
        assert "已劝导" in outcome["text"]
        offer = await bot.reply(DAY_PATROL.id, predicate=lambda m: "处置后" in m["text"])
        assert offer
        bot.emulator.send_text(DAY_PATROL, "已劝导农户，现场已清理")
        saved = await bot.reply(DAY_PATROL.id)
        assert "已保存" in saved["text"]
        await bot.press(ZHANG, outcome, next(d for d in button_data(outcome) if d.endswith(":y")))
        await bot.reply(ZHANG.id, predicate=lambda m: "感谢" in m["text"])
        case = await case_of(bot)
        assert case.state == "resolved" and case.outcome == "persuaded"
        assert case.on_site_distance_m > 500 and case.satisfaction == "satisfied"
        assert case.outcome_note == "已劝导农户，现场已清理"
        assert await events_of(bot, case.id) == [
            "created", "dispatched", "acked", "arrived", "resolved", "after_note", "satisfaction"]
        async with bot.db.sessions() as session:
            [arrival] = (await session.execute(select(CheckIn))).scalars().all()
        assert arrival.kind == "arrival" and arrival.case_id == case.id


async def test_transfer_to_a_neighbour_dispatches_there(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        await file_report(bot, ZHANG, await point_in(bot.db, "wx-by-bm-01"), "有人烧垃圾",
                          "burning")
        card = await card_in(bot, "wx-by-bm-01")
        await bot.press(DAY_PATROL, card, cs(card, "tr"))
        menu = await card_edit(bot, "wx-by-bm-01", "cs:trg:")
        labels = [b["text"] for row in menu["reply_markup"]["inline_keyboard"] for b in row]
        assert "白马社区" in labels  # the parent
        await bot.press(DAY_PATROL, menu, next(b["callback_data"] for row in
                                               menu["reply_markup"]["inline_keyboard"]
                                               for b in row if b["text"] == "白马社区"))
        old = await card_edit(bot, "wx-by-bm-01", "已转派至白马社区")
        assert not old["reply_markup"].get("inline_keyboard")
        new_card = await card_in(bot, "wx-by-bm")
        assert "工单 20261123-0001" in new_card["text"]
        case = await case_of(bot)
        assert bot.svc.catalog.router.get(case.grid_id).code == "wx-by-bm"
        assert "transferred" in await events_of(bot, case.id)


async def test_unfounded_then_unsatisfied_reopens_and_alerts_the_leader(
        db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        await file_report(bot, ALICE, await point_in(bot.db, "wx-by-bm-01"), "construction dust "
                          "everywhere, 工地扬尘", "dust")
        card = await card_in(bot, "wx-by-bm-01")
        await bot.press(DAY_PATROL, card, cs(card, "unf"))
        menu = await card_edit(bot, "wx-by-bm-01", "cs:ufr:")
        await bot.press(DAY_PATROL, menu, next(d for d in button_data(menu)
                                               if d.endswith(":no_anomaly")))
        notice = await bot.reply(ALICE.id, predicate=lambda m: "checked on site" in m["text"])
        assert "nothing wrong on site" in notice["text"]
        await bot.press(ALICE, notice, next(d for d in button_data(notice) if d.endswith(":n")))
        reopened = await bot.reply(ALICE.id, predicate=lambda m: "dispatched again" in m["text"])
        assert "20261123-0001" in reopened["text"]
        alert = await bot.reply(LEADER.id, predicate=lambda m: "不满意" in m["text"])
        assert "20261123-0001" in alert["text"]
        again = await card_in(bot, "wx-by-bm-01")
        assert "工单 20261123-0001" in again["text"]
        twice = await bot.press(ALICE, notice, next(d for d in button_data(notice)
                                                     if d.endswith(":y")), forged=True)
        assert bot.answers(twice)[0]["show_alert"]
        case = await case_of(bot)
        assert case.state == "dispatched" and case.reopened_count == 1
        assert (await events_of(bot, case.id))[-3:] == ["satisfaction", "reopened", "dispatched"]


async def test_forged_case_buttons_change_nothing(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        await file_report(bot, ZHANG, await point_in(bot.db, "wx-by-bm-01"), "有人烧垃圾",
                          "burning")
        card = await card_in(bot, "wx-by-bm-01")
        case = await case_of(bot)
        for data in (f"cs:out:{case.id}:{case.version}:stolen", f"cs:trg:{case.id}:"
                     f"{case.version}:999", "cs:ack:x:y", f"cs:zap:{case.id}:{case.version}",
                     f"sat:{case.id}:1:y"):
            press = await bot.press(DAY_PATROL, card, data, forged=True)
            assert bot.answers(press)[0]["show_alert"], data
        assert (await case_of(bot)).state == "dispatched"


async def test_the_card_states_the_on_site_rule_of_the_day(db_url: str, tmp_path: Path) -> None:
    # A swapped working Saturday in working hours: 30 min; a Spring Festival holiday: 60 min.
    for start, rule in ((datetime(2026, 2, 14, 10, 0, tzinfo=SHANGHAI), "工作时间 30 分钟"),
                        (datetime(2026, 2, 17, 10, 0, tzinfo=SHANGHAI), "夜间/节假日 60 分钟")):
        async with town(db_url, tmp_path, start=start) as bot:
            await file_report(bot, ZHANG, await point_in(bot.db, "wx-by-bm-01"), "有人烧垃圾",
                              "burning")
            card = await card_in(bot, "wx-by-bm-01")
            assert rule in card["text"], start
        # The next round starts from no cases, with a new emulator whose update ids begin
        # at 1 again (a real bot's never do): the first round's records of them go too.
        async with bot.db.transaction() as session:
            from sqlalchemy import delete

            from storage.models import CaseNumberCounter, HandledUpdate, OutboxMessage
            for model in (Event, OutboxMessage, Report, Case, CaseNumberCounter, HandledUpdate):
                await session.execute(delete(model))


async def test_all_hands_on_new_years_eve(db_url: str, tmp_path: Path) -> None:
    chuxi = datetime(2027, 2, 5, 21, 0, tzinfo=SHANGHAI)  # a high window for fireworks
    async with town(db_url, tmp_path, start=chuxi) as bot:
        await file_report(bot, ZHANG, await point_in(bot.db, "wx-by-bm-01"), "小区里放烟花",
                          "fireworks")
        card = await card_in(bot, "wx-by-bm-01")
        assert "张建国" in card["text"] and "李秀英" in card["text"]  # off duty, yet called
        case = await case_of(bot)
        async with bot.db.sessions() as session:
            dispatched = await session.scalar(select(Event.data).where(
                Event.case_id == case.id, Event.kind == "dispatched"))
        assert dispatched["duty_source"] == "all_hands"


async def test_an_image_sent_as_a_file_reaches_the_patrol_as_a_document(db_url: str,
                                                                        tmp_path: Path) -> None:
    from bot.emulator.files import make_png

    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_document(ZHANG, make_png(64, 48), "fire.png", "image/png")
        await bot.reply(ZHANG.id)
        await file_report(bot, ZHANG, await point_in(bot.db, "wx-by-bm-01"), "有人烧垃圾",
                          "burning")
        card = await card_in(bot, "wx-by-bm-01")
        assert card["method"] == "sendDocument" and "工单" in card["caption"]
        await bot.press(DAY_PATROL, card, cs(card, "ack"))
        edited = await card_edit(bot, "wx-by-bm-01", "cs:arr:")
        assert "接单" in edited["caption"]
