"""What patrol members and residents do to a case: 接单, 到场, 办结, 无法核实, 转派, 满意/不满意.

Each function checks who acts and whether the case is still in the state the button was
shown for (the `version` carried by the button); a refused or stale press changes nothing
and says why. Every change writes one audit event in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.cases import CaseContext, dispatch, lock_case, record
from dispatch.duty import Member, leaders_of, may_act
from dispatch.geo import haversine_m
from dispatch.pending import clear_pending, set_pending
from dispatch.routing import GridNode, Router
from dispatch.sla import deadlines
from storage.models import Case, CaseState, CheckIn, Report, Role

RESOLVE_OUTCOMES = ("stopped", "persuaded", "referred", "nothing_found")
UNFOUNDED_REASONS = ("no_anomaly", "address_unclear", "duplicate", "other")
ARRIVAL_WAIT = timedelta(minutes=30)
NOTE_WAIT = timedelta(minutes=15)


@dataclass
class Result:
    """The outcome of an action: done, or refused with a reason (a text key suffix)."""

    ok: bool
    case: Case | None = None
    reason: str | None = None  # unknown | stale | not_allowed | not_assignee | bad_target …
    member: Member | None = None
    distance_m: float | None = None


load_case = lock_case


async def _actor(session: AsyncSession, case: Case, telegram_id: int, ctx: CaseContext,
                 *, assignee_only: bool) -> tuple[Member | None, str | None]:
    member = await may_act(session, telegram_id, case.grid_id, ctx.router)
    if member is None:
        return None, "not_allowed"
    if assignee_only and case.assignee_id not in (None, member.person_id) \
            and member.role not in (Role.LEADER, Role.ADMIN):
        return None, "not_assignee"
    return member, None


async def _checked(session: AsyncSession, case_id: int, version: int | None,
                   states: tuple[str, ...]) -> tuple[Case | None, str | None]:
    case = await load_case(session, case_id)
    if case is None:
        return None, "unknown"
    if case.state not in states or (version is not None and case.version != version):
        return case, "stale"
    return case, None


async def acknowledge(session: AsyncSession, case_id: int, version: int, telegram_id: int,
                      chat_id: int | None, now: datetime, ctx: CaseContext) -> Result:
    """接单: the case is taken; the ladder stops until the on-site deadline."""
    case, problem = await _checked(session, case_id, version,
                                   (CaseState.DISPATCHED, CaseState.REOPENED))
    if problem:
        return Result(False, case, problem)
    member, problem = await _actor(session, case, telegram_id, ctx, assignee_only=False)
    if problem:
        return Result(False, case, problem)
    case.state, case.acked_at, case.assignee_id = CaseState.ACKED, now, member.person_id
    case.next_escalation_at = case.on_site_deadline
    case.version += 1
    case.updated_at = now
    record(session, case, "acked", now, telegram_id, chat_id, by=member.name)
    await ctx.notifier.refresh(session, case, member)
    await ctx.notifier.residents(session, case, "acked")
    return Result(True, case, member=member)


async def request_arrival(session: AsyncSession, case_id: int, version: int, telegram_id: int,
                          now: datetime, ctx: CaseContext) -> Result:
    """到场 pressed: wait for the member's location in their private chat."""
    case, problem = await _checked(session, case_id, version, (CaseState.ACKED,))
    if problem:
        return Result(False, case, problem)
    member, problem = await _actor(session, case, telegram_id, ctx, assignee_only=True)
    if problem:
        return Result(False, case, problem)
    await set_pending(session, telegram_id, "arrival", {"case_id": case.id}, now + ARRIVAL_WAIT)
    await ctx.notifier.ask_arrival(session, case, member)
    return Result(True, case, member=member)


