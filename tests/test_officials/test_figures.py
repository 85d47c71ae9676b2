"""/status figures on both backends, against a hand-counted town (see the comments)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dispatch.figures import status_figures
from dispatch.figures_daily import daily_series
from dispatch.figures_period import Period, parse_period
from dispatch.figures_scope import scope_for
from storage.models import Person
from tests.test_officials.factory import add_cases, checkin, make_case, town

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)  # a Monday


def at(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


async def seed(db):
    router = await town(db)
    g = {code: router.by_code(code).id for code in
         ("wx-by-bm-01", "wx-by-bm-02", "wx-by-xh-01", "wx-by-md")}
    cases = [
        # 1: all in time, satisfied, reopened once
        make_case(g["wx-by-bm-01"], at(8), satisfaction="satisfied", reopened=1),
        # 2: acknowledged late (15 min) and on site late (40 min), unsatisfied
        make_case(g["wx-by-bm-01"], at(8, 30), category="fireworks", ack_min=15, arrive_min=40,
                  close_min=90, satisfaction="unsatisfied"),
        # 3: acknowledged, on-site deadline 09:30 passed: overdue now
        make_case(g["wx-by-bm-02"], at(9), "acked", arrive_min=None, close_min=None),
        # 4: just reported, ack deadline 10:05 still ahead: nothing due
        make_case(g["wx-by-xh-01"], at(9, 55), "dispatched", ack_min=None, arrive_min=None,
                  close_min=None),
        # 5: never acknowledged, ack deadline 09:10 passed: overdue now
        make_case(g["wx-by-md"], at(9), "new", category="dust", ack_min=None, arrive_min=None,
                  close_min=None),
        # 6: closed as unfounded without acknowledging: no step due
        make_case(g["wx-by-md"], at(8, 30), "unfounded", ack_min=None, arrive_min=None,
                  close_min=8, off_hours=True),
        # 7: on site in time under the off-hours rule, resolve deadline tomorrow
        make_case(g["wx-by-bm-01"], at(8), "on_site", category="fireworks", ack_min=3,
                  arrive_min=25, close_min=None, off_hours=True),
        # Yesterday: 00:30 and 09:00 (inside the "same hours yesterday" comparison), 12:00
        make_case(g["wx-by-bm-01"], at(0, 30, 22)),
        make_case(g["wx-by-bm-01"], at(9, 0, 22)),
        make_case(g["wx-by-bm-01"], at(12, 0, 22)),
    ]
    async with db.transaction() as session:
        await add_cases(session, cases)
        people = dict((await session.execute(select(Person.name, Person.id))).all())
        session.add_all([
            checkin(people["张建国"], g["wx-by-bm-01"], at(7, 50)),  # matches 08:00
            checkin(people["王志强"], g["wx-by-bm-02"], at(9, 30)),  # 90 min late: no match
            checkin(people["周涛"], g["wx-by-md"], at(8, 59)),  # matches 08:00
        ])
    return router


async def test_status_figures_of_a_street_today(db) -> None:
    router = await seed(db)
    scope = scope_for(router, [router.by_code("wx-by").id])
    async with db.sessions() as session:
        f = await status_figures(session, router, scope, parse_period("today", date(2026, 11, 23)),
                                 NOW.astimezone(ZoneInfo("UTC")))
    assert f.current.total == 7
    assert f.current.by_group == {"resolved": 2, "acked": 1, "waiting": 2, "unfounded": 1,
                                  "on_site": 1}
    assert f.current.by_category == {"burning": 4, "fireworks": 2, "dust": 1}
    assert f.previous.total == 2  # yesterday before 10:00 only
    t = f.total
    assert (t.ack_due, t.ack_in_time) == (5, 3)
    assert (t.on_site_due, t.on_site_in_time) == (5, 2)
    assert (t.on_site_due_off, t.on_site_in_time_off) == (1, 1)
    assert (t.on_site_due_work, t.on_site_in_time_work) == (4, 1)
    assert t.missed == 3 and t.overdue_now == 2 and f.overdue_count == 2
    assert [w.number.split("-")[0] for w in f.worst] == ["20261123", "20261123"]
    assert [router.get(w.grid_id).code for w in f.worst] == ["wx-by-md", "wx-by-bm-02"]
    assert f.worst[0].late == timedelta(minutes=50)
    assert f.worst[0].on_duty == ("周涛",)
    assert f.median_ack_s == 300 and f.median_arrive_s == 1500
    assert (t.satisfied, t.rated, t.reopened) == (1, 2, 1)
    assert (t.expected_shifts, t.attended_shifts) == (6, 2)
    assert [router.get(u).code for u, _ in f.units] == ["wx-by-bm", "wx-by-md", "wx-by-xh",
                                                         "wx-by-fy"]
    bm = dict(f.units)[router.by_code("wx-by-bm").id]
    assert (bm.cases, bm.overdue_now, bm.missed, bm.expected_shifts, bm.attended_shifts) == \
        (4, 1, 2, 2, 1)


async def test_community_scope_and_month(db) -> None:
    router = await seed(db)
    scope = scope_for(router, [router.by_code("wx-by-bm").id])
    now = NOW.astimezone(ZoneInfo("UTC"))
    async with db.sessions() as session:
        today = await status_figures(session, router, scope, parse_period("today", date(2026, 11, 23)), now)
        month = await status_figures(session, router, scope, parse_period("2026-11", date(2026, 11, 23)), now)
    assert today.current.total == 4 and today.overdue_count == 1
    assert month.current.total == 7
    assert [router.get(u).code for u, _ in today.units] == ["wx-by-bm-02", "wx-by-bm-01"]


async def test_daily_series_buckets_local_days(db) -> None:
    router = await seed(db)
    scope = scope_for(router, [router.by_code("wx-by").id])
    async with db.sessions() as session:
        series = await daily_series(session, scope, Period("range", date(2026, 11, 21),
                                                          date(2026, 11, 23)),
                                    NOW.astimezone(ZoneInfo("UTC")))
    # 00:30 local on the 22nd is 16:30 UTC on the 21st: it must count on the 22nd.
    assert series.by_category["burning"] == [0, 3, 4]
    assert series.by_category["fireworks"] == [0, 0, 2]
    assert series.on_site_share[1] == 1.0 and series.on_site_share[2] == 2 / 5
