"""/bind and /unbind in group chats, and the officials' command menus per chat.

Menus: Telegram shows a chat-scoped menu (BotCommandScopeChat) before the general ones, so a
bound group and an official's private chat get the officials' commands, while residents and
unbound groups keep the general menus set in bot/app.py.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from dispatch.access import (
    OFFICIAL_ROLES,
    bind_chat,
    granting_admins,
    official_chats,
    unbind_chat,
)
from handlers.i18n import CATALOGUES, DEFAULT_LANGUAGE, t
from handlers.official_gate import example_code
from handlers.people import user_language
from handlers.services import services
from storage.models import Membership, Person

log = logging.getLogger(__name__)
OFFICIAL_CHAT_COMMANDS = ("status", "overdue", "bulletin", "export", "help")
OFFICIAL_PRIVATE_COMMANDS = ("status", "overdue", "bulletin", "export", "report", "my", "lang",
                             "help")


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
    async with svc.db.transaction() as session:
        result = await bind_chat(session, chat.id, update.effective_user.id, context.args[0],
                                 router, svc.clock.now())
        admins = await granting_admins(session, router,
                                       [result.grid.id] if result.grid else None)
    grid = result.grid
    if result.status == "unknown_grid":
        text = t(lang, "official.unknown_grid", word=context.args[0], example=example_code(svc))
    elif result.status == "not_admin":
        text = t(lang, "official.not_admin", grid=grid.name,
                 admins="、".join(admins) or t(lang, "official.admins_unknown"))
    else:
        key = "official.bound" if result.status == "bound" else "official.already"
        text = t(lang, key, grid=grid.name, code=grid.code)
        await set_chat_menu(context.bot, chat.id, OFFICIAL_CHAT_COMMANDS)
    await message.reply_text(text)


async def unbind_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unbind: an admin removes this group's /bind bindings (the grids file's stay)."""
    svc = services(context)
    lang = await user_language(svc, update.effective_user)
    message, chat = update.effective_message, update.effective_chat
    if chat.type == ChatType.PRIVATE:
        await message.reply_text(t(lang, "official.bind_group_only"))
        return
    async with svc.db.transaction() as session:
        result = await unbind_chat(session, chat.id, update.effective_user.id,
                                   svc.catalog.router, svc.clock.now())
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


async def set_chat_menu(bot: Bot, chat_id: int, names: tuple[str, ...]) -> None:
    """Show `names` as the command menu of one chat, in every language."""
    try:
        for lang in CATALOGUES:
            await bot.set_my_commands(
                [BotCommand(name, t(lang, f"menu.{name}")) for name in names],
                scope=BotCommandScopeChat(chat_id),
                language_code=None if lang == DEFAULT_LANGUAGE else lang)
    except TelegramError as exc:  # a menu is a convenience: never fail the command for it
        log.warning("could not set the command menu of chat %s: %s", chat_id, exc)


async def clear_chat_menu(bot: Bot, chat_id: int) -> None:
    """Back to the general menus for this chat."""
    try:
        for lang in CATALOGUES:
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id),
                                         language_code=None if lang == DEFAULT_LANGUAGE else lang)
    except TelegramError as exc:
        log.warning("could not clear the command menu of chat %s: %s", chat_id, exc)


async def set_official_menus(application: Application) -> None:
    """At start-up: officials' menus for every bound chat and every official's private chat."""
    svc = services_of(application)
    async with svc.db.sessions() as session:
        chats = await official_chats(session)
        people = list((await session.execute(
            select(Person.telegram_id).join(Membership, Membership.person_id == Person.id)
            .where(Membership.role.in_(OFFICIAL_ROLES)).distinct())).scalars())
    for chat_id in chats:
        await set_chat_menu(application.bot, chat_id, OFFICIAL_CHAT_COMMANDS)
    for telegram_id in people:
        await set_chat_menu(application.bot, telegram_id, OFFICIAL_PRIVATE_COMMANDS)


def services_of(application: Application):
    """The Services stored in the application."""
    return application.bot_data["services"]
