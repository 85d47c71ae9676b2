"""Fixtures: a running emulator, an initialized PTB Bot, a user and a group."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.emulator import BotApiEmulator, TgChat, TgUser


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(
        emu.token, base_url=f"{emu.url}/bot", base_file_url=f"{emu.url}/file/bot"
    ) as client:
        yield client


@pytest.fixture
def user() -> TgUser:
    return TgUser(1001, "张三", username="zhangsan")


@pytest.fixture
def group() -> TgChat:
    return TgChat(-1001234, "supergroup", "网格巡查群")
