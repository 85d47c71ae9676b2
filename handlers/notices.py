"""Residents' public notices: /subscribe, /unsubscribe and the ``s_<grid code>`` deep link.

/subscribe takes the grid of the resident's last report; without one it asks for a
location (a pending "subscribe" action, so the residents' location handler hands the
answer here). The notices themselves are sent by schedules/reminders.py.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from dispatch import subscriptions
from dispatch.intake import plausible_point
from dispatch.pending import clear_pending, set_pending, waiting_for
from dispatch.replays import first_time
from handlers import pending
from handlers.common import say_handled_before
from handlers.i18n import t
from handlers.keyboards import location_keyboard
from handlers.people import name_of, user_language
from handlers.services import Services, services

PENDING_KIND = "subscribe"
ANSWER_WITHIN = timedelta(minutes=10)
BUTTON_PREFIX = "unsub:"


def register(application: Application) -> None:
    """Attach /subscribe, /unsubscribe and their buttons."""
    private = filters.ChatType.PRIVATE
    add = application.add_handler
    add(CommandHandler("subscribe", subscribe_command, filters=private))
    add(CommandHandler("unsubscribe", unsubscribe_command, filters=private))
    add(CommandHandler(["subscribe", "unsubscribe"], private_only, filters=filters.ChatType.GROUPS))
    add(CallbackQueryHandler(on_unsubscribe_button, pattern=rf"^{BUTTON_PREFIX}"))
    pending.register(PENDING_KIND, on_subscribe_location)


def _grid_name(svc: Services, grid_id: int) -> str:
    node = svc.catalog.router.get(grid_id)
    return node.name if node else str(grid_id)


async def private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/subscribe in a group: subscriptions are per person."""
    lang = await user_language(services(context), update.effective_user)
    await update.effective_message.reply_text(
        t(lang, "subscribe.private_only", bot_username=context.bot.username))


async def _subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE, grid_id: int,
                     answered: bool = False) -> None:
    """Subscribe the chat to `grid_id` and say so (`answered`: stop waiting for a location)."""
    svc = services(context)
    lang = await user_language(svc, update.effective_user)
    async with svc.db.transaction() as session:
        first = await first_time(session, update.update_id, svc.clock.now())
        if first and answered:
            await clear_pending(session, update.effective_user.id)
        created = first and await subscriptions.subscribe(session, update.effective_chat.id,
                                                          grid_id, lang)
    if not first:  # handed out again
        await say_handled_before(update, lang)
        return
    key = "subscribe.done" if created else "subscribe.already"
    await update.effective_message.reply_text(t(lang, key, grid=_grid_name(svc, grid_id)),
                                              reply_markup=ReplyKeyboardRemove())


