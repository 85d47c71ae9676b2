"""Monthly bulletins and quarterly rankings for official chats, driven by the database.

A `tick` every `[officials] tick` (default 60 s) asks, with the injected clock, which
bulletin or ranking is due (dispatch.bulletins.due_now) and which official chats have not got
it yet (their outbox dedup key is absent), composes it and queues it through the outbox in
one transaction. A restart, a second instance or a moved test clock never sends one twice:
the dedup key is unique in the outbox.
"""

from __future__ import annotations

import logging
from datetime import time, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.settings import Settings, SettingsError, parse_duration
from dispatch.access import official_chats
from dispatch.bulletins import Due, OfficialsConfig, Weights, due_now
from dispatch.figures_scope import scope_for
from dispatch.outbox import Outgoing, enqueue, queued_keys
from handlers.i18n import DEFAULT_LANGUAGE
from handlers.services import Services

log = logging.getLogger(__name__)
KEYS = {"bulletin_day", "bulletin_time", "ranking_time", "bulletins", "rankings", "tick",
        "weight_on_site", "weight_overdue", "weight_satisfaction", "weight_attendance"}


def _time(section: dict[str, Any], key: str, default: time) -> time:
    value = section.get(key)
    if value is None:
        return default
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise SettingsError(f"[officials] {key}: expected HH:MM, got {value!r}") from None


def _bool(section: dict[str, Any], key: str) -> bool:
    value = section.get(key, True)
    if not isinstance(value, bool):
        raise SettingsError(f"[officials] {key}: expected true or false, got {value!r}")
    return value


def _weight(section: dict[str, Any], key: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise SettingsError(f"[officials] {key}: expected a number ≥ 0, got {value!r}")
    return float(value)


def officials_config(settings: Settings) -> OfficialsConfig:
    """`[officials]`: bulletin_day (1–28), bulletin_time, ranking_time (HH:MM), bulletins,
    rankings (true/false), tick (duration), weight_on_site, weight_overdue,
    weight_satisfaction, weight_attendance (numbers ≥ 0, not all 0)."""
    section = dict(settings.section("officials"))
    unknown = sorted(set(section) - KEYS)
    if unknown:
        raise SettingsError(f"[officials] {unknown[0]}: unknown setting "
                            f"(known: {', '.join(sorted(KEYS))})")
    defaults = OfficialsConfig()
    day = section.get("bulletin_day", defaults.bulletin_day)
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 28:
        raise SettingsError(f"[officials] bulletin_day: expected a day of the month 1–28, "
                            f"got {day!r}")
    weights = Weights(*(_weight(section, f"weight_{name}", getattr(defaults.weights, name))
                        for name in ("on_site", "overdue", "satisfaction", "attendance")))
    if not any((weights.on_site, weights.overdue, weights.satisfaction, weights.attendance)):
        raise SettingsError("[officials] weight_on_site: the weights must not all be 0")
    tick = parse_duration(section.get("tick", "60s"), "[officials] tick")
    if tick < timedelta(seconds=1):
        raise SettingsError(f"[officials] tick: expected at least 1s, got {section['tick']!r}")
    return OfficialsConfig(bulletin_day=day,
                           bulletin_time=_time(section, "bulletin_time", defaults.bulletin_time),
                           ranking_time=_time(section, "ranking_time", defaults.ranking_time),
                           bulletins=_bool(section, "bulletins"),
                           rankings=_bool(section, "rankings"), weights=weights, tick=tick)


async def _already_queued(svc: Services, keys: list[str]) -> set[str]:
    async with svc.db.sessions() as session:
        return await queued_keys(session, keys)


async def _send(svc: Services, config: OfficialsConfig, due: Due, chat_id: int,
                grid_ids: list[int]) -> bool:
    from handlers.official_bulletin import compose_bulletin, compose_ranking
    from handlers.official_files import exports_folder

    router = svc.catalog.router
    scope = scope_for(router, grid_ids)
    now = svc.clock.now()
    async with svc.db.report_sessions() as session:
        if due.kind == "bulletin":
            composed = await compose_bulletin(session, router, scope, due.period, now, config,
                                              DEFAULT_LANGUAGE)
        else:
            composed = await compose_ranking(session, router, scope, due.period, now, config,
                                             DEFAULT_LANGUAGE,
                                             exports_folder(svc.settings.media_dir), chat_id)
    async with svc.db.transaction() as session:
        queued = await enqueue(session, Outgoing(chat_id, "sendMessage", {"text": composed.text},
                                                 purpose=due.kind,
                                                 dedup_key=due.dedup_key(chat_id)))
        if queued is not None and composed.document is not None:
            await enqueue(session, Outgoing(
                chat_id, "sendDocument",
                {"_upload": {"field": "document", "path": str(composed.document),
                             "filename": composed.filename}, "caption": composed.caption},
                purpose=due.kind, dedup_key=due.dedup_key(chat_id, "xlsx")))
    return queued is not None


async def tick(svc: Services, config: OfficialsConfig | None = None) -> int:
    """Queue every due bulletin/ranking not sent yet; the number of chats it was queued for."""
    config = config or officials_config(svc.settings)
    dues = due_now(svc.clock.now(), config, svc.calendar)
    if not dues:
        return 0
    async with svc.db.sessions() as session:
        chats = await official_chats(session)
    if not chats:
        return 0
    wanted = [(due, chat_id) for due in dues for chat_id in chats]
    done = await _already_queued(svc, [due.dedup_key(chat_id) for due, chat_id in wanted])
    queued = 0
    for due, chat_id in wanted:
        if due.dedup_key(chat_id) in done:
            continue
        try:
            queued += await _send(svc, config, due, chat_id, chats[chat_id])
        except Exception:  # one chat's failure must not stop the others; retried next tick
            log.exception("could not queue the %s %s for chat %s", due.kind, due.period.key(),
                          chat_id)
    if queued:
        log.info("queued %d bulletin/ranking message(s)", queued)
        svc.wake_outbox()
    return queued


def register_jobs(scheduler: AsyncIOScheduler, svc: Services) -> None:
    """Add the bulletin tick to the runtime's scheduler (the config is checked now)."""
    config = officials_config(svc.settings)
    scheduler.add_job(tick, "interval", seconds=config.tick.total_seconds(), args=[svc, config],
                      id="official_bulletins", max_instances=1, coalesce=True)
