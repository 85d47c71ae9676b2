"""Build the python-telegram-bot Application: handlers, command menus, rate limiting."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.http import AiohttpRequest
from bot.processing import PerChatUpdateProcessor
from bot.telegram_bot import LantianBot
from handlers import common, duty, official, patrol, resident, resident_buttons
from handlers.flood import FloodGuard, flood_check
from handlers.services import Services


def build_application(svc: Services) -> Application:
    """An Application wired to our handlers, talking to `svc.settings.telegram_api_url`."""
    settings = svc.settings
    bot = LantianBot(
        settings.require_token(), base_url=settings.api_base_url,
        base_file_url=settings.api_file_url,
        request=AiohttpRequest(connection_pool_size=256),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
        # Replies ride out a short 429 themselves; the outbox also schedules its own retries
        # (its lease outlasts these sleeps, see dispatch/outbox.py).
        rate_limiter=AIORateLimiter(max_retries=2) if settings.rate_limit else None,
    )
    application = (ApplicationBuilder().bot(bot)
                   .concurrent_updates(PerChatUpdateProcessor(256)).build())
    application.bot_data["services"] = svc
    application.bot_data["flood_guard"] = FloodGuard(
        svc.intake.flood_messages, svc.intake.flood_window.total_seconds())
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    """Attach every handler; within a group the first match wins, so order matters."""
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    fresh = ~filters.UpdateType.EDITED & ~filters.FORWARDED
    add = application.add_handler
    add(TypeHandler(Update, common.edits_gate), group=-2)
    add(TypeHandler(Update, flood_check), group=-1)
    add(ChatMemberHandler(common.bot_added, ChatMemberHandler.MY_CHAT_MEMBER))
    # Audiences with their own commands and buttons come before the residents' catch-alls.
    for audience in (patrol, official, duty):
        audience.register(application)
    # Commands.
    add(CommandHandler("start", resident.start_command, filters=private))
    add(CommandHandler("start", common.group_start, filters=groups))
    add(CommandHandler("report", resident.report_command, filters=private & fresh))
    add(CommandHandler("report", resident.group_report, filters=groups))
    add(CommandHandler("cancel", resident.cancel_command, filters=private))
    add(CommandHandler("my", resident.my_command, filters=private))
    add(CommandHandler("help", common.help_command))
    add(CommandHandler("lang", common.lang_command, filters=private))
    # Buttons.
    add(CallbackQueryHandler(common.lang_chosen, pattern=r"^lang:"))
    add(CallbackQueryHandler(common.help_page, pattern=r"^help:"))
    add(CallbackQueryHandler(resident_buttons.on_button, pattern=r"^rp:"))
    add(CallbackQueryHandler(common.unknown_button))
    # What residents send privately.
    add(MessageHandler(private & filters.FORWARDED, resident.on_forwarded))
    add(MessageHandler(private & (filters.LOCATION | filters.VENUE), resident.on_location))
    add(MessageHandler(private & (filters.PHOTO | filters.Document.ALL), resident.on_photo))
    add(MessageHandler(private & filters.TEXT & ~filters.COMMAND, resident.on_text))
    add(MessageHandler(private & (filters.Sticker.ALL | filters.VOICE | filters.VIDEO
                                  | filters.VIDEO_NOTE | filters.AUDIO | filters.ANIMATION
                                  | filters.CONTACT | filters.POLL | filters.Dice.ALL),
                       resident.on_unsupported))
    # Last: whatever a person sends privately that nothing above understood.
    add(MessageHandler(private & filters.COMMAND, common.unknown_command))
    add(MessageHandler(private, common.unknown_private))
    application.add_error_handler(common.on_error)
