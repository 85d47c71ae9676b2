"""Domain rules built from the TOML sections (durations like `90s`, `10m`, `1h`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.settings import Settings, SettingsError, parse_duration
from dispatch.intake import IntakeRules


def _int(section: Mapping[str, Any], name: str, key: str, default: int, low: int = 1) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise SettingsError(f"[{name}] {key}: expected a whole number ≥ {low}, got {value!r}")
    return value


def _check_keys(section: Mapping[str, Any], name: str, known: set[str]) -> None:
    unknown = sorted(set(section) - known)
    if unknown:
        raise SettingsError(f"[{name}] {unknown[0]}: unknown setting (known: {', '.join(sorted(known))})")


def intake_rules(settings: Settings) -> IntakeRules:
    """`[intake]`: draft_ttl, max_photos, max_photo_mb, max_text_chars, flood_messages,
    flood_window."""
    section = settings.section("intake")
    _check_keys(section, "intake", {"draft_ttl", "max_photos", "max_photo_mb", "max_text_chars",
                                     "flood_messages", "flood_window"})
    defaults = IntakeRules()
    return IntakeRules(
        draft_ttl=parse_duration(section.get("draft_ttl", "2h"), "[intake] draft_ttl"),
        max_photos=_int(section, "intake", "max_photos", defaults.max_photos),
        max_photo_bytes=_int(section, "intake", "max_photo_mb", 20) * 1024 * 1024,
        max_text_chars=_int(section, "intake", "max_text_chars", defaults.max_text_chars, 10),
        flood_messages=_int(section, "intake", "flood_messages", defaults.flood_messages),
        flood_window=parse_duration(section.get("flood_window", "30s"), "[intake] flood_window"),
    )


def routing_gap_m(settings: Settings) -> float:
    """`[routing] gap_m`: how far outside every polygon a point still goes to the nearest grid."""
    section = settings.section("routing")
    _check_keys(section, "routing", {"gap_m"})
    value = section.get("gap_m", 300)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise SettingsError(f"[routing] gap_m: expected metres ≥ 0, got {value!r}")
    return float(value)
