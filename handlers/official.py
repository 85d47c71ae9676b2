"""Officials' commands in bound group chats and private chats: /status, /overdue, /bulletin,
/export, /bind, /unbind (rules in dispatch.access, figures in dispatch.figures*).

`register` is called by bot/app.py before the residents' catch-all handlers. Every command
first asks who may see what (`_gate`); refusals are polite, say who can grant access, and are
logged. Answers go straight back to the chat that asked (not through the outbox).
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from dispatch.access import resolve_access
from dispatch.figures import overdue_cases, status_figures, with_duty
from dispatch.figures_daily import chart_period, daily_series
from dispatch.figures_period import local_day
from dispatch.figures_request import FigureRequest, parse_request
from dispatch.figures_scope import Scope
from handlers import official_admin, official_files
from handlers.i18n import t
from handlers.official_gate import Gate, audit_refusal, parse_words
from handlers.official_gate import gate as check_access
from handlers.official_render import chart_labels, period_text, render_overdue, render_status
from handlers.people import user_language
from handlers.services import services

CALLBACK_PREFIX = "of:"


def _chart_button(lang: str, scope: Scope, period_key: str) -> InlineKeyboardMarkup | None:
    data = f"{CALLBACK_PREFIX}chart:{','.join(str(r.id) for r in scope.roots)}:{period_key}"
    if len(data.encode()) > 64:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(lang, "status.chart_button"),
                                                       callback_data=data)]])


async def status_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status [grid] [period] [chart]: the scope's figures in one message."""
    gate = await check_access(update, context, "status")
    if gate is None:
        return
    request = await parse_words(update, gate, list(context.args or []))
    if request is None:
        return
    svc, now = gate.svc, gate.svc.clock.now()
    async with svc.db.report_sessions() as session:
        figures = await status_figures(session, svc.catalog.router, request.scope,
                                       request.period, now)
    await update.effective_message.reply_text(
        render_status(gate.lang, figures, svc.catalog.router),
        reply_markup=None if request.chart else _chart_button(gate.lang, request.scope,
                                                              request.period.key()))
    if request.chart:
        await send_chart(update, gate, request)


async def send_chart(update: Update, gate: Gate, request: FigureRequest) -> None:
    """Render the chart of a request in a thread and send it to the chat as a photo."""
    svc, now = gate.svc, gate.svc.clock.now()
    shown = chart_period(request.period)
    async with svc.db.report_sessions() as session:
        series = await daily_series(session, request.scope, shown, now)
    from dispatch.figures_chart import render_chart  # matplotlib: imported on first use

    png = await asyncio.to_thread(render_chart, series, chart_labels(gate.lang, request.scope))
    await update.effective_chat.send_photo(
        png, caption=t(gate.lang, "status.chart_caption", scope=request.scope.title,
                       period=period_text(gate.lang, shown, now)))


async def chart_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 📈 button under a /status answer (`of:chart:<root ids>:<period>`), re-checked."""
    query = update.callback_query
    gate = await _gate_for_button(update, context)
    if gate is None:
        return
    parts = (query.data or "").split(":", 3)
    if len(parts) != 4:
        await query.answer(t(gate.lang, "status.chart_stale"), show_alert=True)
        return
    roots, period_key = parts[2], parts[3]
    svc = gate.svc
    words = [svc.catalog.router.get(int(r)).code for r in roots.split(",")
             if r.isdigit() and svc.catalog.router.get(int(r)) is not None]
    request = parse_request(words[:1] + [period_key] if len(words) == 1 else [period_key],
                            svc.catalog.router, list(gate.access.grid_ids),
                            local_day(svc.clock.now()))
    if request.error is not None:
        await query.answer(t(gate.lang, "status.chart_stale"), show_alert=True)
        return
    await query.answer()
    await send_chart(update, gate, request)


async def _gate_for_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Gate | None:
    svc = services(context)
    lang = await user_language(svc, update.effective_user)
    chat = update.effective_chat
    private = chat is not None and chat.type == ChatType.PRIVATE
    if chat is None:
        await update.callback_query.answer(t(lang, "status.chart_stale"), show_alert=True)
        return None
    async with svc.db.sessions() as session:
        access = await resolve_access(session, chat.id, private, update.effective_user.id)
    if not access.allowed:
        await audit_refusal(svc, update, "chart", "button")
        await update.callback_query.answer(t(lang, "status.chart_stale"), show_alert=True)
        return None
    return Gate(svc, lang, access)


async def overdue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/overdue [grid]: every overdue case of the scope, most late first."""
    gate = await check_access(update, context, "overdue")
    if gate is None:
        return
    request = await parse_words(update, gate, list(context.args or []))
    if request is None:
        return
    svc, now = gate.svc, gate.svc.clock.now()
    router = svc.catalog.router
    async with svc.db.report_sessions() as session:
        items = await overdue_cases(session, request.scope, now)
        items = [await with_duty(session, item, now, router) for item in items]
    for text in render_overdue(gate.lang, request.scope, items, router, now):
        await update.effective_message.reply_text(text)


def register(application: Application) -> None:
    """Attach the officials' handlers."""
    add = application.add_handler
    add(CommandHandler("status", status_command))
    add(CommandHandler("overdue", overdue_command))
    add(CommandHandler("bulletin", official_files.bulletin_command))
    add(CommandHandler("export", official_files.export_command))
    add(CommandHandler("bind", official_admin.bind_command))
    add(CommandHandler("unbind", official_admin.unbind_command))
    add(CallbackQueryHandler(chart_pressed, pattern=rf"^{CALLBACK_PREFIX}chart:"))
