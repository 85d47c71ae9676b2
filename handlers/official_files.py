"""/bulletin [YYYY-MM | YYYY-Qn] and /export [grid] [period]: bulletins and workbooks on demand."""

from __future__ import annotations

import asyncio
from pathlib import Path

from telegram import Update
from telegram.ext import ContextTypes

from dispatch.exports import collect, write_xlsx
from dispatch.figures_period import PeriodError, local_day, parse_period
from dispatch.figures_scope import scope_for
from handlers.i18n import t
from handlers.official_bulletin import compose_bulletin, compose_ranking
from handlers.official_gate import gate, parse_words
from handlers.official_render import period_text
from schedules.bulletins import officials_config


def exports_folder(media_dir: Path) -> Path:
    """Where generated workbooks are kept until sent (durable: the outbox reads them later)."""
    folder = Path(media_dir) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def bulletin_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/bulletin [month or quarter]: this month's bulletin, or a quarter's ranking, now."""
    allowed = await gate(update, context, "bulletin")
    if allowed is None:
        return
    svc, lang = allowed.svc, allowed.lang
    now = svc.clock.now()
    words = list(context.args or [])
    try:
        period = parse_period(words[0] if words else "month", local_day(now))
    except PeriodError:
        period = None
    if period is None or period.kind not in ("month", "quarter") or len(words) > 1:
        await update.effective_message.reply_text(t(lang, "bulletin.usage"))
        return
    config = officials_config(svc.settings)
    scope = scope_for(svc.catalog.router, list(allowed.access.grid_ids))
    chat_id = update.effective_chat.id
    async with svc.db.report_sessions() as session:
        if period.kind == "month":
            composed = await compose_bulletin(session, svc.catalog.router, scope, period, now,
                                              config, lang)
        else:
            composed = await compose_ranking(session, svc.catalog.router, scope, period, now,
                                             config, lang, exports_folder(svc.settings.media_dir),
                                             chat_id)
    await update.effective_message.reply_text(composed.text)
    if composed.document is not None:
        await update.effective_message.reply_document(
            composed.document.read_bytes(), filename=composed.filename, caption=composed.caption)


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export [grid] [period]: an XLSX of cases, per-grid figures and attendance (default:
    this month)."""
    allowed = await gate(update, context, "export")
    if allowed is None:
        return
    request = await parse_words(update, allowed, list(context.args or []), "month")
    if request is None:
        return
    svc, lang = allowed.svc, allowed.lang
    now = svc.clock.now()

    def label(key: str) -> str:
        return t(lang, key)

    async with svc.db.report_sessions() as session:
        data = await collect(session, svc.catalog.router, request.scope, request.period, now,
                             label, officials_config(svc.settings).weights)
    codes = "-".join(root.code for root in request.scope.roots)
    name = f"lantian-{codes}-{request.period.key().replace('..', '_')}.xlsx"
    path = exports_folder(svc.settings.media_dir) / f"{update.effective_chat.id}-{name}"
    await asyncio.to_thread(write_xlsx, data, path, label)
    try:
        await update.effective_message.reply_document(
            path.read_bytes(), filename=name,
            caption=t(lang, "export.caption", scope=request.scope.title,
                      period=period_text(lang, request.period, now), cases=len(data.cases)))
    finally:
        path.unlink(missing_ok=True)
