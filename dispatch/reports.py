"""Use cases of residents' reports: drafts in the database, submission, the resident's list.

Persist first, then talk: every function here runs inside the caller's transaction (or
autocommit session, storage.db.autocommit), and the handler answers the resident only after
that committed.

Drafts are written optimistically: a write names the version it was computed from and
raises `DraftChanged` when the stored draft is no longer that version (another instance
handled the same resident in between); the caller reads the draft again and redoes its
step. So a resident's message needs no transaction around its read and its write (on
PostgreSQL two round trips instead of five), and two instances still never lose each
other's changes. Submission takes the row lock as well (`get_draft(lock=True)` inside a
transaction), as it writes a report, a case and the outbox along with dropping the draft.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, bindparam, delete, exc, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.cases import CaseContext, place_report
from dispatch.intake import anonymous_id, has_content
from dispatch.pending import live
from dispatch.replays import remember
from storage.models import Case, Draft, HandledUpdate, Person, Report, ReportPhoto
from storage.prepared import Prepared


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
    again: bool = False  # merged into a case this resident had reported already


class DraftChanged(Exception):
    """The stored draft is not the version a write was computed from: read it again."""


@dataclass
class DraftRow:
    """A resident's draft as stored: plain data, changed through `dispatch.intake`."""

    id: int
    user_id: int
    chat_id: int
    data: dict[str, Any]
    version: int
    created_at: datetime
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        """Past its expiry: no longer the resident's report in progress."""
        return self.expires_at <= now

    def under_way(self, now: datetime) -> bool:
        """A live draft holding something the resident gave (not only a poster's grid)."""
        return not self.expired(now) and has_content(self.data)


# Drafts are read and written on every message a resident sends, so their statements are
# prepared (storage.prepared: compiled once, run on the driver): a draft is one JSON
# document, there is nothing for the ORM to track.
_DRAFTS = Draft.__table__
_COLUMNS = (_DRAFTS.c.id, _DRAFTS.c.user_id, _DRAFTS.c.chat_id, _DRAFTS.c.data,
            _DRAFTS.c.version, _DRAFTS.c.created_at, _DRAFTS.c.expires_at)
_SELECT = select(*_COLUMNS).where(_DRAFTS.c.user_id == bindparam("user_id"))
_SELECT_DRAFT = Prepared(_SELECT)
_SELECT_DRAFT_LOCKED = Prepared(_SELECT.with_for_update())
_INSERT_DRAFT = Prepared(insert(_DRAFTS).values(
    user_id=bindparam("new_user_id"), chat_id=bindparam("new_chat_id"), step="collecting",
    data=bindparam("new_data"), version=1, created_at=bindparam("now"),
    updated_at=bindparam("now_again"), expires_at=bindparam("expires")).returning(_DRAFTS.c.id))
_SAME = (_DRAFTS.c.id == bindparam("draft_id"), _DRAFTS.c.version == bindparam("read_version"))
_UPDATE_DRAFT = Prepared(update(_DRAFTS).where(*_SAME).values(
    data=bindparam("new_data"), version=_DRAFTS.c.version + 1, updated_at=bindparam("now"),
    expires_at=bindparam("expires")))
_DELETE_DRAFT = Prepared(delete(_DRAFTS).where(*_SAME))


# Did this resident report the case before (a submission merged into it)?
_REPORTS = Report.__table__
_REPORTED_BEFORE = Prepared(select(_REPORTS.c.id).where(
    _REPORTS.c.case_id == bindparam("case_id"), _REPORTS.c.id != bindparam("report_id"),
    _REPORTS.c.reporter_user_id == bindparam("user_id")).limit(1))

# A resident's message asks for their pending action, their draft and whether another
# handler took this very update already (dispatch.replays): one read.
_ASKING = select(bindparam("user_id", type_=BigInteger).label("uid"),
                 bindparam("update_id", type_=BigInteger).label("upd")).subquery("asking")
_PEOPLE = Person.__table__
_HANDLED = HandledUpdate.__table__
_SELECT_WITH_PENDING = Prepared(
    select(_PEOPLE.c.pending, _PEOPLE.c.pending_until,
           _HANDLED.c.update_id.label("handled_update"), *_COLUMNS)
    .select_from(_ASKING.outerjoin(_PEOPLE, _PEOPLE.c.telegram_id == _ASKING.c.uid)
                 .outerjoin(_HANDLED, _HANDLED.c.update_id == _ASKING.c.upd)
                 .outerjoin(_DRAFTS, _DRAFTS.c.user_id == _ASKING.c.uid)))


def _row(row: Any) -> DraftRow:
    return DraftRow(id=row.id, user_id=row.user_id, chat_id=row.chat_id, data=row.data,
                    version=row.version, created_at=row.created_at, expires_at=row.expires_at)


async def get_draft(session: AsyncSession, user_id: int, *,
                    lock: bool = False) -> DraftRow | None:
    """The resident's draft, expired or not (the caller decides what expiry means).

    `lock` holds the row for the rest of the transaction on PostgreSQL, so two instances
    handling the same resident (two presses of 提交) take turns instead of both submitting.
    (On SQLite the whole transaction already holds the database's write lock.)
    """
    postgres = lock and session.bind.dialect.name == "postgresql"
    row = await (_SELECT_DRAFT_LOCKED if postgres else _SELECT_DRAFT).first(
        session, {"user_id": user_id})
    return _row(row) if row is not None else None


