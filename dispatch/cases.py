"""Cases: a submitted report becomes a new case or joins an open duplicate; a case is
dispatched to the patrol chat of its grid (or the nearest grid above that has one).

Every change here runs in the caller's transaction, writes one audit event, bumps the
case's version (stale button presses are detected by it) and queues its messages through
the Notifier in the same transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.clock import to_local
from dispatch.duty import Duty, all_hands, on_duty
from dispatch.geo import haversine_m
from dispatch.notify import Notifier
from dispatch.routing import GridNode, Router
from dispatch.sla import SlaRules, deadlines
from schedules.calendar import WorkCalendar
from schedules.windows import WindowRule
from storage.counters import next_case_number
from storage.models import OPEN_STATES, Case, CaseState, Event, Report, ReportPhoto, utcnow
from storage.prepared import Prepared

METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class DedupRule:
    """Reports of one category within `radius_m` and `window` of an open case are duplicates."""

    radius_m: float
    window: timedelta


DEFAULT_DEDUP = {
    # Smoke is seen from far and fires are short: wide radius, short window.
    "burning": DedupRule(800.0, timedelta(hours=3)),
    "fireworks": DedupRule(500.0, timedelta(hours=1)),
    # Dust sits on a site for days: small radius, long window.
    "dust": DedupRule(150.0, timedelta(hours=72)),
    "other": DedupRule(100.0, timedelta(hours=24)),
}


@dataclass
class CaseContext:
    """What the case use cases need besides the session."""

    router: Router
    sla: SlaRules
    calendar: WorkCalendar
    windows: list[WindowRule]
    notifier: Notifier
    dedup: dict[str, DedupRule] = field(default_factory=lambda: dict(DEFAULT_DEDUP))


def record(session: AsyncSession, case: Case | None, kind: str, now: datetime,
           actor: int | None = None, chat_id: int | None = None, **data: Any) -> None:
    """Append one audit event."""
    session.add(Event(case_id=case.id if case else None, kind=kind, actor_user_id=actor,
                      chat_id=chat_id, at=now, data=data))


async def find_duplicate(session: AsyncSession, report: Report, now: datetime,
                         rule: DedupRule) -> Case | None:
    """The open case this report duplicates, if any (nearest first), locked for the rest of
    the transaction (PostgreSQL). It may have been closed since the candidates were read:
    the caller checks its state again.

    Candidates are read as plain (id, point) rows with prepared statements (this runs for
    every submission); only the chosen case is loaded."""
    params = {"category": report.category, "since": now - rule.window}
    if report.latitude is not None and report.longitude is not None:
        degrees = rule.radius_m / METRES_PER_DEGREE
        lon_degrees = degrees / max(0.01, abs(math.cos(math.radians(report.latitude))))
        params.update(lat_lo=report.latitude - degrees, lat_hi=report.latitude + degrees,
                      lon_lo=report.longitude - lon_degrees,
                      lon_hi=report.longitude + lon_degrees)
        scored = [(haversine_m(report.latitude, report.longitude, row.latitude, row.longitude),
                   row.id) for row in await _NEAR_CANDIDATES.all(session, params)]
        near = [(d, case_id) for d, case_id in scored if d <= rule.radius_m]
        chosen = min(near)[1] if near else None
    else:
        # Without a point: the same grid, and the case has no point either (both named a
        # place).
        chosen = await _PLACE_CANDIDATES.scalar(session, params | {"grid_id": report.grid_id})
    return await lock_case(session, chosen) if chosen is not None else None


_CANDIDATES = (select(Case.id, Case.latitude, Case.longitude)
               .where(Case.category == bindparam("category"), Case.state.in_(OPEN_STATES),
                      Case.created_at >= bindparam("since"))
               .order_by(Case.created_at.desc()).limit(50))
_NEAR_CANDIDATES = Prepared(_CANDIDATES.where(
    Case.latitude.between(bindparam("lat_lo"), bindparam("lat_hi")),
    Case.longitude.between(bindparam("lon_lo"), bindparam("lon_hi"))))
_PLACE_CANDIDATES = Prepared(_CANDIDATES.where(Case.grid_id == bindparam("grid_id"),
                                               Case.latitude.is_(None)))


async def place_report(session: AsyncSession, report: Report, now: datetime,
                       ctx: CaseContext) -> tuple[Case, bool]:
    """Attach a new report to a duplicate open case, or open and dispatch a new case.

    The report may be new (not in the session): it is then written once, with its case.
    Returns the case and whether the report was merged into an existing one.
    """
    rule = ctx.dedup.get(report.category, DEFAULT_DEDUP["other"])
    duplicate = await find_duplicate(session, report, now, rule)
    # Read again under the lock: it may have been closed since (then the report opens a
    # case of its own, so its reporter hears an outcome).
    if duplicate is not None and duplicate.state in OPEN_STATES:
        await _save_report(session, report, duplicate.id)
        # Counted from the value read under the lock (PostgreSQL's row lock, SQLite's one
        # writer). Not a change of state, so the buttons already shown stay valid (no
        # version bump).
        duplicate.report_count += 1
        duplicate.updated_at = now
        # The count is written with the event by one flush at the end (the notices below
        # read the case from memory, and the reports, which are written already).
        with session.no_autoflush:
            record(session, duplicate, "merged", now, report_id=report.id,
                   anonymous_id=report.anonymous_id)
            await ctx.notifier.merged(session, duplicate, report)
        return duplicate, True
    limits = deadlines(now, ctx.sla, ctx.calendar)
    number = await next_case_number(session, to_local(now).date())
    case = Case(number=number, grid_id=report.grid_id, category=report.category,
                subcategory=report.subcategory, state=CaseState.NEW,
                latitude=report.latitude, longitude=report.longitude,
                address_text=report.address_text, created_at=now, updated_at=now,
                ack_deadline=limits.ack, on_site_deadline=limits.on_site,
                resolve_deadline=limits.resolve, off_hours=limits.off_hours,
                next_escalation_at=limits.ack, report_count=1, version=1)
    session.add(case)
    await session.flush()
    await _save_report(session, report, case.id)
    # Nothing read while dispatching depends on the case's new state or on the events (the
    # roster, the card's rows): the changes are written by one flush at the end, one UPDATE
    # of the case and one INSERT of both events, instead of a flush before each statement.
    with session.no_autoflush:
        record(session, case, "created", now, report_id=report.id,
               anonymous_id=report.anonymous_id, off_hours=limits.off_hours)
        await dispatch(session, case, now, ctx, [report])
    return case, False


async def _save_report(session: AsyncSession, report: Report, case_id: int) -> None:
    """Give the report its case; a new report is inserted now, with its photos.

    A new report goes in as two plain INSERTs rather than through the ORM's unit of work,
    which cost more than the rest of a submission (measured: the flush of one report and
    its photo was the largest single item of the intake path). The object stays outside
    the session, with its id set from the INSERT: never add it to a session afterwards.
    """
    report.case_id = case_id
    if report in session:  # the caller added it: the ORM writes it (now, for its id)
        await session.flush()
        return
    if report.id is not None:
        raise ValueError("a report outside the session must be new")
    now = utcnow()
    report.id = await _INSERT_REPORT.scalar(session, {
        key: value if (value := getattr(report, key)) is not None else default
        for key, default in _REPORT_DEFAULTS.items()} | {
        "received_at": report.received_at or now, "submitted_at": report.submitted_at or now})
    if report.photos:  # one executemany
        await _INSERT_PHOTO.run_many(session, [
            {key: getattr(photo, key) for key in _PHOTO_KEYS} | {
                "report_id": report.id, "kind": photo.kind or "photo",
                "received_at": photo.received_at or now}
            for photo in report.photos])


_REPORTS, _PHOTOS = Report.__table__, ReportPhoto.__table__
# What the ORM would write for an attribute left None: the column's constant default.
_REPORT_DEFAULTS = {c.key: c.default.arg if c.default is not None and c.default.is_scalar
                    else None for c in _REPORTS.c if c.key != "id"}
_PHOTO_KEYS = [c.key for c in _PHOTOS.c if c.key not in ("id", "report_id")]
_INSERT_REPORT = Prepared(insert(_REPORTS).values({key: bindparam(key)
                                                   for key in _REPORT_DEFAULTS})
                          .returning(_REPORTS.c.id))
_INSERT_PHOTO = Prepared(insert(_PHOTOS).values({key: bindparam(key)
                                                 for key in ("report_id", *_PHOTO_KEYS)}))


async def lock_case(session: AsyncSession, case_id: int) -> Case | None:
    """The case, re-read and locked for the rest of the transaction on PostgreSQL."""
    locked = session.bind.dialect.name == "postgresql"
    return await session.scalar(_LOCK_CASE if locked else _READ_CASE, {"case_id": case_id})


_READ_CASE = (select(Case).where(Case.id == bindparam("case_id"))
              .execution_options(populate_existing=True))
_LOCK_CASE = _READ_CASE.with_for_update()


def patrol_chat_of(router: Router, grid_id: int | None) -> tuple[GridNode | None, int | None]:
    """The grid's patrol chat, or the nearest ancestor's (the duty desk at the top)."""
    node = router.get(grid_id) if grid_id is not None else router.root
    for candidate in ([node] if node else []) + (router.ancestors(node.id) if node else []):
        if candidate.patrol_chat_id:
            return candidate, candidate.patrol_chat_id
    return node, None


def to_duty_desk(router: Router, grid_id: int | None) -> bool:
    """The case goes to the top-level duty desk: no grid below the top has a patrol chat
    for it (a point outside every grid, or a place known only as a street without one)."""
    target, _chat = patrol_chat_of(router, grid_id)
    return target is None or target.parent_id is None


async def reports_of(session: AsyncSession, case_id: int) -> list[Report]:
    """The reports of a case, oldest first."""
    rows = await session.execute(select(Report).where(Report.case_id == case_id)
                                 .order_by(Report.id))
    return list(rows.scalars())


@dataclass(frozen=True)
class Reporters:
    """What a case card shows of its reports: the descriptions, oldest first, and who may
    be contacted ((Telegram user id, name) of the residents who ticked "允许联系我"; the
    others stay anonymous)."""

    texts: list[str]
    contacts: list[tuple[int, str]]


def reporters_of(reports: list[Report]) -> Reporters:
    """`Reporters` of reports in memory (a case just created)."""
    ordered = sorted(reports, key=lambda r: r.id or 0)
    return Reporters([r.text for r in ordered if r.text], _contacts(
        (r.allow_contact, r.reporter_user_id, r.reporter_name) for r in ordered))


def _contacts(rows) -> list[tuple[int, str]]:
    # Each resident once (a second report may join their own case), oldest report first.
    found: dict[int, str] = {}
    for allowed, user_id, name in rows:
        if allowed and name and user_id not in found:
            found[user_id] = name
    return list(found.items())


async def case_reporters(session: AsyncSession, case_id: int, limit: int = 50) -> Reporters:
    """`Reporters` of a case's stored reports (the card shows only the first few hundred
    characters of the descriptions, so `limit` reports are plenty)."""
    rows = await _CASE_REPORTERS.all(session, {"case_id": case_id, "limit": limit})
    return Reporters([row.text for row in rows if row.text], _contacts(
        (row.allow_contact, row.reporter_user_id, row.reporter_name) for row in rows))


_CASE_REPORTERS = Prepared(
    select(_REPORTS.c.text, _REPORTS.c.allow_contact, _REPORTS.c.reporter_user_id,
           _REPORTS.c.reporter_name)
    .where(_REPORTS.c.case_id == bindparam("case_id"))
    .order_by(_REPORTS.c.id).limit(bindparam("limit")))


async def first_media(session: AsyncSession, reports: list[Report]) -> tuple[str, str] | None:
    """(file id, kind) of the first picture of these reports, if any.

    A report just submitted carries its photos in memory (the case card of a new case is
    built from them, without a round trip); reports read back are asked for."""
    if not reports:
        return None
    if all("photos" not in inspect(report).unloaded for report in reports):
        for report in sorted(reports, key=lambda r: r.id):
            if report.photos:
                return report.photos[0].file_id, report.photos[0].kind or "photo"
        return None
    row = await _FIRST_MEDIA.first(session, {"ids": [r.id for r in reports]})
    return (row.file_id, row.kind) if row else None


_FIRST_MEDIA = Prepared(select(_PHOTOS.c.file_id, _PHOTOS.c.kind)
                        .where(_PHOTOS.c.report_id.in_(bindparam("ids", expanding=True)))
                        .order_by(_PHOTOS.c.id).limit(1))


async def dispatch(session: AsyncSession, case: Case, now: datetime, ctx: CaseContext,
                   reports: list[Report] | None = None) -> Duty:
    """Post the case to its patrol chat and mark it DISPATCHED (NEW when there is no chat)."""
    grid = ctx.router.get(case.grid_id) or ctx.router.root
    if grid is not None and case.grid_id is None:
        case.grid_id = grid.id
    _, chat_id = patrol_chat_of(ctx.router, case.grid_id)
    duty = await on_duty(session, case.grid_id, now, ctx.router,
                         all_hands=all_hands(ctx.windows, now, case.category))
    if chat_id is None or grid is None:
        record(session, case, "no_patrol_chat", now, grid=grid.code if grid else None)
        return duty
    case.state = CaseState.DISPATCHED
    case.dispatched_at = now
    case.assignee_id = None
    case.version += 1
    case.updated_at = now
    reports = reports if reports is not None else await reports_of(session, case.id)
    await ctx.notifier.dispatched(session, case, grid, chat_id, duty, reports)
    record(session, case, "dispatched", now, grid=grid.code, chat_id=chat_id,
           on_duty=[m.telegram_id for m in duty.members], duty_source=duty.source)
    return duty
