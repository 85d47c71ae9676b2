"""Case rules without Telegram: duplicates by category, the lifecycle's checks and events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import lazyload

from dispatch import cases, lifecycle
from dispatch.cases import DEFAULT_DEDUP, CaseContext, first_media, place_report
from dispatch.catalog import load_router
from dispatch.importing import import_grids, import_roster
from dispatch.sla import SlaRules
from schedules.calendar import WorkCalendar
from schedules.windows import default_rules
from storage.db import Database
from storage.models import Case, Event, Report, ReportPhoto
from tests.e2e.harness import GRIDS, ROSTER

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=SH)
BASE = (31.4100, 109.5950)
METRE = 1 / 111_320  # degrees of latitude per metre


class Recorder:
    """A Notifier that remembers what it was asked to say."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __getattr__(self, name: str):
        async def record(session, case=None, *args, **kwargs) -> None:
            self.calls.append((name, getattr(case, "number", str(case))))
            if name == "dispatched":
                case.dispatch_chat_id = args[1]
            return 1
        return record


@pytest.fixture
async def world(db: Database):
    await import_grids(db, GRIDS)
    await import_roster(db, ROSTER)
    router = await load_router(db)
    ctx = CaseContext(router=router, sla=SlaRules(), calendar=WorkCalendar(),
                      windows=default_rules(), notifier=Recorder())
    return db, ctx


async def submit(db, ctx, category: str, at: datetime, north_m: float = 0.0,
                 point: bool = True, user: int = 1001) -> tuple[Case, bool]:
    lat = BASE[0] + north_m * METRE if point else None
    lon = BASE[1] if point else None
    grid = ctx.router.locate(BASE[0], BASE[1]).grid
    async with db.transaction() as session:
        report = Report(reporter_user_id=user, reporter_chat_id=user, anonymous_id="R1",
                        category=category, latitude=lat, longitude=lon, grid_id=grid.id,
                        received_at=at, submitted_at=at, text="t")
        session.add(report)
        await session.flush()
        return await place_report(session, report, at, ctx)


@pytest.mark.parametrize(("category", "metres", "later", "merged"), [
    ("burning", 700, timedelta(hours=2), True),      # smoke: wide radius, short window
    ("burning", 900, timedelta(minutes=5), False),
    ("burning", 100, timedelta(hours=4), False),
    ("fireworks", 450, timedelta(minutes=30), True),
    ("fireworks", 600, timedelta(minutes=30), False),
    ("dust", 100, timedelta(hours=48), True),         # a site: small radius, long window
    ("dust", 200, timedelta(hours=1), False),
    ("dust", 50, timedelta(hours=80), False),
])
async def test_duplicates_depend_on_category(world, category, metres, later, merged) -> None:
    db, ctx = world
    first, _ = await submit(db, ctx, category, T0)
    second, was_merged = await submit(db, ctx, category, T0 + later, north_m=metres, user=1002)
    assert was_merged is merged
    assert (second.id == first.id) is merged
    if merged:
        assert second.report_count == 2


async def test_other_categories_and_closed_cases_are_not_duplicates(world) -> None:
    db, ctx = world
    first, _ = await submit(db, ctx, "burning", T0)
    _, merged = await submit(db, ctx, "dust", T0 + timedelta(minutes=1))
    assert not merged
    async with db.transaction() as session:
        (await session.get(Case, first.id)).state = "resolved"
    _, merged = await submit(db, ctx, "burning", T0 + timedelta(minutes=2))
    assert not merged


async def test_a_duplicate_closed_meanwhile_gets_a_case_of_its_own(world, monkeypatch) -> None:
    db, ctx = world
    if db.dialect == "sqlite":
        pytest.skip("one writer: nobody can close the case between the read and the lock")
    first, _ = await submit(db, ctx, "burning", T0)
    lock = cases.lock_case

    async def closed_first(session, case_id):
        assert case_id == first.id  # the candidate found
        async with db.transaction() as other:  # a patrol closes it at that moment
            (await other.get(Case, case_id)).state = "resolved"
        return await lock(session, case_id)

    monkeypatch.setattr(cases, "lock_case", closed_first)
    second, merged = await submit(db, ctx, "burning", T0 + timedelta(minutes=1), user=1002)
    assert not merged and second.id != first.id and second.report_count == 1
    async with db.sessions() as session:
        closed = await session.get(Case, first.id)
        assert (closed.state, closed.report_count) == ("resolved", 1)  # not counted


