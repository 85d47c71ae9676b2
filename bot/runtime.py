"""Start and stop the bot: database check, PTB application, transport (polling or webhook)."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from types import TracebackType

from aiohttp import web
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.config import (
    dedup_rules,
    intake_rules,
    routing_gap_m,
    sla_rules,
    window_rules,
    work_calendar,
)
from bot.delivery import OutboxWorker
from bot.settings import Settings, SettingsError
from bot.webhook import build_webhook_app, webhook_secret
from dispatch.catalog import load_catalog
from dispatch.clock import Clock
from handlers import menus
from handlers.services import Services
from nlp import warm_up
from schedules import bulletins, reminders, sweeper
from schedules.windows import warm as warm_windows
from storage.db import Database
from storage.migrate import current_revision, head_revision

log = logging.getLogger(__name__)


# The cyclic garbage collector, tuned for a long-running bot (measured on the intake
# benchmark: about a fifth of the bot's CPU went into collections with Python's defaults).
# Every update allocates thousands of short-lived objects (Telegram objects, ORM states), so
# the default young-generation threshold of 700 allocations runs a collection many times
# per update; and each full collection walked the half a million objects that live as long
# as the process (jieba's dictionary, the grid polygons, the modules). After start-up those
# are frozen out of the collector's reach and the young generation collects every 10,000
# allocations (memory stays flat: it is refcounting that frees nearly everything).
GC_THRESHOLD = (10_000, 10, 10)
PYTHON_GC_THRESHOLD = gc.get_threshold()  # Python's own, read before tune_gc can run
_gc_tuned = False


def tune_gc() -> None:
    """Freeze what start-up loaded and collect less often (see GC_THRESHOLD); once per
    process (a test process starts hundreds of bots, and a full collection is not free)."""
    global _gc_tuned
    if _gc_tuned:
        return
    _gc_tuned = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


# How long stop() lets a sweep or tick in progress finish its transaction.
JOB_GRACE_S = 15.0
UNWIND_S = 5.0  # and how long a run it then cancels may take to roll back


class DrainingExecutor(AsyncIOExecutor):
    """APScheduler's asyncio executor, plus a way to wait for the runs in progress.

    Its own shutdown cancels them: a reminder tick half-way through its fan-out was rolled
    back and logged as a crash with a traceback whenever SIGTERM came during a run. stop()
    pauses the scheduler, drains, and only then shuts it down. `_pending_futures` is the
    parent's own record of the runs (APScheduler is pinned; tests/e2e/test_shutdown.py
    fails if it changes).
    """

    def _running(self) -> set[asyncio.Future]:
        return {f for f in self._pending_futures if not f.done()}  # APScheduler 3.11's set

    async def drain(self) -> None:
        """Wait for the runs in progress (cancelling this wait leaves them running)."""
        if running := self._running():
            await asyncio.wait(running)

    async def cancel_running(self) -> None:
        """Cancel the runs in progress and wait until they have unwound (their rollback
        over before the connections close)."""
        if running := self._running():
            for future in running:
                future.cancel()
            await asyncio.wait(running)


class NotMigrated(RuntimeError):
    """The database schema is older than the code (or empty)."""


async def check_database(db: Database) -> None:
    """Refuse to run on an unreachable or unmigrated database, saying what fixes it."""
    try:
        revision = await current_revision(db)
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise SettingsError(f"LANTIAN_DATABASE_URL: cannot open the database: {reason}") from None
    head = head_revision()
    if revision != head:
        state = "empty (never migrated)" if revision is None else f"at revision {revision}"
        raise NotMigrated(
            f"the database is {state}, this version needs {head}: run `lantian db upgrade`"
        )


class BotRuntime:
    """One running bot: `async with BotRuntime(settings) as runtime: …`."""

    def __init__(self, settings: Settings, *, db: Database | None = None,
                 clock: Clock | None = None, run_jobs: bool = True) -> None:
        self.settings = settings
        self.run_jobs = run_jobs
        self._own_db = db is None
        self.db = db or Database(settings.database_url)
        missing_years: set[int] = set()
        calendar = work_calendar(settings, warn=missing_years.add)
        self.services = Services(settings=settings, db=self.db, clock=clock or Clock(),
                                 intake=intake_rules(settings),
                                 calendar=calendar, sla=sla_rules(settings, calendar),
                                 windows=window_rules(settings), missing_years=missing_years,
                                 dedup=dedup_rules(settings),
                                 salt=settings.salt())
        self.gap_m = routing_gap_m(settings)
        # Check the other sections now, so a bad setting stops start-up before Telegram is
        # contacted (the modules read them again when they start).
        reminders.config_of(self.services)
        self.application: Application | None = None
        self.worker: OutboxWorker | None = None
        self.scheduler: AsyncIOScheduler | None = None
        self._web_runner: web.AppRunner | None = None
        self._menus: asyncio.Task[None] | None = None
        self._executor = DrainingExecutor()
        self.job_grace_s = JOB_GRACE_S
        self._stop_lock = asyncio.Lock()

    async def start(self) -> None:
        """Check the database, then start receiving updates."""
        await check_database(self.db)
        await asyncio.to_thread(warm_up)  # jieba's dictionary, once, off the event loop
        # The sensitive windows (lunar dates) before the first case needs them rather than
        # during its dispatch, which held up every chat.
        await asyncio.to_thread(warm_windows, self.services.windows, self.services.clock.now())
        self.services.catalog = await load_catalog(self.db, self.gap_m)
        application = build_application(self.services)
        self.application = application
        await application.initialize()
        await menus.set_default_menus(application)
        self.worker = OutboxWorker(application.bot, self.db)
        self.services.wake_outbox = self.worker.wake
        self.worker.start()
        self.scheduler = self._build_scheduler()
        # Tests drive the periodic jobs themselves (with a moved clock): paused, not absent.
        self.scheduler.start(paused=not self.run_jobs)
        if self.settings.webhook_url:
            await self._start_webhook(application)
        else:
            await application.bot.delete_webhook()
            await application.updater.start_polling(
                poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES
            )
        await application.start()
        self._menus = asyncio.create_task(self._audience_menus(), name="audience-menus")
        tune_gc()
        log.info("bot @%s running (%s)", application.bot.username,
                 "webhook" if self.settings.webhook_url else "polling")

    async def _audience_menus(self) -> None:
        try:
            await menus.set_audience_menus(self.application, self.services)
        except Exception:  # menus are a convenience: never take the bot down for them
            log.exception("could not set the per-chat command menus")

    def _build_scheduler(self) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(timezone="Asia/Shanghai",
                                     executors={"default": self._executor})
        svc = self.services
        scheduler.add_job(sweeper.expire_drafts, "interval", seconds=30, args=[svc],
                          id="expire_drafts", max_instances=1, coalesce=True)
        scheduler.add_job(sweeper.forget_handled_updates, "interval", hours=1, args=[svc],
                          id="forget_handled_updates", max_instances=1, coalesce=True)
        scheduler.add_job(sweeper.refresh_grids, "interval", seconds=30, args=[svc, self.gap_m],
                          id="refresh_grids", max_instances=1, coalesce=True)
        scheduler.add_job(sweeper.escalate_cases, "interval",
                          seconds=svc.sla.sweep.total_seconds(), args=[svc],
                          id="escalate_cases", max_instances=1, coalesce=True)
        for jobs in (reminders, bulletins):
            jobs.register_jobs(scheduler, svc)
        return scheduler

    async def _start_webhook(self, application: Application) -> None:
        web_app = build_webhook_app(application, self.services)
        self._web_runner = web.AppRunner(web_app)
        await self._web_runner.setup()
        site = web.TCPSite(self._web_runner, self.settings.webhook_listen, self.settings.webhook_port)
        await site.start()
        await application.bot.set_webhook(
            self.settings.webhook_url, secret_token=webhook_secret(self.settings),
            allowed_updates=Update.ALL_TYPES,
        )

    async def stop(self) -> None:
        """Stop taking work, finish what is in flight, close connections.

        In this order: no new job runs; no new updates, and the handlers in progress finish;
        the job runs in progress finish their transaction (up to `job_grace_s`); the outbox
        worker delivers its batch (what handlers and jobs queued); the connections close.
        The bot's HTTP client lives until the last step, for the worker. Safe to call twice,
        also at once.
        """
        async with self._stop_lock:
            await self._stop()

    async def _stop(self) -> None:
        if self._menus is not None and not self._menus.done():
            self._menus.cancel()
            try:
                await self._menus
            except (asyncio.CancelledError, Exception):
                pass
        scheduler, self.scheduler = self.scheduler, None
        if scheduler is not None:
            scheduler.pause()
        application = self.application
        if application is not None:
            if application.updater and application.updater.running:
                await application.updater.stop()
            if self._web_runner is not None:
                # Stop accepting webhook calls first: an update Telegram handed us after
                # the application stopped would be acknowledged and then lost.
                await self._web_runner.cleanup()
                self._web_runner = None
            if application.running:
                await application.stop()
        if scheduler is not None:
            try:
                await self._drain_jobs()
            finally:
                scheduler.shutdown(wait=False)
        if self.worker is not None:
            await self.worker.stop()
            self.worker = None
        if application is not None:
            await application.shutdown()
            self.application = None
        if self._own_db:
            await self.db.dispose()

    async def _drain_jobs(self) -> None:
        try:
            async with asyncio.timeout(self.job_grace_s):
                await self._executor.drain()
        except TimeoutError:
            log.warning("a scheduled job was still running %g s after the stop signal; it is "
                        "cancelled, its transaction rolled back (the scheduler's error below "
                        "shows where it was)", self.job_grace_s)
            try:
                async with asyncio.timeout(UNWIND_S):
                    await self._executor.cancel_running()
            except TimeoutError:
                log.error("a cancelled scheduled job did not unwind within %g s", UNWIND_S)

    async def __aenter__(self) -> BotRuntime:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()


async def run_until_signalled(settings: Settings) -> None:
    """`lantian run`: run until SIGINT or SIGTERM, then shut down cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with BotRuntime(settings):
        await stop.wait()
    log.info("bot stopped")
