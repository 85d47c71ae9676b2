"""The flood guard's counting, without Telegram: a burst, its one warning, albums."""

from __future__ import annotations

from handlers.flood import FloodGuard


def test_a_burst_is_warned_once_then_dropped_until_the_window_passes() -> None:
    guard = FloodGuard(3, 10.0)
    assert [guard.check(1, now=t) for t in (0, 1, 2)] == ["ok"] * 3
    assert [guard.check(1, now=t) for t in (3, 4)] == ["warn", "drop"]
    assert guard.check(2, now=4) == "ok"  # another person is not held up
    assert guard.check(1, now=20) == "ok"  # the window has passed


def test_an_album_counts_as_one_message() -> None:
    guard = FloodGuard(3, 10.0)
    verdicts = [guard.check(1, now=0.01 * i, album="a") for i in range(10)]
    verdicts += [guard.check(1, now=0.2 + 0.01 * i, album="b") for i in range(10)]
    assert verdicts == ["ok"] * 20
    assert [guard.check(1, now=1), guard.check(1, now=2)] == ["ok", "warn"]  # 4th message
    # An album that starts in the burst is dropped whole, with no second warning.
    assert [guard.check(1, now=3, album="c") for _ in range(4)] == ["drop"] * 4
    assert guard.check(1, now=3.5, album="a") == "ok"  # a late picture of an earlier album