async def test_text_only_reports_merge_within_the_same_grid(world) -> None:
    db, ctx = world
    first, _ = await submit(db, ctx, "other", T0, point=False)
    second, merged = await submit(db, ctx, "other", T0 + timedelta(hours=1), point=False)
    assert merged and second.id == first.id


async def test_lifecycle_checks_people_and_versions(world) -> None:
    db, ctx = world
    case, _ = await submit(db, ctx, "burning", T0)
    assert case.state == "dispatched" and case.dispatch_chat_id == -1001000000011
    now = T0 + timedelta(minutes=3)
    async with db.transaction() as session:
        refused = await lifecycle.acknowledge(session, case.id, case.version, 6100000105, None,
                                              now, ctx)
        stale = await lifecycle.acknowledge(session, case.id, case.version - 1, 6100000101,
                                            None, now, ctx)
        taken = await lifecycle.acknowledge(session, case.id, case.version, 6100000101, None,
                                            now, ctx)
    assert (refused.ok, refused.reason) == (False, "not_allowed")
    assert (stale.ok, stale.reason) == (False, "stale")
    assert taken.ok and taken.case.next_escalation_at == taken.case.on_site_deadline
    version = taken.case.version
    async with db.transaction() as session:
        other = await lifecycle.resolve(session, case.id, version, 6100000102, "stopped", None,
                                        now, ctx)  # a colleague who did not take it
        bad = await lifecycle.resolve(session, case.id, version, 6100000101, "arson", None,
                                      now, ctx)
        arrived = await lifecycle.arrive(session, case.id, 6100000101, BASE[0] + 0.01, BASE[1],
                                         now + timedelta(minutes=10), ctx)
    assert other.reason == "not_assignee" and bad.reason == "bad_outcome"
    assert arrived.ok and arrived.distance_m > 1000
    async with db.transaction() as session:
        done = await lifecycle.resolve(session, case.id, arrived.case.version, 6100000201,
                                       "stopped", None, now + timedelta(minutes=20), ctx)
    assert done.ok and done.case.state == "resolved"  # a leader may close a colleague's case


async def test_unsatisfied_reopens_with_fresh_deadlines(world) -> None:
    db, ctx = world
    case, _ = await submit(db, ctx, "dust", T0)
    async with db.transaction() as session:
        unfounded = await lifecycle.mark_unfounded(session, case.id, case.version, 6100000101,
                                                   "no_anomaly", None, T0, ctx)
    later = T0 + timedelta(hours=3)
    async with db.transaction() as session:
        report = await session.scalar(select(Report))
        intruder = await lifecycle.rate(session, case.id, report.id, 999, False, later, ctx)
        reopened = await lifecycle.rate(session, case.id, report.id, 1001, False, later, ctx)
        again = await lifecycle.rate(session, case.id, report.id, 1001, True, later, ctx)
    assert unfounded.ok and intruder.reason == "not_allowed" and again.reason == "stale"
    assert reopened.ok and reopened.case.state == "dispatched"
    assert reopened.case.reopened_count == 1
    assert reopened.case.ack_deadline == later + timedelta(minutes=10)
    async with db.sessions() as session:
        kinds = list((await session.execute(select(Event.kind).where(
            Event.case_id == case.id).order_by(Event.id))).scalars())
    assert kinds == ["created", "dispatched", "unfounded", "satisfaction", "reopened",
                     "dispatched"]
    assert ("unsatisfied", case.number) in ctx.notifier.calls


def test_dedup_defaults_are_category_aware() -> None:
    assert DEFAULT_DEDUP["burning"].radius_m > DEFAULT_DEDUP["dust"].radius_m
    assert DEFAULT_DEDUP["burning"].window < DEFAULT_DEDUP["dust"].window


