"""Time is injected: the domain asks a `Clock`, tests move a `ManualClock` instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class Clock:
    """The real clock: timezone-aware UTC now."""

    def now(self) -> datetime:
        """Now, aware, in UTC."""
        return datetime.now(UTC)

    def local_now(self) -> datetime:
        """Now in Asia/Shanghai."""
        return self.now().astimezone(LOCAL_TZ)


class ManualClock(Clock):
    """A clock that stands still until moved; for tests and the demo."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to `moment` (aware)."""
        if moment.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self._now += delta


class OffsetClock(Clock):
    """Real time shifted to start at a chosen moment: the clock of a subprocess under test."""

    def __init__(self, start: datetime) -> None:
        self._offset = start.astimezone(UTC) - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


def to_local(moment: datetime) -> datetime:
    """An aware datetime shown in Asia/Shanghai."""
    return moment.astimezone(LOCAL_TZ)
