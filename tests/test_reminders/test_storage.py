"""Subscriptions, check-ins and the reminder tick against SQLite and PostgreSQL.

The tick runs on a `Services` without Telegram: what it queues is read back from the outbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.settings import Settings
from dispatch import checkins, subscriptions
from dispatch.catalog import load_catalog
from dispatch.clock import ManualClock
from dispatch.importing import import_grids, import_roster
from handlers.services import Services
from schedules.reminders import patrol_grids, tick
from storage.db import Database
from storage.models import CheckIn, OutboxMessage, Person

SH = ZoneInfo("Asia/Shanghai")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


async def town(db: Database, start: datetime, **reminders) -> Services:
    await import_grids(db, EXAMPLES / "baiyang.geojson")
    await import_roster(db, EXAMPLES / "roster.csv")
    svc = Services(settings=Settings(bot_token=None, sections={"reminders": reminders}), db=db,
                   clock=ManualClock(start))
    svc.catalog = await load_catalog(db)
    return svc


async def outbox(db: Database) -> list[OutboxMessage]:
    async with db.sessions() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id)))
                    .scalars())


async def person_id(db: Database, telegram_id: int) -> int:
    async with db.sessions() as session:
        return await session.scalar(select(Person.id).where(Person.telegram_id == telegram_id))


async def test_subscriptions(db: Database) -> None:
    svc = await town(db, datetime(2027, 2, 5, tzinfo=SH))
    bm01 = svc.catalog.router.by_code("wx-by-bm-01").id
    md = svc.catalog.router.by_code("wx-by-md").id
    async with db.transaction() as session:
        assert await subscriptions.subscribe(session, 7, bm01, "zh")
        assert not await subscriptions.subscribe(session, 7, bm01, "en")
        assert await subscriptions.subscribe(session, 7, md, "en")
        assert await subscriptions.subscribe(session, 8, md, None)
    async with db.transaction() as session:
        assert await subscriptions.grids_of(session, 7) == [bm01, md]
        found = await subscriptions.subscribers(session)
        assert [(s.chat_id, s.language, s.grid_ids) for s in found] == [
            (7, "en", (bm01, md)), (8, "zh", (md,))]
        assert await subscriptions.unsubscribe(session, 7, md) == 1
        assert await subscriptions.unsubscribe(session, 8) == 1
        assert await subscriptions.unsubscribe(session, 8) == 0
    async with db.sessions() as session:
        assert await subscriptions.grids_of(session, 7) == [bm01]
        assert await subscriptions.last_report_grid(session, 7) is None


async def test_check_in_and_out(db: Database) -> None:
    svc = await town(db, datetime(2027, 2, 5, 8, tzinfo=SH))
    now = svc.clock.now()
    zhang = await person_id(db, 6100000101)
    async with db.transaction() as session:
        [membership] = await checkins.memberships_of(session, 6100000101)
        assert membership.role == "patrol" and membership.specs
        assert await checkins.memberships_of(session, 6100000301) == []  # an official
        assert await checkins.check_out(session, zhang, now) is None
        await checkins.check_in(session, zhang, membership.grid_id, now, 31.4, 109.6)
        assert (await checkins.open_shift(session, zhang)).kind == "shift_start"
    async with db.transaction() as session:
        start, end = await checkins.check_out(session, zhang, now + timedelta(hours=12))
        assert end.kind == "shift_end" and end.grid_id == start.grid_id
        assert await checkins.open_shift(session, zhang) is None
        assert await checkins.checked_in(session, [zhang], now - timedelta(minutes=1), now) == {zhang}
        assert await checkins.checked_in(session, [zhang], now + timedelta(minutes=1),
                                         now + timedelta(hours=1)) == set()
        events = await checkins.shift_events(session, now, now + timedelta(days=1))
        assert [e.kind for e in events] == ["shift_start", "shift_end"]


async def test_choose_grid_prefers_the_grid_containing_the_point(db: Database) -> None:
    svc = await town(db, datetime(2027, 2, 5, tzinfo=SH))
    router = svc.catalog.router
    bm01, bm02 = router.by_code("wx-by-bm-01").id, router.by_code("wx-by-bm-02").id
    bm = router.by_code("wx-by-bm").id
    assert checkins.choose_grid([bm01, bm02], bm02, router) == bm02
    assert checkins.choose_grid([bm], bm01, router) == bm  # an ancestor of the point's grid
    assert checkins.choose_grid([bm01, bm02], None, router) == bm01


async def test_patrol_grids_snapshot(db: Database) -> None:
    svc = await town(db, datetime(2027, 2, 5, tzinfo=SH))
    async with db.sessions() as session:
        grids = {g.code: g for g in await patrol_grids(session)}
    assert len(grids) == 9 and "wx-by" not in grids  # the street has no patrol chat
    assert [m.name for m in grids["wx-by-bm-01"].members] == ["张建国", "李秀英"]
    assert grids["wx-by-bm"].members == ()  # only the leader, who is not a patrol member
    assert svc.catalog.router.by_code("wx-by-bm-01").patrol_chat_id == grids["wx-by-bm-01"].chat_id


async def test_tick_queues_each_reminder_once(db: Database) -> None:
    svc = await town(db, datetime(2027, 2, 4, 18, tzinfo=SH))
    # The 除夕夜 notice to every patrol chat, and 刘芳's 18:00 shift in 腊月.
    assert await tick(svc) == 10
    assert await tick(svc) == 0
    svc.clock.advance(timedelta(minutes=5))
    assert await tick(svc) == 0
    rows = await outbox(db)
    pre = [r for r in rows if r.dedup_key.endswith(":pre")]
    assert len({r.chat_id for r in pre}) == 9 and all(r.purpose == "reminder" for r in rows)
    [shift] = [r for r in rows if not r.dedup_key.endswith(":pre")]
    assert shift.dedup_key.startswith("remind:layue_smoking:2027-02-04:")
    assert shift.dedup_key.endswith(":shift:18:00") and "刘芳 上岗" in shift.payload["text"]


async def test_public_notice_to_subscribers_in_their_language(db: Database) -> None:
    svc = await town(db, datetime(2027, 2, 5, 15, tzinfo=SH))
    bm01 = svc.catalog.router.by_code("wx-by-bm-01").id
    async with db.transaction() as session:
        await subscriptions.subscribe(session, 7, bm01, "zh")
        await subscriptions.subscribe(session, 8, bm01, "en")
    await tick(svc)
    notices = {r.chat_id: r for r in await outbox(db) if r.purpose == "public_notice"}
    assert set(notices) == {7, 8}
    assert notices[7].dedup_key == "remind:chuxi_night:2027-02-05:7:public"
    assert "今晚 18:00起为「除夕夜」" in notices[7].payload["text"]
    assert "Ban notice" in notices[8].payload["text"]
    assert await tick(svc) == 0


async def test_missed_check_in_is_reported_to_the_leader_once(db: Database) -> None:
    svc = await town(db, datetime(2027, 2, 5, 18, tzinfo=SH))
    await tick(svc)  # 18:00 shift reminders: 刘芳 (白马第二网格), 杨丽 (新华第一网格)
    yang = await person_id(db, 6100000106)
    async with db.transaction() as session:
        xh01 = svc.catalog.router.by_code("wx-by-xh-01").id
        session.add(CheckIn(person_id=yang, grid_id=xh01, kind="shift_start",
                            at=datetime(2027, 2, 5, 18, 10, tzinfo=SH)))
    svc.clock.set(datetime(2027, 2, 5, 18, 29, tzinfo=SH))
    await tick(svc)
    assert not [r for r in await outbox(db) if r.purpose == "missed_checkin"]
    svc.clock.set(datetime(2027, 2, 5, 18, 31, tzinfo=SH))
    await tick(svc)
    await tick(svc)
    [report] = [r for r in await outbox(db) if r.purpose == "missed_checkin"]
    assert report.chat_id == 6100000201  # 马国庆 leads 白马社区, above 白马第二网格
    assert "白马第二网格 18:00" in report.payload["text"] and "刘芳" in report.payload["text"]
    assert "杨丽" not in report.payload["text"]
