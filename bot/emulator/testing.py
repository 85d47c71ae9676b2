"""Helpers for running a python-telegram-bot Application against a :class:`BotApiEmulator`.

Only PTB wiring lives here (no Lantian handlers), so tests and benchmarks can share it::

    async with BotApiEmulator() as emu:
        app = ptb_app_for(emu)
        app.add_handler(MessageHandler(filters.TEXT, echo))
        async with polling(app):
            emu.send_text(user, "hi")
            [reply] = await emu.wait_for(chat_id=user.id)
"""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram.ext import Application, ApplicationBuilder

from bot.emulator.server import BotApiEmulator


def ptb_builder_for(emulator: BotApiEmulator) -> ApplicationBuilder:
    """An ApplicationBuilder with the token and both base URLs of ``emulator`` set."""
    return (
        ApplicationBuilder()
        .token(emulator.token)
        .base_url(f"{emulator.url}/bot")
        .base_file_url(f"{emulator.url}/file/bot")
    )


def ptb_app_for(emulator: BotApiEmulator, **builder_options: Any) -> Application:  # type: ignore[type-arg]
    """Build an Application talking to ``emulator``.

    ``builder_options`` name ApplicationBuilder methods and their argument, e.g.
    ``concurrent_updates=True`` or ``rate_limiter=AIORateLimiter()``.
    """
    builder = ptb_builder_for(emulator)
    for name, value in builder_options.items():
        builder = getattr(builder, name)(value)
    return builder.build()


@asynccontextmanager
async def polling(
    app: Application,  # type: ignore[type-arg]
    poll_timeout: float = 5.0,
    **polling_options: Any,
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Initialize ``app``, poll the emulator, start processing; stop everything on exit."""
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0, timeout=dtm.timedelta(seconds=poll_timeout), **polling_options
        )
        await app.start()
        try:
            yield app
        finally:
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
