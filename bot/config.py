"""Domain rules built from the TOML sections (durations like `90s`, `10m`, `1h`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.settings import Settings, SettingsError, parse_duration
from dispatch.cases import DEFAULT_DEDUP, DedupRule
from dispatch.intake import IntakeRules
from dispatch.sla import SlaRules, parse_work_hours
from schedules.calendar import CalendarConfigError, WorkCalendar
from schedules.windows import WindowConfigError, WindowRule, load_rules


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


def work_calendar(settings: Settings, warn=None) -> WorkCalendar:
    """`[calendar]`: working-day overrides and working hours (see schedules/README.md)."""
    try:
        return WorkCalendar.from_config(settings.section("calendar"), warn)
    except CalendarConfigError as exc:
        raise SettingsError(str(exc)) from None


def window_rules(settings: Settings) -> list[WindowRule]:
    """`[windows]`: sensitive windows (defaults for China unless configured)."""
    try:
        return load_rules(settings.sections)
    except WindowConfigError as exc:
        raise SettingsError(f"[windows] {exc}") from None


def sla_rules(settings: Settings, calendar: WorkCalendar) -> SlaRules:
    """`[sla]` ack, on_site_workday, on_site_offhours, resolve, work_hours, sweep,
    arrival_distance_m; `[escalation]` interval."""
    section = settings.section("sla")
    _check_keys(section, "sla", {"ack", "on_site_workday", "on_site_offhours", "resolve",
                                  "work_hours", "sweep", "arrival_distance_m"})
    escalation = settings.section("escalation")
    _check_keys(escalation, "escalation", {"interval"})
    defaults = SlaRules()

    def duration(key: str, default) -> Any:
        return parse_duration(section[key], f"[sla] {key}") if key in section else default

    work_hours = calendar.work_hours
    if "work_hours" in section:
        try:
            work_hours = parse_work_hours(section["work_hours"])
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
    distance = section.get("arrival_distance_m", defaults.arrival_distance_m)
    if isinstance(distance, bool) or not isinstance(distance, int | float) or distance <= 0:
        raise SettingsError(f"[sla] arrival_distance_m: expected metres > 0, got {distance!r}")
    rules = SlaRules(
        ack=duration("ack", defaults.ack),
        on_site_workday=duration("on_site_workday", defaults.on_site_workday),
        on_site_offhours=duration("on_site_offhours", defaults.on_site_offhours),
        resolve=duration("resolve", defaults.resolve),
        work_hours=work_hours,
        sweep=duration("sweep", defaults.sweep),
        escalation_interval=(parse_duration(escalation["interval"], "[escalation] interval")
                             if "interval" in escalation else defaults.escalation_interval),
        arrival_distance_m=float(distance),
    )
    if rules.sweep.total_seconds() < 0.2:
        raise SettingsError("[sla] sweep: at least 200ms")
    return rules


def dedup_rules(settings: Settings) -> dict[str, DedupRule]:
    """`[dedup.<category>]` radius_m and window: when a report joins an open case."""
    section = settings.section("dedup")
    _check_keys(section, "dedup", set(DEFAULT_DEDUP))
    rules = dict(DEFAULT_DEDUP)
    for category, raw in section.items():
        name = f"dedup.{category}"
        if not isinstance(raw, dict):
            raise SettingsError(f"[{name}] must be a table with radius_m and window")
        _check_keys(raw, name, {"radius_m", "window"})
        radius = raw.get("radius_m", rules[category].radius_m)
        if isinstance(radius, bool) or not isinstance(radius, int | float) or radius < 0:
            raise SettingsError(f"[{name}] radius_m: expected metres ≥ 0, got {radius!r}")
        window = (parse_duration(raw["window"], f"[{name}] window") if "window" in raw
                  else rules[category].window)
        rules[category] = DedupRule(float(radius), window)
    return rules
