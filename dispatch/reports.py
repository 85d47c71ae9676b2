"""Use cases of residents' reports: drafts in the database, submission, the resident's list.

Persist first, then talk: every function here runs inside the caller's transaction, and the
handler answers the resident only after that transaction committed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.cases import CaseContext, place_report
from dispatch.intake import anonymous_id
from storage.models import Case, Draft, Report, ReportPhoto


@dataclass(frozen=True)
class Resident:
    """The person reporting, as far as the use cases need to know."""

    user_id: int
    chat_id: int
    name: str | None
    language: str


@dataclass
class Submitted:
    """The outcome of a submission."""

    case: Case
    report: Report
    merged: bool = False


async def get_draft(session: AsyncSession, user_id: int, *, lock: bool = False) -> Draft | None:
    """The resident's draft, expired or not (the caller decides what expiry means).

    `lock` holds the row for the rest of the transaction on PostgreSQL, so two instances
    handling the same resident (two presses of 提交) take turns instead of both submitting.
    """
    query = select(Draft).where(Draft.user_id == user_id)
    if lock and session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    return await session.scalar(query)


async def save_draft(session: AsyncSession, resident: Resident, data: dict[str, Any],
                     now: datetime, ttl: timedelta, draft: Draft | None = None) -> Draft:
    """Create or update the resident's draft and push its expiry forward."""
    if draft is None:
        draft = Draft(user_id=resident.user_id, chat_id=resident.chat_id, data=data,
                      created_at=now, updated_at=now, expires_at=now + ttl, version=1)
        session.add(draft)
    else:
        draft.data = copy.deepcopy(data)  # never share nested objects with the caller
        draft.updated_at = now
        draft.expires_at = now + ttl
        draft.version += 1
    await session.flush()
    return draft


async def drop_draft(session: AsyncSession, user_id: int) -> bool:
    """Delete the resident's draft; True when there was one."""
    result = await session.execute(delete(Draft).where(Draft.user_id == user_id))
    return bool(result.rowcount)


async def expired_drafts(session: AsyncSession, now: datetime, limit: int = 100) -> list[Draft]:
    """Drafts past their expiry, oldest first (rows another instance holds are skipped)."""
    query = (select(Draft).where(Draft.expires_at <= now)
             .order_by(Draft.expires_at).limit(limit))
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list((await session.execute(query)).scalars())


async def submit_draft(session: AsyncSession, draft: Draft, resident: Resident, now: datetime,
                       ctx: CaseContext, salt: str) -> Submitted:
    """Turn a complete draft into a report, place it (a new dispatched case, or joined to an
    open duplicate), and drop the draft — all in the caller's transaction."""
    data = draft.data
    router = ctx.router
    grid = router.by_code(data["grid_code"]) if data.get("grid_code") else None
    if grid is None and data.get("latitude") is not None:
        grid = router.locate(data["latitude"], data["longitude"]).grid
    if grid is None:
        grid = router.root
    report = Report(
        reporter_user_id=resident.user_id, reporter_chat_id=resident.chat_id,
        reporter_name=resident.name if data.get("allow_contact") else None,
        reporter_language=resident.language, anonymous_id=anonymous_id(resident.user_id, salt),
        allow_contact=bool(data.get("allow_contact")), text=data.get("text"),
        category=data["category"], subcategory=data.get("subcategory"),
        confidence=data.get("confidence"), latitude=data.get("latitude"),
        longitude=data.get("longitude"), location_source=data.get("location_source"),
        address_text=data.get("address_text"), grid_id=grid.id if grid else None,
        received_at=datetime.fromisoformat(data["started_at"]) if data.get("started_at") else now,
        submitted_at=now,
    )
    for photo in data.get("photos", []):
        # Evidence: where the resident was; a photo sent before the location gets the report's.
        latitude = photo.get("latitude") if photo.get("latitude") is not None \
            else data.get("latitude")
        longitude = photo.get("longitude") if photo.get("longitude") is not None \
            else data.get("longitude")
        report.photos.append(ReportPhoto(
            file_id=photo["file_id"], file_unique_id=photo.get("file_unique_id"),
            sha256=photo.get("sha256"), path=photo.get("path"), size_bytes=photo.get("size"),
            mime_type=photo.get("mime"), kind=photo.get("kind", "photo"),
            received_at=datetime.fromisoformat(photo["received_at"]),
            latitude=latitude, longitude=longitude))
    session.add(report)
    await session.flush()
    case, merged = await place_report(session, report, now, ctx)
    await session.delete(draft)
    return Submitted(case=case, report=report, merged=merged)


async def my_reports(session: AsyncSession, user_id: int, limit: int = 10) -> list[tuple[Report, Case]]:
    """The resident's latest reports with their cases, newest first."""
    rows = await session.execute(
        select(Report, Case).join(Case, Report.case_id == Case.id)
        .where(Report.reporter_user_id == user_id)
        .order_by(Report.submitted_at.desc(), Report.id.desc()).limit(limit))
    return [(report, case) for report, case in rows.all()]
