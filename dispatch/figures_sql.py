"""SQL building blocks of the figures: case flags as expressions, and the two places where
SQLite and PostgreSQL differ (seconds between two times, the local day of a time).

Definitions (documented in docs/officials.md):

- a step is *due* when the case has reached it, or its deadline has passed while the case
  was not closed as 无法核实 (unfounded cases that never reached the step are left out);
- *in time*: the step's time is at or before its deadline;
- a case *missed a deadline* (超时) when a due step was not in time, or it was resolved
  after (or is still open past) its resolve deadline;
- *overdue now*: an open case past its current deadline (waiting → ack, acked → on site,
  on site → resolve).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal, literal_column, or_, true
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Case, CaseState

WAITING = (CaseState.NEW, CaseState.DISPATCHED, CaseState.REOPENED)
OPEN = (*WAITING, CaseState.ACKED, CaseState.ON_SITE)
STATE_GROUPS = {
    "waiting": WAITING,  # 待接单
    "acked": (CaseState.ACKED,),  # 处理中
    "on_site": (CaseState.ON_SITE,),  # 已到场
    "resolved": (CaseState.RESOLVED,),  # 已办结
    "unfounded": (CaseState.UNFOUNDED,),  # 无法核实
}
GROUP_OF_STATE = {state.value: group for group, states in STATE_GROUPS.items()
                  for state in states}


def seconds_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[float]:
    """`later - earlier` in seconds."""
    if dialect == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


def epoch_seconds(dialect: str, column: Any) -> ColumnElement[float]:
    """Seconds since 1970-01-01 UTC of a time column (a float: cheap to fetch in bulk)."""
    if dialect == "sqlite":
        return (func.julianday(column) - 2440587.5) * 86400.0
    return func.extract("epoch", column)


def local_day_number(dialect: str, column: Any) -> ColumnElement[int]:
    """Days since 1970-01-01 of the local (UTC+8, no daylight saving) day of `column`."""
    if dialect == "sqlite":
        return cast(func.julianday(column) + (8.0 / 24.0) - 2440587.5, Integer)
    return cast(func.floor((func.extract("epoch", column) + 8 * 3600) / 86400.0), Integer)


def ack_due(now: datetime) -> ColumnElement[bool]:
    """The acknowledgement step counts for this case (see the module docstring)."""
    return and_(Case.ack_deadline.is_not(None),
                or_(Case.acked_at.is_not(None),
                    and_(Case.state != CaseState.UNFOUNDED, Case.ack_deadline < now)))


def ack_in_time() -> ColumnElement[bool]:
    """Acknowledged at or before the deadline."""
    return and_(Case.acked_at.is_not(None), Case.acked_at <= Case.ack_deadline)


def on_site_due(now: datetime) -> ColumnElement[bool]:
    """The on-site step counts for this case."""
    return and_(Case.on_site_deadline.is_not(None),
                or_(Case.on_site_at.is_not(None),
                    and_(Case.state != CaseState.UNFOUNDED, Case.on_site_deadline < now)))


def on_site_in_time() -> ColumnElement[bool]:
    """On site at or before the deadline."""
    return and_(Case.on_site_at.is_not(None), Case.on_site_at <= Case.on_site_deadline)


def resolve_late(now: datetime) -> ColumnElement[bool]:
    """Closed after the resolve deadline, or still open past it."""
    return and_(Case.resolve_deadline.is_not(None),
                or_(Case.resolved_at > Case.resolve_deadline,
                    and_(Case.resolved_at.is_(None), Case.resolve_deadline < now)))


def missed_deadline(now: datetime) -> ColumnElement[bool]:
    """The case missed at least one deadline (超时)."""
    return or_(and_(ack_due(now), ~ack_in_time()),
               and_(on_site_due(now), ~on_site_in_time()),
               resolve_late(now))


def current_deadline() -> ColumnElement[datetime]:
    """The deadline an open case is working towards now."""
    return case((Case.state.in_(WAITING), Case.ack_deadline),
                (Case.state == CaseState.ACKED, Case.on_site_deadline),
                (Case.state == CaseState.ON_SITE, Case.resolve_deadline),
                else_=None)


def open_cases(dialect: str = "") -> ColumnElement[bool]:
    """`state IN (open states)`. Open cases are a tiny share of all cases, but SQLite's
    statistics only know that `state` has few distinct values and then prefer a full scan;
    on SQLite the condition is wrapped in `likelihood(…, 0.001)` so the state index is used."""
    condition = Case.state.in_(OPEN)
    if dialect == "sqlite":
        return func.likelihood(condition, literal_column("0.001"))
    return condition


def overdue_now(now: datetime, dialect: str = "") -> ColumnElement[bool]:
    """An open case past its current deadline. The open-state test stands on its own so the
    database narrows to open cases with the state index before the OR."""
    return and_(open_cases(dialect), or_(and_(Case.state.in_(WAITING), Case.ack_deadline < now),
               and_(Case.state == CaseState.ACKED, Case.on_site_deadline < now),
               and_(Case.state == CaseState.ON_SITE, Case.resolve_deadline < now)))


def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), 0 on no rows."""
    return func.coalesce(func.sum(case((condition, literal(1)), else_=literal(0))), 0)


def in_scope(grid_ids: list[int] | None, column: Any = Case.grid_id) -> ColumnElement[bool]:
    """Cases of these grids (None: every case)."""
    if grid_ids is None:
        return true()
    return column.in_(grid_ids)


def grid_not_indexed() -> ColumnElement[int]:
    """`grid_id + 0`: the grid id as an expression no index serves. Queries of open cases
    use it so SQLite's planner takes the state index (a few open cases) instead of scanning
    every case of the scope's grids through the (grid, created) index."""
    return Case.grid_id + 0