async def arrive(session: AsyncSession, case_id: int, telegram_id: int, latitude: float,
                 longitude: float, now: datetime, ctx: CaseContext) -> Result:
    """The member shared their location: ON_SITE, with the distance to the report."""
    case, problem = await _checked(session, case_id, None, (CaseState.ACKED,))
    await clear_pending(session, telegram_id)
    if problem:
        return Result(False, case, problem)
    member, problem = await _actor(session, case, telegram_id, ctx, assignee_only=True)
    if problem:
        return Result(False, case, problem)
    distance = (haversine_m(latitude, longitude, case.latitude, case.longitude)
                if case.latitude is not None and case.longitude is not None else None)
    far = distance is not None and distance > ctx.sla.arrival_distance_m
    case.state, case.on_site_at, case.on_site_distance_m = CaseState.ON_SITE, now, distance
    case.next_escalation_at = case.resolve_deadline
    case.version += 1
    case.updated_at = now
    session.add(CheckIn(person_id=member.person_id, grid_id=case.grid_id, kind="arrival", at=now,
                        latitude=latitude, longitude=longitude, case_id=case.id))
    record(session, case, "arrived", now, telegram_id, None, by=member.name,
           distance_m=None if distance is None else round(distance, 1), far=far,
           late=now > case.on_site_deadline)
    await ctx.notifier.refresh(session, case, member)
    await ctx.notifier.residents(session, case, "arrived")
    return Result(True, case, member=member, distance_m=distance)


async def resolve(session: AsyncSession, case_id: int, version: int, telegram_id: int,
                  outcome: str, chat_id: int | None, now: datetime, ctx: CaseContext) -> Result:
    """办结 with an outcome: RESOLVED; the member may add an after photo or a note."""
    if outcome not in RESOLVE_OUTCOMES:
        return Result(False, None, "bad_outcome")
    case, problem = await _checked(session, case_id, version, (CaseState.ACKED, CaseState.ON_SITE))
    if problem:
        return Result(False, case, problem)
    member, problem = await _actor(session, case, telegram_id, ctx, assignee_only=True)
    if problem:
        return Result(False, case, problem)
    case.state, case.resolved_at, case.outcome = CaseState.RESOLVED, now, outcome
    case.next_escalation_at = None
    case.version += 1
    case.updated_at = now
    record(session, case, "resolved", now, telegram_id, chat_id, by=member.name, outcome=outcome)
    await ctx.notifier.refresh(session, case, member)
    await ctx.notifier.residents(session, case, "resolved")
    if await set_pending(session, telegram_id, "after_note", {"case_id": case.id},
                         now + NOTE_WAIT, unless_busy_at=now):
        await ctx.notifier.ask_after_note(session, case, member)
    return Result(True, case, member=member)


async def add_after_note(session: AsyncSession, case_id: int, telegram_id: int,
                         note: str | None, photo: dict | None, now: datetime) -> Case | None:
    """An "after" photo or a note for a resolved case (kept as evidence)."""
    case = await load_case(session, case_id)
    if case is None:
        return None
    if note:
        case.outcome_note = f"{case.outcome_note}\n{note}" if case.outcome_note else note
    record(session, case, "after_note", now, telegram_id, None, note=note, photo=photo)
    return case


async def mark_unfounded(session: AsyncSession, case_id: int, version: int, telegram_id: int,
                         reason: str, chat_id: int | None, now: datetime,
                         ctx: CaseContext) -> Result:
    """无法核实 with a reason: UNFOUNDED."""
    if reason not in UNFOUNDED_REASONS:
        return Result(False, None, "bad_outcome")
    case, problem = await _checked(session, case_id, version, (
        CaseState.DISPATCHED, CaseState.REOPENED, CaseState.ACKED, CaseState.ON_SITE))
    if problem:
        return Result(False, case, problem)
    member, problem = await _actor(session, case, telegram_id, ctx,
                                   assignee_only=case.state != CaseState.DISPATCHED)
    if problem:
        return Result(False, case, problem)
    case.state, case.resolved_at, case.outcome = CaseState.UNFOUNDED, now, reason
    case.next_escalation_at = None
    case.version += 1
    case.updated_at = now
    record(session, case, "unfounded", now, telegram_id, chat_id, by=member.name, reason=reason)
    await ctx.notifier.refresh(session, case, member)
    await ctx.notifier.residents(session, case, "unfounded")
    return Result(True, case, member=member)