@dataclass(frozen=True)
class Asking:
    """What a resident's message finds: their live pending action (dispatch.pending), their
    draft (unlocked: its writes check the version), and whether another handler already
    took this update (dispatch.replays)."""

    pending: dict[str, Any] | None
    draft: DraftRow | None
    handled: bool


async def pending_and_draft(session: AsyncSession, user_id: int, now: datetime,
                            update_id: int | None = None) -> Asking:
    """Everything a resident's message asks for, in one read."""
    row = await _SELECT_WITH_PENDING.first(session, {"user_id": user_id,
                                                     "update_id": update_id})
    return Asking(live(row.pending, row.pending_until, now),
                  _row(row) if row.id is not None else None, row.handled_update is not None)


async def save_draft(session: AsyncSession, resident: Resident, data: dict[str, Any],
                     now: datetime, ttl: timedelta, draft: DraftRow | None = None) -> DraftRow:
    """Create or update the resident's draft and push its expiry forward.

    Raises DraftChanged when `draft` (None: no draft) is no longer what is stored."""
    stored = copy.deepcopy(data)  # never share nested objects with the caller
    params = {"new_data": stored, "now": now, "expires": now + ttl}
    if draft is None:
        try:
            draft_id = await _INSERT_DRAFT.scalar(session, dict(
                params, now_again=now, new_user_id=resident.user_id,
                new_chat_id=resident.chat_id))
        except exc.IntegrityError as error:  # one draft per resident: another was begun
            raise DraftChanged(resident.user_id) from error
        return DraftRow(id=draft_id, user_id=resident.user_id, chat_id=resident.chat_id,
                        data=stored, version=1, created_at=now, expires_at=now + ttl)
    if not await _UPDATE_DRAFT.run(session, dict(params, draft_id=draft.id,
                                                 read_version=draft.version)):
        raise DraftChanged(resident.user_id)
    return DraftRow(id=draft.id, user_id=draft.user_id, chat_id=draft.chat_id, data=stored,
                    version=draft.version + 1, created_at=draft.created_at,
                    expires_at=now + ttl)


async def delete_draft(session: AsyncSession, draft: DraftRow, now: datetime) -> None:
    """Forget a draft (submitted, cancelled or expired), but not the updates it took
    (dispatch.replays); raises DraftChanged when it is no longer the version read. The ids
    go first: in an autocommit session each statement commits on its own, and a draft
    gone with its ids not yet recorded could be begun again by them."""
    await remember(session, draft.data.get("applied", ()), now)
    if not await _DELETE_DRAFT.run(session, {"draft_id": draft.id,
                                             "read_version": draft.version}):
        raise DraftChanged(draft.user_id)


async def drop_draft(session: AsyncSession, user_id: int, now: datetime) -> bool:
    """Delete the resident's draft, but not the updates it took; True when there was one."""
    data = (await session.execute(delete(Draft).where(Draft.user_id == user_id)
                                  .returning(Draft.data))).scalar_one_or_none()
    if data is None:
        return False
    await remember(session, data.get("applied", ()), now)
    return True


async def expired_drafts(session: AsyncSession, now: datetime,
                         limit: int = 100) -> list[tuple[DraftRow, str | None]]:
    """Drafts past their expiry, oldest first (rows another instance holds are skipped),
    each with the language its resident chose with /lang since, if any (read in the same
    statement: the expiry note goes out in it)."""
    query = (select(*_COLUMNS, _PEOPLE.c.language)
             .outerjoin(_PEOPLE, _PEOPLE.c.telegram_id == _DRAFTS.c.user_id)
             .where(_DRAFTS.c.expires_at <= now)
             .order_by(_DRAFTS.c.expires_at).limit(limit))
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(of=_DRAFTS, skip_locked=True)
    return [(_row(row), row.language) for row in await session.execute(query)]


async def submit_draft(session: AsyncSession, draft: DraftRow, resident: Resident, now: datetime,
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
    case, merged = await place_report(session, report, now, ctx)  # adds the report
    again = False
    if merged:
        # The case's changes are written by one flush at the end (dispatch.cases): not now.
        with session.no_autoflush:
            again = await _REPORTED_BEFORE.scalar(session, {
                "case_id": case.id, "report_id": report.id,
                "user_id": resident.user_id}) is not None
    await delete_draft(session, draft, now)
    return Submitted(case=case, report=report, merged=merged, again=again)


@dataclass(frozen=True)
class MyCase:
    """A case the resident reported: when they last reported it, and how many times."""

    case: Case
    last_at: datetime
    times: int


async def my_reports(session: AsyncSession, user_id: int, limit: int = 10) -> list[MyCase]:
    """The cases the resident reported, the latest report first. A case reported twice
    (the same fire told again) is one entry: it has one state and one outcome."""
    last_at = func.max(Report.submitted_at).label("last_at")
    rows = await session.execute(
        select(Case, last_at, func.count(Report.id))
        .join(Report, Report.case_id == Case.id)
        .where(Report.reporter_user_id == user_id)
        .group_by(Case.id)
        .order_by(last_at.desc(), Case.id.desc()).limit(limit))
    return [MyCase(case, at, times) for case, at, times in rows.all()]
