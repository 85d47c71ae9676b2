"""What the case use cases tell people, as a protocol the Telegram edge implements.

Use cases call these inside their transaction; the implementation (handlers/notifier.py)
renders texts and keyboards and queues outbox rows in the same transaction, so a state
change and the messages it causes are committed together or not at all.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.duty import Duty, Member
from dispatch.routing import GridNode
from storage.models import Case, Report


class Notifier(Protocol):
    """Messages caused by changes of cases."""

    async def dispatched(self, session: AsyncSession, case: Case, grid: GridNode, chat_id: int,
                         duty: Duty, reports: list[Report]) -> None:
        """Post the case to a patrol chat (sets case.dispatch_outbox_id/dispatch_chat_id)."""

    async def merged(self, session: AsyncSession, case: Case, report: Report) -> None:
        """A duplicate joined the case: "+1 举报" in the patrol chat."""

    async def refresh(self, session: AsyncSession, case: Case, assignee: Member | None,
                      transferred_to: GridNode | None = None) -> None:
        """Edit the patrol chat's case message to show the current state and buttons (or
        that it was transferred to another grid)."""

    async def residents(self, session: AsyncSession, case: Case, event: str) -> None:
        """Tell every reporter of the case what happened (acked, arrived, resolved, …)."""

    async def ask_arrival(self, session: AsyncSession, case: Case, member: Member) -> None:
        """Ask the member privately to share their location on arrival."""

    async def ask_after_note(self, session: AsyncSession, case: Case, member: Member) -> None:
        """Offer the member to add an "after" photo or a note privately."""

    async def escalate(self, session: AsyncSession, case: Case, step: int, grid: GridNode | None,
                       duty: Duty, leaders: list[Member], official_chats: list[int],
                       missed: str, late_minutes: int) -> int:
        """One step of the escalation ladder (`missed`: ack | on_site | resolve); returns how
        many messages were queued (0: nobody to tell at this step)."""

    async def unsatisfied(self, session: AsyncSession, case: Case, leaders: list[Member]) -> None:
        """A resident was not satisfied: alert the grid's leaders privately."""

    async def calendar_missing(self, session: AsyncSession, year: int,
                               admins: list[Member]) -> None:
        """The working-day calendar lacks `year`: tell the admins (once)."""
