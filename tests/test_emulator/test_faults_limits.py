"""Fault injection (errors, delays) and the flood-limit mode."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

from bot.emulator import BotApiEmulator, FloodLimits, TgChat, TgUser
from bot.emulator.testing import ptb_app_for

# PTB itself warns about RetryAfter.retry_after's future type whenever it builds one.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_fail_next_429_and_5xx(emu: BotApiEmulator, bot: Bot, user: TgUser) -> None:
    emu.add_chat(user)
    emu.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as excinfo:
        await bot.send_message(user.id, "x")
    # PTB formats the wait as "7 seconds" or, with timedelta durations (PTB_TIMEDELTA, which
    # the bot opts into), as "0:00:07".
    assert str(excinfo.value) in ("Flood control exceeded. Retry in 7 seconds",
                                  "Flood control exceeded. Retry in 0:00:07")
    assert excinfo.value.retry_after in (7, timedelta(seconds=7))
    emu.fail_next(None, 502, count=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.get_me()
    assert (await bot.send_message(user.id, "ok")).text == "ok"
    emu.fail_next("sendmessage", 400, description="Bad Request: custom")
    with pytest.raises(BadRequest, match="^Custom$"):
        await bot.send_message(user.id, "x")
    assert emu.stats["faults"] == 4
    assert emu.stats["sent"]["sendMessage"] == 1
    assert [name for name, _ in emu.calls].count("sendMessage") == 3


async def test_set_delay(emu: BotApiEmulator, bot: Bot, user: TgUser) -> None:
    emu.add_chat(user)
    emu.set_delay("sendMessage", 0.2)
    started = time.perf_counter()
    await bot.send_message(user.id, "slow")
    assert time.perf_counter() - started >= 0.2
    emu.set_delay("sendMessage", 0)
    started = time.perf_counter()
    await bot.get_me()
    assert time.perf_counter() - started < 0.2


async def test_flood_limits_private_group_global() -> None:
    limits = FloodLimits(global_rate=0.1, global_burst=8, private_burst=3, group_burst=4)
    async with BotApiEmulator(enforce_limits=True, limits=limits) as emu:
        async with Bot(emu.token, base_url=f"{emu.url}/bot") as bot:
            user, group = TgUser(1, "甲"), TgChat(-100, "group", "群")
            emu.add_chat(user)
            emu.add_chat(group)
            for _ in range(3):
                await bot.send_message(user.id, "x")
            with pytest.raises(RetryAfter):
                await bot.send_message(user.id, "x")
            for _ in range(4):
                await bot.send_message(group.id, "x")
            with pytest.raises(RetryAfter) as excinfo:
                await bot.send_message(group.id, "x")
            assert excinfo.value.retry_after in (2, timedelta(seconds=2))
            others = [TgUser(10 + i, "乙") for i in range(2)]
            for other in others:
                emu.add_chat(other)
            await bot.send_message(others[0].id, "x")  # 8th message of the bot
            with pytest.raises(RetryAfter):
                await bot.send_message(others[1].id, "x")  # global bucket full
            assert emu.stats["throttled"] == 3
            assert emu.stats["sent"]["sendMessage"] == 8
            # edits are not limited
            sent = emu.sent(group.id)[0]
            await bot.edit_message_text("y", group.id, sent["message_id"])


async def test_well_behaved_client_is_not_throttled() -> None:
    async with BotApiEmulator(enforce_limits=True) as emu:
        app = ptb_app_for(emu, rate_limiter=AIORateLimiter(max_retries=2))
        people = [TgUser(100 + i, f"人{i}") for i in range(45)]
        for person in people:
            emu.add_chat(person)
        async with app:
            started = time.perf_counter()
            await asyncio.gather(*(app.bot.send_message(p.id, "通知") for p in people))
            elapsed = time.perf_counter() - started
        assert emu.stats["throttled"] == 0
        assert emu.stats["sent"]["sendMessage"] == 45
        assert elapsed > 0.3  # the client paced itself to ~30/s