async def test_first_media_from_memory_matches_the_stored_photos(world) -> None:
    """A report just submitted gives its case card's picture from memory; read back, the
    same picture comes from the database."""
    db, ctx = world
    at = T0.astimezone(UTC)
    async with db.transaction() as session:
        text_only = Report(reporter_user_id=7, reporter_chat_id=7, anonymous_id="R7",
                           category="burning", received_at=at, submitted_at=at)
        pictured = Report(reporter_user_id=8, reporter_chat_id=8, anonymous_id="R8",
                          category="burning", received_at=at, submitted_at=at)
        pictured.photos.extend([
            ReportPhoto(file_id="first", kind="document", received_at=at),
            ReportPhoto(file_id="second", kind="photo", received_at=at)])
        session.add_all([text_only, pictured])
        await session.flush()
        assert await first_media(session, [text_only, pictured]) == ("first", "document")
        assert await first_media(session, [text_only]) is None
    async with db.sessions() as session:
        stored = list((await session.execute(select(Report).order_by(Report.id)
                                             .options(lazyload(Report.photos)))).scalars())
        assert all("photos" in inspect(report).unloaded for report in stored)
        assert await first_media(session, stored) == ("first", "document")
        assert await first_media(session, stored[:1]) is None


def test_a_card_names_each_consenting_reporter_once() -> None:
    from dispatch.cases import reporters_of
    from storage.models import Report

    def report(id_: int, user: int, name: str | None, allow: bool, text: str | None) -> Report:
        return Report(id=id_, reporter_user_id=user, reporter_name=name, allow_contact=allow,
                      text=text)

    found = reporters_of([report(3, 5, "Alice", True, "again"), report(1, 5, "Alice", True, "a"),
                          report(2, 6, None, False, "b"), report(4, 7, "王五", True, None)])
    assert found.texts == ["a", "b", "again"]
    assert found.contacts == [(5, "Alice"), (7, "王五")]  # the anonymous one is not there


async def test_a_new_report_is_written_with_the_columns_defaults(world) -> None:
    # A submitted report stays outside the session and goes in by plain INSERTs: what it
    # leaves unset gets the defaults the ORM would have given.
    db, ctx = world
    report = Report(reporter_user_id=7, reporter_chat_id=7, anonymous_id="R7",
                    category="dust", latitude=BASE[0], longitude=BASE[1], text="扬尘",
                    grid_id=ctx.router.locate(*BASE).grid.id, submitted_at=T0)
    report.photos.append(ReportPhoto(file_id="f1", received_at=T0))
    async with db.transaction() as session:
        case, merged = await place_report(session, report, T0, ctx)
    assert not merged and report.id is not None and report not in session
    async with db.sessions() as session:
        stored = await session.get(Report, report.id)
        photo = (await session.execute(select(ReportPhoto).where(
            ReportPhoto.report_id == report.id))).scalar_one()
    assert (stored.case_id, stored.channel, stored.allow_contact) == (case.id, "telegram", False)
    assert stored.submitted_at == T0 and stored.received_at is not None
    assert (photo.file_id, photo.kind, photo.received_at) == ("f1", "photo", T0)


def test_what_goes_to_the_top_level_duty_desk() -> None:
    from shapely.geometry import box, mapping

    from dispatch.cases import to_duty_desk
    from dispatch.routing import Router

    router = Router.from_rows([
        (1, "d", "区", "district", None, -1, mapping(box(0, 0, 4, 4))),
        (2, "s", "街道", "street", 1, None, mapping(box(0, 0, 2, 2))),  # no chat of its own
        (3, "c", "社区", "community", 2, -3, mapping(box(0, 0, 1, 1))),
        (4, "g", "网格", "grid", 3, None, mapping(box(0, 0, 0.5, 0.5))),  # its community's chat
    ])
    assert to_duty_desk(router, 1) and to_duty_desk(router, 2) and to_duty_desk(router, None)
    assert not to_duty_desk(router, 3) and not to_duty_desk(router, 4)
