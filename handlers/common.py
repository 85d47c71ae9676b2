"""Conversation basics for everyone: /start, /help, /lang, and polite fallbacks."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from handlers.i18n import CATALOGUES, hours, language_named, t
from handlers.people import set_user_language, user_language
from handlers.services import services

log = logging.getLogger(__name__)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain the commands available in this kind of chat; in a private chat in two
    screens (what the bot does, then how a report is handled), turned with a button."""
    lang = await user_language(services(context), update.effective_user)
    if update.effective_chat.type == ChatType.PRIVATE:
        text, markup = _help_screen(context, lang, 1)
        await update.effective_message.reply_text(text, reply_markup=markup)
        return
    await update.effective_message.reply_text(
        t(lang, "help.group", bot_username=context.bot.username))


def _help_screen(context: ContextTypes.DEFAULT_TYPE, lang: str,
                 page: int) -> tuple[str, InlineKeyboardMarkup]:
    if page == 1:
        return t(lang, "help.private"), InlineKeyboardMarkup(
            [[InlineKeyboardButton(t(lang, "help.next"), callback_data="help:2")]])
    svc = services(context)
    text = t(lang, "help.private_2",
             workday=_minutes(svc.sla.on_site_workday), offhours=_minutes(svc.sla.on_site_offhours),
             photos=svc.intake.max_photos,
             hours=hours(svc.intake.draft_ttl))
    return text, InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(lang, "help.back"), callback_data="help:1")]])


def _minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


async def help_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Turn the help message to the pressed screen (callback data `help:<1|2>`)."""
    query = update.callback_query
    lang = await user_language(services(context), update.effective_user)
    page = (query.data or "").partition(":")[2]
    if page not in ("1", "2"):
        await query.answer(t(lang, "button.invalid"), show_alert=True)
        return
    await query.answer()
    text, markup = _help_screen(context, lang, int(page))
    await query.edit_message_text(text, reply_markup=markup)


async def lang_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Switch to the language named after the command, or offer the languages as buttons."""
    named = language_named(context.args[0]) if context.args else None
    if named is not None:
        await set_user_language(services(context), update.effective_user, named)
        await update.effective_message.reply_text(t(named, "lang.set"))
        return
    lang = await user_language(services(context), update.effective_user)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("中文", callback_data="lang:zh"),
          InlineKeyboardButton("English", callback_data="lang:en")]]
    )
    await update.effective_message.reply_text(t(lang, "lang.choose"), reply_markup=keyboard)


async def lang_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store the chosen language (callback data `lang:<code>`)."""
    query = update.callback_query
    code = (query.data or "").partition(":")[2]
    if code not in CATALOGUES:
        lang = await user_language(services(context), update.effective_user)
        await query.answer(t(lang, "fallback.private"), show_alert=True)
        return
    await set_user_language(services(context), update.effective_user, code)
    await query.answer()
    await query.edit_message_text(t(code, "lang.set"))


async def say_handled_before(update: Update, lang: str) -> None:
    """Answer an update Telegram handed out again (dispatch.replays): nothing is done twice.
    Any keyboard stays: it may be the one a later question needs."""
    if update.callback_query is not None:
        await update.callback_query.answer(t(lang, "update.handled_before"))
    elif update.effective_message is not None:
        await update.effective_message.reply_text(t(lang, "update.handled_before"))


async def unknown_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Anything in a private chat that no other handler took: a polite pointer to /help."""
    lang = await user_language(services(context), update.effective_user)
    await update.effective_message.reply_text(t(lang, "fallback.private"))


async def edits_gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Edited messages never run anything: a moving live location is ignored, other edits
    in a private chat get a note that edits are not read, edits in groups are ignored."""
    message = update.edited_message
    if message is None:
        return
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE and message.location is None:
        lang = await user_language(services(context), update.effective_user)
        await context.bot.send_message(chat.id, t(lang, "intake.edited"))
    raise ApplicationHandlerStop


async def bot_added(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Added to a group: say its chat id, which the grids file or /bind needs."""
    change = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    was_in = change.old_chat_member.status in ("member", "administrator", "creator")
    is_in = change.new_chat_member.status in ("member", "administrator")
    if is_in and not was_in:
        await context.bot.send_message(change.chat.id, t(
            "zh", "group.added", chat_id=change.chat.id, bot_username=context.bot.username))


async def group_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start in a group: what the bot does here."""
    await help_command(update, context)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command we do not have (or not in this kind of chat)."""
    lang = await user_language(services(context), update.effective_user)
    await update.effective_message.reply_text(t(lang, "fallback.unknown_command"))


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press whose data no handler knows (old keyboards, forged data): answered, not applied."""
    lang = await user_language(services(context), update.effective_user)
    await update.callback_query.answer(t(lang, "button.invalid"), show_alert=True)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and, where there is a person waiting, tell them nothing was lost."""
    log.error("handler failed", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    try:
        lang = await user_language(services(context), update.effective_user)
        await context.bot.send_message(update.effective_chat.id, t(lang, "error.generic"))
    except Exception:  # the error path must never raise
        log.exception("could not tell the user about the failure")
