"""SQLAlchemy 2 models of the whole domain (see ARCHITECTURE.md for the picture).

Conventions: integer surrogate keys; Telegram ids are BigInteger; every time is a
timezone-aware UTC `UTCDateTime`; value sets are short strings named by the StrEnums below, so
both backends store them the same way and a new value needs no migration of a native enum.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Now, timezone-aware UTC (default for created/updated columns)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention Alembic can rely on."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class GridLevel(StrEnum):
    """Levels of the grid hierarchy, top to bottom."""

    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"


class Role(StrEnum):
    """What a person does in a grid."""

    PATROL = "patrol"
    LEADER = "leader"
    OFFICIAL = "official"
    ADMIN = "admin"


class CaseState(StrEnum):
    """Lifecycle of a case (工单)."""

    NEW = "new"
    DISPATCHED = "dispatched"
    ACKED = "acked"
    ON_SITE = "on_site"
    RESOLVED = "resolved"
    UNFOUNDED = "unfounded"
    REOPENED = "reopened"


OPEN_STATES = (CaseState.NEW, CaseState.DISPATCHED, CaseState.ACKED, CaseState.ON_SITE,
               CaseState.REOPENED)


class OutboxState(StrEnum):
    """Delivery state of an outgoing message."""

    PENDING = "pending"
    SENT = "sent"
    UNDELIVERABLE = "undeliverable"


class Grid(Base):
    """A node of the grid hierarchy (district → street → community → grid) with its polygon."""

    __tablename__ = "grids"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    # GeoJSON geometry (Polygon or MultiPolygon), always WGS-84 after import.
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    min_lon: Mapped[float | None] = mapped_column(Float)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    patrol_chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    source_coord_system: Mapped[str] = mapped_column(String(8), default="wgs84")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parent: Mapped[Grid | None] = relationship(remote_side=[id], lazy="raise")
    official_chats: Mapped[list[GridOfficialChat]] = relationship(
        back_populates="grid", cascade="all, delete-orphan", lazy="selectin"
    )


class GridOfficialChat(Base):
    """A group chat of officials bound to a grid (and so to everything below it)."""

    __tablename__ = "grid_official_chats"
    __table_args__ = (UniqueConstraint("grid_id", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    source: Mapped[str] = mapped_column(String(16), default="import")  # import | bind
    bound_by: Mapped[int | None] = mapped_column(BigInteger)
    bound_at: Mapped[datetime] = mapped_column(default=utcnow)

    grid: Mapped[Grid] = relationship(back_populates="official_chats", lazy="raise")


class Person(Base):
    """A Telegram user known to the bot (patrol member, leader, official, admin or resident)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(8))
    # What the bot is waiting for from this person in their private chat, e.g.
    # {"kind": "arrival", "case_id": 7}; ignored after `pending_until`.
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    pending_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="raise"
    )