def transfer_targets(router: Router, grid_id: int | None) -> list[GridNode]:
    """Where a case may be moved: the grid's neighbours and its parent."""
    if grid_id is None:
        return []
    node = router.get(grid_id)
    targets = router.neighbours(grid_id)
    if node is not None and node.parent_id is not None:
        parent = router.get(node.parent_id)
        if parent is not None:
            targets.append(parent)
    return targets


async def transfer(session: AsyncSession, case_id: int, version: int, telegram_id: int,
                   target_id: int, chat_id: int | None, now: datetime,
                   ctx: CaseContext) -> Result:
    """转派: move the case to a neighbouring or the parent grid and dispatch it there."""
    case, problem = await _checked(session, case_id, version, (
        CaseState.DISPATCHED, CaseState.REOPENED, CaseState.ACKED))
    if problem:
        return Result(False, case, problem)
    member, problem = await _actor(session, case, telegram_id, ctx,
                                   assignee_only=case.state == CaseState.ACKED)
    if problem:
        return Result(False, case, problem)
    if target_id not in {g.id for g in transfer_targets(ctx.router, case.grid_id)}:
        return Result(False, case, "bad_target")
    source = ctx.router.get(case.grid_id)
    target = ctx.router.get(target_id)
    record(session, case, "transferred", now, telegram_id, chat_id, by=member.name,
           **{"from": source.code if source else None, "to": target.code})
    case.version += 1
    await ctx.notifier.refresh(session, case, member, transferred_to=target)  # old chat
    case.grid_id = target_id
    case.assignee_id = None
    case.acked_at = None
    case.escalation_level = 0
    case.next_escalation_at = case.ack_deadline  # the clock still runs from the report
    await dispatch(session, case, now, ctx)
    return Result(True, case, member=member)


async def rate(session: AsyncSession, case_id: int, report_id: int, telegram_id: int,
               satisfied: bool, now: datetime, ctx: CaseContext) -> Result:
    """满意 / 不满意 from a reporter; 不满意 reopens the case and alerts the grid's leaders."""
    case = await load_case(session, case_id)
    report = await session.get(Report, report_id)
    if case is None or report is None or report.case_id != case.id \
            or report.reporter_user_id != telegram_id:
        return Result(False, case, "not_allowed")
    if case.state not in (CaseState.RESOLVED, CaseState.UNFOUNDED) or report.satisfaction:
        return Result(False, case, "stale")
    report.satisfaction = "satisfied" if satisfied else "unsatisfied"
    case.satisfaction = report.satisfaction
    case.updated_at = now
    record(session, case, "satisfaction", now, telegram_id, None, satisfied=satisfied,
           report_id=report.id)
    if satisfied:
        case.version += 1
        return Result(True, case)
    limits = deadlines(now, ctx.sla, ctx.calendar)
    case.state = CaseState.REOPENED
    case.reopened_count += 1
    case.version += 1
    case.acked_at = case.on_site_at = case.resolved_at = None
    case.outcome = None
    case.assignee_id = None
    case.on_site_distance_m = None
    case.ack_deadline, case.on_site_deadline = limits.ack, limits.on_site
    case.resolve_deadline, case.off_hours = limits.resolve, limits.off_hours
    case.escalation_level = 0
    case.next_escalation_at = limits.ack
    record(session, case, "reopened", now, telegram_id, None, report_id=report.id)
    leaders = await leaders_of(session, case.grid_id, ctx.router) if case.grid_id else []
    await ctx.notifier.unsatisfied(session, case, leaders)
    await dispatch(session, case, now, ctx)
    return Result(True, case)
