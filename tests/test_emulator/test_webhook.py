"""Webhook mode: updates pushed by HTTP POST with the secret header."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from bot.emulator import BotApiEmulator, TgUser


class Receiver:
    """A tiny webhook endpoint recording what it receives (optionally failing first)."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.fail_first = fail_first
        self.arrived = asyncio.Event()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        if self.fail_first:
            self.fail_first -= 1
            return web.Response(status=500)
        body = json.loads(await request.text())
        self.received.append((body, request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        self.arrived.set()
        return web.Response(text="ok")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/hook", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    rec.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield rec
    await runner.cleanup()


async def _until(condition: Any) -> None:
    """Poll ``condition`` for up to 3 s (the webhook worker runs in the background)."""
    async with asyncio.timeout(3.0):
        while not condition():  # noqa: ASYNC110 - nothing to wait on but the condition
            await asyncio.sleep(0.01)


async def test_webhook_push_with_secret(
    emu: BotApiEmulator, bot: Bot, user: TgUser, receiver: Receiver
) -> None:
    emu.send_text(user, "before")  # queued before the webhook: delivered after setWebhook
    assert await bot.set_webhook(receiver.url, secret_token="s3cr3t") is True
    emu.send_text(user, "after")
    await _until(lambda: len(receiver.received) == 2)
    assert [body["message"]["text"] for body, _ in receiver.received] == ["before", "after"]
    assert {secret for _, secret in receiver.received} == {"s3cr3t"}
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    with pytest.raises(Conflict):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    emu.send_text(user, "polled")
    assert [u.message.text for u in await bot.get_updates(timeout=0)] == ["polled"]
    assert len(receiver.received) == 2


async def test_webhook_retries_after_failure(
    emu: BotApiEmulator, bot: Bot, user: TgUser, receiver: Receiver
) -> None:
    receiver.fail_first = 2
    await bot.set_webhook(receiver.url)
    emu.send_text(user, "一")
    emu.send_text(user, "二")
    await _until(lambda: len(receiver.received) == 2)
    assert [body["message"]["text"] for body, _ in receiver.received] == ["一", "二"]
    assert receiver.received[0][1] is None  # no secret set, no header
    info = await bot.get_webhook_info()
    assert info.last_error_message is not None and "500" in info.last_error_message


async def test_drop_pending_updates(emu: BotApiEmulator, bot: Bot, user: TgUser) -> None:
    emu.send_text(user, "old")
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(timeout=0) == ()