class Membership(Base):
    """A person's role in a grid, with the shifts that put them on duty there."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("person_id", "grid_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    # The roster's shift column as written, kept for display; parsed rows live in `shifts`.
    shift_spec: Mapped[str] = mapped_column(String(500), default="")
    always_on_call: Mapped[bool] = mapped_column(Boolean, default=False)

    person: Mapped[Person] = relationship(back_populates="memberships", lazy="raise")
    shifts: Mapped[list[Shift]] = relationship(
        back_populates="membership", cascade="all, delete-orphan", lazy="selectin"
    )


class Shift(Base):
    """One duty pattern: weekly (weekday mask) or dated, from start to end minute of the day.

    `end_minute <= start_minute` means the shift crosses midnight into the next day.
    """

    __tablename__ = "shifts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    weekdays: Mapped[int] = mapped_column(Integer, default=0)  # bit 0 = Monday … bit 6 = Sunday
    on_date: Mapped[date | None] = mapped_column(Date)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)

    membership: Mapped[Membership] = relationship(back_populates="shifts", lazy="raise")


class Draft(Base):
    """A resident's unfinished report, kept in the database so any instance can continue it."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    step: Mapped[str] = mapped_column(String(32), default="collecting")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class Case(Base):
    """A case (工单): one or more reports about one incident, dispatched to a grid."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_grid_created", "grid_id", "created_at"),
        Index("ix_cases_state_escalation", "state", "next_escalation_at"),
        Index("ix_cases_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # YYYYMMDD-NNNN, local day
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    category: Mapped[str] = mapped_column(String(16))
    subcategory: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default=CaseState.NEW)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    address_text: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column()
    ack_deadline: Mapped[datetime | None] = mapped_column()
    on_site_deadline: Mapped[datetime | None] = mapped_column()
    resolve_deadline: Mapped[datetime | None] = mapped_column()
    off_hours: Mapped[bool] = mapped_column(Boolean, default=False)  # which on-site rule applied
    acked_at: Mapped[datetime | None] = mapped_column()
    on_site_at: Mapped[datetime | None] = mapped_column()
    on_site_distance_m: Mapped[float | None] = mapped_column(Float)
    resolved_at: Mapped[datetime | None] = mapped_column()
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    next_escalation_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[str | None] = mapped_column(String(16))
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    report_count: Mapped[int] = mapped_column(Integer, default=1)
    # The outbox row of the message posted in the patrol chat (its buttons are edited later).
    dispatch_outbox_id: Mapped[int | None] = mapped_column(Integer)
    dispatch_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CaseNumberCounter(Base):
    """Last case number handed out per local day (numbers are unique per day)."""

    __tablename__ = "case_number_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class HandledUpdate(Base):
    """A Telegram update that a patrol, duty, subscription or officials' handler has taken
    (dispatch.replays), so the same update handed out again is not taken twice."""

    __tablename__ = "handled_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Report(Base):
    """One resident's tip, as submitted; it belongs to a case (its own or a merged one)."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    reporter_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    reporter_chat_id: Mapped[int] = mapped_column(BigInteger)
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_language: Mapped[str | None] = mapped_column(String(8))
    anonymous_id: Mapped[str] = mapped_column(String(16), index=True)
    allow_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(16), default="telegram")
    text: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16))
    subcategory: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_source: Mapped[str | None] = mapped_column(String(16))  # gps | venue | text | link
    address_text: Mapped[str | None] = mapped_column(Text)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    satisfaction: Mapped[str | None] = mapped_column(String(16))  # satisfied | unsatisfied

    photos: Mapped[list[ReportPhoto]] = relationship(
        back_populates="report", cascade="all, delete-orphan", lazy="selectin"
    )


class ReportPhoto(Base):
    """A photo kept as evidence: Telegram's file id plus the bytes' sha256 in the media store."""

    __tablename__ = "report_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[str] = mapped_column(String(200))
    file_unique_id: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(500))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    mime_type: Mapped[str | None] = mapped_column(String(64))
    # photo | document: Telegram refuses a document's file id in sendPhoto.
    kind: Mapped[str] = mapped_column(String(16), default="photo", server_default="photo")
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    report: Mapped[Report] = relationship(back_populates="photos", lazy="raise")


class Event(Base):
    """Append-only audit trail: who did what to which case, when, from which chat."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(32))
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class OutboxMessage(Base):
    """An outgoing Bot API call, written in the transaction that caused it, delivered later."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32), default="notice")
    # Set for messages that must never go out twice (reminders, bulletins): unique.
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class CheckIn(Base):
    """A patrol member's shift start/end or on-site arrival, with where they were."""

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_person_at", "person_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    kind: Mapped[str] = mapped_column(String(16))  # shift_start | shift_end | arrival
    at: Mapped[datetime] = mapped_column(default=utcnow)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))


class Subscription(Base):
    """A resident who asked for public notices of a grid."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("chat_id", "grid_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id", ondelete="CASCADE"), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