async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/subscribe: the grid of my last report, or ask where I live."""
    svc = services(context)
    user = update.effective_user
    now = svc.clock.now()
    async with svc.db.transaction() as session:
        grid_id = await subscriptions.last_report_grid(session, user.id)
        # Handed out again once answered, it must not wait for a location again. (With
        # a grid known, _subscribe below records the update.)
        first = grid_id is not None or await first_time(session, update.update_id, now)
        if first and grid_id is None:
            await set_pending(session, user.id, PENDING_KIND, {}, now + ANSWER_WITHIN,
                              name=name_of(user))
        # Handed out again while its location is still awaited: asked again (the first
        # answer, with its location button, may never have gone out).
        waiting = not first and await waiting_for(session, user.id, PENDING_KIND, now)
    if not first and not waiting:
        await say_handled_before(update, await user_language(svc, user))
        return
    if grid_id is not None:
        await _subscribe(update, context, grid_id)
        return
    lang = await user_language(svc, user)
    await update.effective_message.reply_text(
        t(lang, "subscribe.ask_location"),
        reply_markup=location_keyboard(lang, "subscribe.button"))


async def on_subscribe_location(update: Update, context: ContextTypes.DEFAULT_TYPE,
                                waiting: dict) -> bool:
    """The location answering /subscribe picks the grid (the deepest one containing it)."""
    message = update.effective_message
    location = message.venue.location if message.venue else message.location
    if location is None:
        return False  # a photo or a text is a report: the residents' intake takes it
    svc = services(context)
    if not plausible_point(location.latitude, location.longitude):
        lang = await user_language(svc, update.effective_user)
        await message.reply_text(t(lang, "subscribe.bad_point"))
        return True
    route = svc.catalog.router.locate(location.latitude, location.longitude)
    if route.grid is None or route.outside:
        lang = await user_language(svc, update.effective_user)
        async with svc.db.transaction() as session:
            # Recorded, so that handed out again it does not start a report either.
            await first_time(session, update.update_id, svc.clock.now())
            await clear_pending(session, update.effective_user.id)
        await message.reply_text(t(lang, "subscribe.outside"), reply_markup=ReplyKeyboardRemove())
        return True
    await _subscribe(update, context, route.grid.id, answered=True)
    return True


async def subscribe_via_link(update: Update, context: ContextTypes.DEFAULT_TYPE,
                             grid_code: str) -> None:
    """``/start s_<grid code>`` from a community poster: subscribe to that grid."""
    svc = services(context)
    grid = svc.catalog.router.by_code(grid_code)
    if grid is None:
        lang = await user_language(svc, update.effective_user)
        await update.effective_message.reply_text(t(lang, "subscribe.unknown_link"))
        return
    await _subscribe(update, context, grid.id)


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unsubscribe: stop the only subscription, or offer a choice among several."""
    svc = services(context)
    lang = await user_language(svc, update.effective_user)
    chat_id = update.effective_chat.id
    async with svc.db.transaction() as session:
        first = await first_time(session, update.update_id, svc.clock.now())
        grid_ids = await subscriptions.grids_of(session, chat_id)
        if len(grid_ids) == 1 and first:
            await subscriptions.unsubscribe(session, chat_id)
    if not first:  # handed out again: it must not stop a subscription kept since
        await say_handled_before(update, lang)
    elif not grid_ids:
        await update.effective_message.reply_text(t(lang, "subscribe.none"))
    elif len(grid_ids) == 1:
        await update.effective_message.reply_text(
            t(lang, "subscribe.removed", grids=_grid_name(svc, grid_ids[0])))
    else:
        rows = [[InlineKeyboardButton(_grid_name(svc, g), callback_data=f"{BUTTON_PREFIX}{g}")]
                for g in grid_ids]
        rows.append([InlineKeyboardButton(t(lang, "subscribe.all_button"),
                                          callback_data=f"{BUTTON_PREFIX}all")])
        await update.effective_message.reply_text(t(lang, "subscribe.choose"),
                                                  reply_markup=InlineKeyboardMarkup(rows))


async def on_unsubscribe_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press of `unsub:<grid id>` or `unsub:all` (only ever acts on the presser's chat)."""
    svc = services(context)
    query = update.callback_query
    lang = await user_language(svc, update.effective_user)
    choice = (query.data or "").removeprefix(BUTTON_PREFIX)
    chat_id = update.effective_chat.id if update.effective_chat else update.effective_user.id
    async with svc.db.transaction() as session:
        # Handed out again after a new subscription, an old press must not end it.
        first = await first_time(session, update.update_id, svc.clock.now())
        current = await subscriptions.grids_of(session, chat_id) if first else []
        chosen = current if choice == "all" else [g for g in current if str(g) == choice]
        for grid_id in chosen:
            await subscriptions.unsubscribe(session, chat_id, grid_id)
    if not first:
        await say_handled_before(update, lang)
        return
    if not chosen:
        await query.answer(t(lang, "subscribe.stale"), show_alert=True)
        return
    await query.answer()
    names = t(lang, "subscribe.sep").join(_grid_name(svc, g) for g in chosen)
    await query.edit_message_text(t(lang, "subscribe.removed", grids=names))
