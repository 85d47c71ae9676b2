"""Periodic housekeeping driven by the database: expired drafts, records of handled
updates, catalogue refresh."""

from __future__ import annotations

import logging

from dispatch.catalog import refresh_catalog
from dispatch.outbox import Outgoing, enqueue
from dispatch.replays import forget_old
from dispatch.reports import delete_draft, expired_drafts
from handlers.i18n import hours, t
from handlers.services import Services

log = logging.getLogger(__name__)


async def expire_drafts(svc: Services) -> int:
    """Delete drafts past their expiry and tell each resident (through the outbox)."""
    now = svc.clock.now()
    async with svc.db.transaction() as session:
        drafts = await expired_drafts(session, now)
        for draft, chosen in drafts:
            # The language chosen with /lang since the draft was last saved comes first.
            lang = chosen or draft.data.get("lang", "zh")
            await enqueue(session, Outgoing(
                chat_id=draft.chat_id, method="sendMessage", purpose="draft_expired",
                dedup_key=f"draft-expired:{draft.user_id}:{draft.created_at.timestamp():.6f}",
                payload={"text": t(lang, "intake.expired_note",
                                   hours=hours(svc.intake.draft_ttl))}))
            await delete_draft(session, draft, now)
    if drafts:
        log.info("expired %d draft(s)", len(drafts))
        svc.wake_outbox()
    return len(drafts)


async def forget_handled_updates(svc: Services) -> int:
    """Drop the records of handled updates older than a day (dispatch.replays)."""
    async with svc.db.transaction() as session:
        return await forget_old(session, svc.clock.now())


async def refresh_grids(svc: Services, gap_m: float) -> bool:
    """Swap in a new grid catalogue when grids were re-imported; True when it changed."""
    fresh = await refresh_catalog(svc.db, svc.catalog, gap_m)
    if fresh is svc.catalog:
        return False
    svc.catalog = fresh
    log.info("grid catalogue reloaded: %d grids", len(fresh.router))
    return True


async def escalate_cases(svc: Services) -> int:
    """One pass of the escalation ladder over overdue cases (see dispatch.escalation)."""
    from dispatch.duty import admins
    from dispatch.escalation import sweep
    from handlers.notifier import OutboxNotifier

    notifier = OutboxNotifier(svc)
    async with svc.db.transaction() as session:
        steps = await sweep(session, svc.clock.now(), notifier.context())
        # Years the working-day calendar had to guess: tell the admins once per year.
        while svc.missing_years:
            year = svc.missing_years.pop()
            await notifier.calendar_missing(session, year, await admins(session))
            steps += 1
    if steps:
        svc.wake_outbox()
    return steps
