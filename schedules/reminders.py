"""Reminders around sensitive windows and public notices (issue 6).

One interval job, the tick, asks `dispatch.reminders` what is due at `svc.clock.now()`
(within the grace), renders each item from the ``[reminders]`` templates and queues it in
the outbox under its dedup key, in one transaction; a key queued before is skipped, so a
second tick, a second instance or a restart never sends anything twice. The first tick runs
at start-up: reminders missed while the bot was down go out if still within the grace.
"""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.checkins import checked_in
from dispatch.clock import LOCAL_TZ, to_local
from dispatch.duty import leaders_of, roster
from dispatch.outbox import Outgoing, enqueue, queued_keys
from dispatch.reminders import Due, PatrolGrid, RosterMember, due_all, reminder_key
from dispatch.shifts import is_on_duty
from dispatch.subscriptions import subscribers
from handlers.services import Services
from schedules import reminders_text as text
from schedules.reminders_config import ReminderConfig, reminder_config
from storage.models import Grid, Role

log = logging.getLogger(__name__)
JOB_ID = "reminders"


def config_of(svc: Services) -> ReminderConfig:
    """The parsed ``[reminders]`` settings (SettingsError naming the key when bad)."""
    return reminder_config(svc.settings, {rule.key for rule in svc.windows})


def register_jobs(scheduler: AsyncIOScheduler, svc: Services) -> None:
    """Add the reminder tick (every ``[reminders] tick``, first run at once)."""
    config = config_of(svc)  # bad settings stop the start-up here, with one line
    scheduler.add_job(tick, "interval", seconds=config.tick.total_seconds(), args=[svc],
                      id=JOB_ID, max_instances=1, coalesce=True,
                      next_run_time=datetime.now(LOCAL_TZ))


async def patrol_grids(session: AsyncSession) -> list[PatrolGrid]:
    """Grids with a patrol chat and their patrol members (a snapshot for one tick)."""
    rows = (await session.execute(
        select(Grid.id, Grid.code, Grid.name, Grid.patrol_chat_id)
        .where(Grid.patrol_chat_id.is_not(None)).order_by(Grid.code))).all()
    members: dict[int, list[RosterMember]] = {row.id: [] for row in rows}
    for entry in await roster(session, list(members), (Role.PATROL,)):
        member = entry.member
        members[member.grid_id].append(RosterMember(
            member.person_id, member.telegram_id, member.name, member.language, entry.specs,
            entry.always_on_call))
    return [PatrolGrid(row.id, row.code, row.name, row.patrol_chat_id, tuple(members[row.id]))
            for row in rows]


def on_duty_names(due: Due) -> list[str]:
    """Who is on duty in the grid at the reminder's moment; everyone in a high window."""
    assert due.grid is not None
    if due.window.level == "high":
        return [m.name for m in due.grid.members]
    local = to_local(due.at)
    return [m.name for m in due.grid.members if is_on_duty(m.specs, m.always_on_call, local)]


async def _missed(session: AsyncSession, svc: Services, config: ReminderConfig,
                  items: list[Due]) -> list[Outgoing]:
    """Reports to leaders of members who did not check in after a shift reminder."""
    if not items:
        return []
    rules = config.rules
    sent = await queued_keys(session, [
        reminder_key("shift", d.window.key, d.day, d.grid.chat_id, d.hhmm) for d in items])
    messages = []
    for due in items:
        shift_key = reminder_key("shift", due.window.key, due.day, due.grid.chat_id, due.hhmm)
        if shift_key not in sent:
            continue  # no reminder went out (e.g. the grid got its chat later): nothing to miss
        present = await checked_in(session, [m.person_id for m in due.members],
                                   due.at - rules.checkin_early, due.at + rules.checkin_grace)
        absent = [m.name for m in due.members if m.person_id not in present]
        if not absent:
            continue
        minutes = int(rules.checkin_grace.total_seconds() // 60)
        for leader in await leaders_of(session, due.grid.grid_id, svc.catalog.router):
            renderer = text.Renderer(config.texts, leader.language or "zh")
            messages.append(Outgoing(
                chat_id=leader.telegram_id, method="sendMessage", purpose="missed_checkin",
                dedup_key=due.key(leader.telegram_id),
                payload={"text": text.missed_checkin(renderer, due, absent, minutes)}))
    return messages


async def _public(session: AsyncSession, svc: Services, config: ReminderConfig,
                  items: list[Due]) -> list[Outgoing]:
    """Ban notices to every subscribed chat, naming its grids."""
    if not items:
        return []
    router = svc.catalog.router
    chats = await subscribers(session)
    # Thousands of subscribers, asked every tick through the grace: render only the new ones.
    seen = await queued_keys(session, [d.key(s.chat_id) for s in chats for d in items])
    messages = []
    for subscriber in chats:
        names = [node.name for node in map(router.get, subscriber.grid_ids) if node]
        renderer = text.Renderer(config.texts, subscriber.language)
        for due in items:
            if due.key(subscriber.chat_id) in seen:
                continue
            messages.append(Outgoing(
                chat_id=subscriber.chat_id, method="sendMessage", purpose="public_notice",
                dedup_key=due.key(subscriber.chat_id),
                payload={"text": text.public(renderer, due, names)}))
    return messages


def _patrol(config: ReminderConfig, due: Due, now: datetime) -> Outgoing:
    """A reminder to a grid's patrol chat."""
    assert due.grid is not None
    if due.kind == "pre":
        body = text.for_group(config.texts, config.group_languages,
                              lambda r: text.pre_window(r, due, now))
    elif due.kind == "shift":
        names = on_duty_names(due)
        body = text.for_group(config.texts, config.group_languages,
                              lambda r: text.shift_start(r, due, names))
    else:
        names = on_duty_names(due)
        body = text.for_group(config.texts, config.group_languages,
                              lambda r: text.peak(r, due, names))
    return Outgoing(chat_id=due.grid.chat_id, method="sendMessage", purpose="reminder",
                    dedup_key=due.key(due.grid.chat_id), payload={"text": body})


async def _enqueue_new(session: AsyncSession, messages: list[Outgoing]) -> int:
    """Queue the messages whose key is new; how many were queued."""
    # Most candidates were queued by an earlier tick: look them up in bulk, insert the rest.
    seen = await queued_keys(session, [m.dedup_key for m in messages if m.dedup_key])
    queued = 0
    for message in messages:
        if message.dedup_key not in seen and await enqueue(session, message) is not None:
            queued += 1
    return queued


async def tick(svc: Services) -> int:
    """Queue every reminder due now that was not queued before; how many were queued."""
    config = config_of(svc)
    now = svc.clock.now()
    queued = 0
    async with svc.db.transaction() as session:
        grids = await patrol_grids(session)
        due = due_all(svc.windows, grids, now, config.rules)
        messages = [_patrol(config, d, now) for d in due if d.kind in ("pre", "shift", "peak")]
        messages += await _public(session, svc, config, [d for d in due if d.kind == "public"])
        queued += await _enqueue_new(session, messages)
        # After the shift reminders above: a late reminder (the bot was down) still counts.
        missed = await _missed(session, svc, config, [d for d in due if d.kind == "missed"])
        queued += await _enqueue_new(session, missed)
    if queued:
        log.info("queued %d reminder(s) at %s", queued, to_local(now).isoformat())
        svc.wake_outbox()
    return queued
