"""Monthly bulletins and quarterly rankings for officials (issue 7)."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers.services import Services


def register_jobs(scheduler: AsyncIOScheduler, svc: Services) -> None:
    """Add the bulletin jobs to the runtime's scheduler."""
