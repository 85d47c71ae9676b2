"""Command menus per audience: each person and chat sees only the commands it can use.

Telegram shows the most specific menu: a chat's own (BotCommandScopeChat) over the menus of
all private chats, all groups and all group admins. So residents get the default private
menu, patrol members, leaders, officials and admins a private menu of the union of their
roles' commands, patrol chats and bound official chats their own, and group admins /bind.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError
from telegram.ext import Application

from handlers.i18n import CATALOGUES, DEFAULT_LANGUAGE, t
from handlers.services import Services
from storage.models import Grid, GridOfficialChat, Membership, Person, Role

log = logging.getLogger(__name__)

RESIDENT = ("report", "my", "cancel", "subscribe", "unsubscribe", "lang", "help")
PATROL = ("checkin", "checkout", "duty")
OFFICIAL = ("status", "overdue", "bulletin", "export")
GROUP = ("help",)
GROUP_ADMIN = ("bind", "unbind", "help")
PATROL_CHAT = ("duty", "help")
OFFICIAL_CHAT = ("status", "overdue", "bulletin", "export", "help")
ROLE_COMMANDS = {Role.PATROL: PATROL, Role.LEADER: PATROL + OFFICIAL[:2],
                 Role.OFFICIAL: OFFICIAL, Role.ADMIN: OFFICIAL}


async def set_chat_menu(bot: Bot, chat_id: int, names: tuple[str, ...]) -> None:
    """Show `names` as the command menu of one chat, in every language."""
    try:
        for lang in CATALOGUES:
            await bot.set_my_commands(
                [BotCommand(name, t(lang, f"menu.{name}")) for name in names],
                scope=BotCommandScopeChat(chat_id),
                language_code=None if lang == DEFAULT_LANGUAGE else lang)
    except TelegramError as exc:  # a menu is a convenience: never fail a command for it
        log.warning("could not set the command menu of chat %s: %s", chat_id, exc)


async def clear_chat_menu(bot: Bot, chat_id: int) -> None:
    """Back to the general menus for this chat."""
    try:
        for lang in CATALOGUES:
            await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id),
                                         language_code=None if lang == DEFAULT_LANGUAGE else lang)
    except TelegramError as exc:
        log.warning("could not clear the command menu of chat %s: %s", chat_id, exc)


def private_menu(roles: set[str]) -> tuple[str, ...]:
    """The private-chat menu of someone with these roles (residents: no roles)."""
    extra: list[str] = []
    for role in (Role.PATROL, Role.LEADER, Role.OFFICIAL, Role.ADMIN):
        if role in roles:
            extra += [c for c in ROLE_COMMANDS[role] if c not in extra]
    return tuple(extra) + RESIDENT


async def set_default_menus(application: Application) -> None:
    """The menus of all private chats, all groups and all group admins, per language."""
    bot = application.bot
    for scope, names in ((BotCommandScopeAllPrivateChats(), RESIDENT),
                         (BotCommandScopeAllGroupChats(), GROUP),
                         (BotCommandScopeAllChatAdministrators(), GROUP_ADMIN)):
        for lang in CATALOGUES:
            code = None if lang == DEFAULT_LANGUAGE else lang
            await bot.set_my_commands([BotCommand(n, t(lang, f"menu.{n}")) for n in names],
                                      scope=scope, language_code=code)


async def set_audience_menus(application: Application, svc: Services) -> None:
    """Per-chat menus for people with roles, patrol chats and bound official chats.

    Many calls for a big roster, so the runtime runs this in the background after start-up;
    a chat Telegram does not know (someone who never opened the bot) is skipped."""
    async with svc.db.sessions() as session:
        people = (await session.execute(
            select(Person.telegram_id, Membership.role)
            .join(Membership, Membership.person_id == Person.id))).all()
        patrol_chats = set((await session.execute(
            select(Grid.patrol_chat_id).where(Grid.patrol_chat_id.is_not(None)))).scalars())
        official_chats = set((await session.execute(
            select(GridOfficialChat.chat_id))).scalars())
    roles: dict[int, set[str]] = {}
    for telegram_id, role in people:
        roles.setdefault(telegram_id, set()).add(role)
    for telegram_id, own in roles.items():
        await set_chat_menu(application.bot, telegram_id, private_menu(own))
    for chat_id in patrol_chats - official_chats:
        await set_chat_menu(application.bot, chat_id, PATROL_CHAT)
    for chat_id in official_chats:
        await set_chat_menu(application.bot, chat_id, OFFICIAL_CHAT)
    log.info("command menus set for %d people and %d chats", len(roles),
             len(patrol_chats | official_chats))
