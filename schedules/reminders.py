"""Reminders around sensitive windows and public notices (issue 6)."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from handlers.services import Services


def register_jobs(scheduler: AsyncIOScheduler, svc: Services) -> None:
    """Add the reminder jobs to the runtime's scheduler."""
