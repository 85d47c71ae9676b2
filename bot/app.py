"""Build the python-telegram-bot Application: handlers, command menus, rate limiting."""

from __future__ import annotations

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import common
from handlers.i18n import CATALOGUES, DEFAULT_LANGUAGE, t
from handlers.services import Services

PRIVATE_COMMANDS = ("report", "my", "cancel", "lang", "help")
GROUP_COMMANDS = ("status", "overdue", "help")
GROUP_ADMIN_COMMANDS = ("status", "overdue", "bulletin", "export", "bind", "unbind", "help")


def build_application(svc: Services) -> Application:
    """An Application wired to our handlers, talking to `svc.settings.telegram_api_url`."""
    settings = svc.settings
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(True)
        .build()
    )
    application.bot_data["services"] = svc
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    """Attach every handler; order matters (first match wins within a group)."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", common.start, filters=private))
    application.add_handler(CommandHandler("help", common.help_command))
    application.add_handler(CommandHandler("lang", common.lang_command, filters=private))
    application.add_handler(CallbackQueryHandler(common.lang_chosen, pattern=r"^lang:"))
    # Last: whatever a person sends privately that nothing above understood.
    application.add_handler(MessageHandler(private & ~filters.UpdateType.EDITED, common.unknown_private))
    application.add_error_handler(common.on_error)


def _commands(names: tuple[str, ...], lang: str) -> list[BotCommand]:
    return [BotCommand(name, t(lang, f"menu.{name}")) for name in names]


async def set_command_menus(application: Application) -> None:
    """Command menus per scope (private chats, groups, group admins) and language."""
    bot = application.bot
    scopes = (
        (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
        (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
        (BotCommandScopeAllChatAdministrators(), GROUP_ADMIN_COMMANDS),
    )
    for scope, names in scopes:
        for lang in CATALOGUES:
            code = None if lang == DEFAULT_LANGUAGE else lang
            await bot.set_my_commands(_commands(names, lang), scope=scope, language_code=code)
