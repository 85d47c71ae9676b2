"""Residents' subscriptions to the public notices of a grid (禁燃禁放公告).

A subscription is a (chat, grid) row with the language the resident reads. Every function
runs inside the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Report, Subscription


@dataclass(frozen=True)
class Subscriber:
    """One chat that receives public notices, for these grids, in this language."""

    chat_id: int
    language: str
    grid_ids: tuple[int, ...]


async def subscribe(session: AsyncSession, chat_id: int, grid_id: int,
                    language: str | None) -> bool:
    """Subscribe `chat_id` to `grid_id`; False when it already was (the language is updated)."""
    existing = await session.scalar(select(Subscription).where(
        Subscription.chat_id == chat_id, Subscription.grid_id == grid_id))
    if existing is not None:
        existing.language = language
        return False
    session.add(Subscription(chat_id=chat_id, grid_id=grid_id, language=language))
    await session.flush()
    return True


async def unsubscribe(session: AsyncSession, chat_id: int, grid_id: int | None = None) -> int:
    """Remove the chat's subscription to `grid_id` (None: all of them); how many went."""
    statement = delete(Subscription).where(Subscription.chat_id == chat_id)
    if grid_id is not None:
        statement = statement.where(Subscription.grid_id == grid_id)
    result = await session.execute(statement)
    return int(result.rowcount or 0)


async def grids_of(session: AsyncSession, chat_id: int) -> list[int]:
    """Grid ids the chat is subscribed to, oldest subscription first."""
    rows = await session.execute(select(Subscription.grid_id).where(
        Subscription.chat_id == chat_id).order_by(Subscription.id))
    return list(rows.scalars())


async def subscribers(session: AsyncSession) -> list[Subscriber]:
    """Every subscribed chat with its grids, by chat id."""
    rows = await session.execute(select(Subscription.chat_id, Subscription.grid_id,
                                        Subscription.language).order_by(Subscription.chat_id,
                                                                        Subscription.id))
    grids: dict[int, list[int]] = defaultdict(list)
    languages: dict[int, str] = {}
    for chat_id, grid_id, language in rows.all():
        grids[chat_id].append(grid_id)
        languages.setdefault(chat_id, language or "zh")
    return [Subscriber(chat_id, languages[chat_id], tuple(ids)) for chat_id, ids in grids.items()]


async def last_report_grid(session: AsyncSession, user_id: int) -> int | None:
    """The grid of the resident's latest report that has one, if any."""
    return await session.scalar(
        select(Report.grid_id).where(Report.reporter_user_id == user_id,
                                     Report.grid_id.is_not(None))
        .order_by(Report.submitted_at.desc(), Report.id.desc()).limit(1))
