"""Who is on duty (weekly, dated, across midnight, all hands, fallbacks) and who may act."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dispatch.catalog import load_router
from dispatch.duty import admins, leaders_of, may_act, on_duty
from dispatch.importing import import_grids, import_roster
from storage.db import Database
from tests.e2e.harness import GRIDS, ROSTER

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def town(db: Database):
    await import_grids(db, GRIDS)
    await import_roster(db, ROSTER)
    return db, await load_router(db)


async def names(db, router, code: str, moment: datetime, all_hands: bool = False):
    async with db.sessions() as session:
        duty = await on_duty(session, router.by_code(code).id, moment, router,
                             all_hands=all_hands)
    grid = router.get(duty.grid_id)
    return sorted(m.name for m in duty.members), duty.source, grid.code if grid else None


async def test_day_and_night_shifts_across_midnight(town) -> None:
    db, router = town
    assert await names(db, router, "wx-by-bm-01", datetime(2026, 11, 23, 10, 0, tzinfo=SH)) \
        == (["张建国"], "shift", "wx-by-bm-01")
    assert await names(db, router, "wx-by-bm-01", datetime(2026, 11, 23, 22, 0, tzinfo=SH)) \
        == (["李秀英"], "shift", "wx-by-bm-01")
    assert await names(db, router, "wx-by-bm-01", datetime(2026, 11, 24, 3, 0, tzinfo=SH)) \
        == (["李秀英"], "shift", "wx-by-bm-01")
    # The boundary belongs to the next shift (shifts are half-open).
    assert (await names(db, router, "wx-by-bm-01",
                        datetime(2026, 11, 23, 20, 0, tzinfo=SH)))[0] == ["李秀英"]


async def test_weekly_patterns_and_dated_shifts(town) -> None:
    db, router = town
    # 新华第一网格: 陈明 Mon–Fri 08–20, 杨丽 weekends 08–20 and 2027-02-05 18:00–02:00.
    assert (await names(db, router, "wx-by-xh-01",
                        datetime(2026, 11, 28, 9, 0, tzinfo=SH)))[0] == ["杨丽"]
    assert (await names(db, router, "wx-by-xh-01",
                        datetime(2027, 2, 6, 1, 30, tzinfo=SH)))[0] == ["杨丽"]


async def test_nobody_on_duty_falls_back_to_the_leader_then_up(town) -> None:
    db, router = town
    # A Monday night: nobody of 新华第一网格 works; the grid has no leader; its community does.
    assert await names(db, router, "wx-by-xh-01", datetime(2026, 11, 23, 22, 0, tzinfo=SH)) \
        == (["胡晓梅"], "leader", "wx-by-xh")


async def test_all_hands_makes_every_patrol_member_on_duty(town) -> None:
    db, router = town
    assert await names(db, router, "wx-by-bm-01", datetime(2026, 11, 23, 10, 0, tzinfo=SH),
                       all_hands=True) == (["张建国", "李秀英"], "all_hands", "wx-by-bm-01")


async def test_who_may_act(town) -> None:
    db, router = town
    grid = router.by_code("wx-by-bm-01").id
    async with db.sessions() as session:
        patrol = await may_act(session, 6100000102, grid, router)   # 李秀英, off duty: allowed
        leader = await may_act(session, 6100000201, grid, router)   # community leader
        admin = await may_act(session, 6100000401, grid, router)    # district admin
        other = await may_act(session, 6100000105, grid, router)    # another grid's patrol
        official = await may_act(session, 6100000301, grid, router)  # an official: no
        stranger = await may_act(session, 42, grid, router)
        assert [m.name for m in await leaders_of(session, grid, router)] == ["马国庆"]
        assert [m.name for m in await admins(session)] == ["梁海"]
    assert patrol.role == "patrol" and leader.role == "leader" and admin.role == "admin"
    assert other is None and official is None and stranger is None
