"""The escalation ladder, driven by the database: a sweep acts on cases whose
`next_escalation_at` has passed, one step at a time, each step an audit event.

Ladder: 1. remind the patrol chat, mentioning who is on duty → 2. message the grid's
leaders privately → 3. post to the official chat of the grid or its nearest ancestor.
A case's current deadline depends on its state (not acknowledged → ack deadline;
acknowledged → on-site deadline; on site → resolve deadline). Acknowledging stops the
ladder until the next deadline; missing that one resumes it at the next step (the top step
is repeated once per missed deadline). The sweep is idempotent: the step and the next
due time are written in the same transaction as the messages, so a step is never sent
twice and a restart continues where the ladder was.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.cases import CaseContext, record
from dispatch.duty import Member, all_hands, leaders_of, on_duty
from storage.models import OPEN_STATES, Case, CaseState, GridOfficialChat

TOP_STEP = 3


def deadlines_of(case: Case) -> list[tuple[datetime, str]]:
    """The deadlines still ahead of the case in its state, earliest first, with their kind."""
    stages = [(case.ack_deadline, "ack"), (case.on_site_deadline, "on_site"),
              (case.resolve_deadline, "resolve")]
    if case.state == CaseState.ACKED:
        stages = stages[1:]
    elif case.state == CaseState.ON_SITE:
        stages = stages[2:]
    elif case.state not in (CaseState.NEW, CaseState.DISPATCHED, CaseState.REOPENED):
        return []
    return [(deadline, kind) for deadline, kind in stages if deadline is not None]


def missed_deadline(case: Case, now: datetime) -> tuple[datetime, str] | None:
    """The latest of the case's deadlines that has passed, if any."""
    passed = [stage for stage in deadlines_of(case) if stage[0] <= now]
    return passed[-1] if passed else None


def next_deadline(case: Case, now: datetime) -> datetime | None:
    """The first deadline still ahead."""
    ahead = [deadline for deadline, _ in deadlines_of(case) if deadline > now]
    return ahead[0] if ahead else None


async def official_chats(session: AsyncSession, case: Case, ctx: CaseContext) -> list[int]:
    """Official chats of the case's grid, or of its nearest ancestor that has some."""
    chain = [case.grid_id] + [g.id for g in ctx.router.ancestors(case.grid_id)] \
        if case.grid_id else []
    for grid_id in chain:
        rows = await session.execute(select(GridOfficialChat.chat_id)
                                     .where(GridOfficialChat.grid_id == grid_id)
                                     .order_by(GridOfficialChat.chat_id))
        chats = sorted(set(rows.scalars()))
        if chats:
            return chats
    return []


async def due_cases(session: AsyncSession, now: datetime, limit: int = 100) -> list[Case]:
    """Open cases whose next escalation time has come (locked on PostgreSQL)."""
    query = (select(Case).where(Case.state.in_(OPEN_STATES), Case.next_escalation_at <= now)
             .order_by(Case.next_escalation_at).limit(limit))
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list((await session.execute(query)).scalars())


async def escalate(session: AsyncSession, case: Case, now: datetime, ctx: CaseContext) -> bool:
    """Take the next step for one due case; False when nothing was due after all.

    A step with nobody to tell (no patrol chat, no leader, no official chat) is recorded as
    such and the ladder goes straight on to the next step. After the top step the ladder
    waits for the next deadline (on site, then resolve), where the top step is repeated.
    """
    missed = missed_deadline(case, now)
    if missed is None:
        case.next_escalation_at = next_deadline(case, now)
        return False
    deadline, kind = missed
    late = max(0, round((now - deadline).total_seconds() / 60))
    grid = ctx.router.get(case.grid_id)
    duty = await on_duty(session, case.grid_id, now, ctx.router,
                         all_hands=all_hands(ctx.windows, now, case.category))
    step = min(case.escalation_level + 1, TOP_STEP)
    while True:
        leaders: list[Member] = []
        chats: list[int] = []
        if step == 2 and case.grid_id is not None:
            leaders = await leaders_of(session, case.grid_id, ctx.router)
        if step == TOP_STEP:
            chats = await official_chats(session, case, ctx)
        sent = await ctx.notifier.escalate(session, case, step, grid, duty, leaders, chats,
                                           kind, late)
        record(session, case, "escalated", now, step=step, missed=kind, late_minutes=late,
               sent=sent, leaders=[m.telegram_id for m in leaders], official_chats=chats)
        case.escalation_level = step
        if sent or step == TOP_STEP:
            break
        step += 1
    case.next_escalation_at = (now + ctx.sla.escalation_interval if step < TOP_STEP
                               else next_deadline(case, now))
    return True


async def sweep(session: AsyncSession, now: datetime, ctx: CaseContext) -> int:
    """One pass over the due cases; returns how many steps were taken."""
    steps = 0
    for case in await due_cases(session, now):
        steps += await escalate(session, case, now, ctx)
    return steps
