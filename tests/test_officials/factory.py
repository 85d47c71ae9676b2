"""Cases with every lifecycle column set, written straight to the database (no dispatch code).

`make_case` derives the steps from a few minutes: `ack_min`, `arrive_min`, `close_min` after
the report; deadlines follow the default SLA (ack 10 min, on site 30 min on working hours or
60 min off hours, resolve 24 h).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from dispatch.catalog import load_catalog
from dispatch.importing import import_grids, import_roster
from dispatch.routing import Router
from storage.db import Database
from storage.models import Case, CheckIn, Report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_numbers = count(1)


async def town(db: Database, roster: bool = True) -> Router:
    """The demo town's grids (and roster) imported; its router."""
    await import_grids(db, EXAMPLES / "baiyang.geojson")
    if roster:
        await import_roster(db, EXAMPLES / "roster.csv")
    return (await load_catalog(db)).router


def make_case(grid_id: int, created: datetime, state: str = "resolved", *,
              category: str = "burning", ack_min: float | None = 5,
              arrive_min: float | None = 20, close_min: float | None = 60,
              off_hours: bool = False, outcome: str | None = None,
              satisfaction: str | None = None, reopened: int = 0,
              reporter: str | None = None) -> Case:
    """A case reported at `created` whose steps happened the given minutes later."""
    def after(minutes: float | None) -> datetime | None:
        return created + timedelta(minutes=minutes) if minutes is not None else None

    number = f"{created:%Y%m%d}-{next(_numbers):04d}"
    case = Case(number=number, grid_id=grid_id, category=category, state=state,
                created_at=created, dispatched_at=created, updated_at=created,
                ack_deadline=created + timedelta(minutes=10),
                on_site_deadline=created + timedelta(minutes=60 if off_hours else 30),
                resolve_deadline=created + timedelta(hours=24), off_hours=off_hours,
                acked_at=after(ack_min), on_site_at=after(arrive_min),
                resolved_at=after(close_min) if state in ("resolved", "unfounded") else None,
                outcome=outcome or ("stopped" if state == "resolved" else
                                    "no_anomaly" if state == "unfounded" else None),
                satisfaction=satisfaction, reopened_count=reopened)
    case.reporter = reporter  # type: ignore[attr-defined]
    return case


async def add_cases(session: AsyncSession, cases: list[Case]) -> None:
    """Insert cases (and one anonymous report each)."""
    session.add_all(cases)
    await session.flush()
    for case in cases:
        session.add(Report(case_id=case.id, reporter_user_id=900000 + case.id,
                           reporter_chat_id=900000 + case.id,
                           anonymous_id=getattr(case, "reporter", None) or f"R{case.id:06d}",
                           category=case.category, grid_id=case.grid_id,
                           received_at=case.created_at, submitted_at=case.created_at))


def checkin(person_id: int, grid_id: int, at: datetime) -> CheckIn:
    """A shift_start check-in."""
    return CheckIn(person_id=person_id, grid_id=grid_id, kind="shift_start", at=at)
