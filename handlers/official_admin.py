"""/bind and /unbind in group chats, and the officials' command menus per chat.

Menus: Telegram shows a chat-scoped menu (BotCommandScopeChat) before the general ones, so a
bound group and an official's private chat get the officials' commands, while residents and
unbound groups keep the general menus set in bot/app.py.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ContextTypes

from dispatch.access import (
    bind_chat,
    granting_admins,
    unbind_chat,
)
from dispatch.replays import first_time
from handlers.common import say_handled_before
from handlers.i18n import t
from handlers.menus import OFFICIAL_CHAT, clear_chat_menu, set_chat_menu
from handlers.official_gate import example_code
from handlers.people import user_language
from handlers.services import services

log = logging.getLogger(__name__)


def _names(svc, grid_ids) -> str:
    router = svc.catalog.router
    return "、".join(f"{router.get(g).name}（{router.get(g).code}）" for g in grid_ids
                    if router.get(g) is not None)


async def bind_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/bind <grid code>: an admin binds this group to a grid as an official chat."""
    svc = services(context)
    lang = await user_language(svc, update.effective_user)
    message, chat = update.effective_message, update.effective_chat
    if chat.type == ChatType.PRIVATE:
        await message.reply_text(t(lang, "official.bind_group_only"))
        return
    if not context.args:
        await message.reply_text(t(lang, "official.bind_usage", example=example_code(svc)))
        return
    router = svc.catalog.router
    now = svc.clock.now()
    async with svc.db.transaction() as session:
        # Handed out again after an /unbind, an old /bind must not bind the group again.
        if not await first_time(session, update.update_id, now):
            result = None
        else:
            result = await bind_chat(session, chat.id, update.effective_user.id,
                                     context.args[0], router, now)
            admins = await granting_admins(session, router,
                                           [result.grid.id] if result.grid else None)
    if result is None:
        await say_handled_before(update, lang)
        return
    grid = result.grid
    if result.status == "unknown_grid":
        text = t(lang, "official.unknown_grid", word=context.args[0], example=example_code(svc))
    elif result.status == "not_admin":
        text = t(lang, "official.not_admin", grid=grid.name,
                 admins="、".join(admins) or t(lang, "official.admins_unknown"))
    else:
        key = "official.bound" if result.status == "bound" else "official.already"
        text = t(lang, key, grid=grid.name, code=grid.code)
        await set_chat_menu(context.bot, chat.id, OFFICIAL_CHAT)
    await message.reply_text(text)


async def unbind_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unbind: an admin removes this group's /bind bindings (the grids file's stay)."""
    svc = services(context)
    lang = await user_language(svc, update.effective_user)
    message, chat = update.effective_message, update.effective_chat
    if chat.type == ChatType.PRIVATE:
        await message.reply_text(t(lang, "official.bind_group_only"))
        return
    now = svc.clock.now()
    async with svc.db.transaction() as session:
        first = await first_time(session, update.update_id, now)
        result = await unbind_chat(session, chat.id, update.effective_user.id,
                                   svc.catalog.router, now) if first else None
    if result is None:  # handed out again: it must not undo a /bind given since
        await say_handled_before(update, lang)
        return
    lines = []
    if result.status == "unbound":
        lines.append(t(lang, "official.unbound", grids=_names(svc, result.removed)))
    elif result.status == "nothing":
        lines.append(t(lang, "official.unbind_nothing"))
    else:
        lines.append(t(lang, "official.unbind_not_admin"))
    if result.remaining:
        lines.append(t(lang, "official.remaining", grids=_names(svc, result.remaining)))
    elif result.status == "unbound":
        await clear_chat_menu(context.bot, chat.id)
    await message.reply_text("\n".join(lines))


def services_of(application: Application):
    """The Services stored in the application."""
    return application.bot_data["services"]
