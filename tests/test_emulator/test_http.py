"""The bot's aiohttp transport for python-telegram-bot, against the emulator: parameters,
uploads, downloads, Telegram's errors and transport failures arrive as PTB expects them."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.emulator import BotApiEmulator, TgUser
from bot.emulator.files import make_png
from bot.http import AiohttpRequest

USER = TgUser(1001, "张三")


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(emu.token, base_url=f"{emu.url}/bot", base_file_url=f"{emu.url}/file/bot",
                   request=AiohttpRequest(8, read_timeout=0.5),
                   get_updates_request=AiohttpRequest(1)) as client:
        yield client


async def test_parameters_and_markup_arrive_decoded(emu: BotApiEmulator, bot: Bot) -> None:
    emu.add_chat(USER)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("✅ 提交", callback_data="rp:1:submit")]])
    sent = await bot.send_message(USER.id, "请确认：\n类型：🔥 焚烧", reply_markup=markup)
    assert sent.text == "请确认：\n类型：🔥 焚烧" and sent.chat.id == USER.id
    method, params = emu.calls[-1]
    assert method == "sendMessage"
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "rp:1:submit"
    assert (await bot.get_me()).username == emu.bot_username


async def test_upload_and_download_keep_the_bytes(emu: BotApiEmulator, bot: Bot) -> None:
    emu.add_chat(USER)
    picture = make_png(64, 48, (200, 80, 10))
    message = await bot.send_photo(USER.id, picture, caption="现场")
    [upload] = emu.uploaded_files
    assert upload["data"] == picture and upload["field"] == "photo"
    file = await bot.get_file(message.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == picture


async def test_telegram_errors_become_ptb_errors(emu: BotApiEmulator, bot: Bot) -> None:
    emu.add_chat(USER)
    emu.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER.id, "x")
    assert caught.value.retry_after.total_seconds() == 7
    emu.fail_next("sendMessage", 403)
    with pytest.raises(Forbidden):
        await bot.send_message(USER.id, "x")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(999_999, "x")


async def test_a_slow_answer_times_out(emu: BotApiEmulator, bot: Bot) -> None:
    emu.add_chat(USER)
    emu.set_delay("sendMessage", 2.0)
    with pytest.raises(TimedOut):
        await bot.send_message(USER.id, "x")
    emu.set_delay("sendMessage", 0)
    assert (await bot.send_message(USER.id, "again")).text == "again"


async def test_an_unreachable_server_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with AiohttpRequest(2, connect_timeout=1.0) as request:
        with pytest.raises(NetworkError) as caught:
            await request.post(f"http://127.0.0.1:{port}/bot1:X/getMe")
    assert not isinstance(caught.value, TimedOut)


async def test_shutdown_and_initialize_again(emu: BotApiEmulator) -> None:
    request = AiohttpRequest(2)
    await request.initialize()
    await request.shutdown()
    await request.shutdown()  # idempotent
    await request.initialize()
    code, body = await request.do_request(f"{emu.url}/bot{emu.token}/getMe", "POST")
    assert code == 200 and b'"ok": true' in body.replace(b'"ok":true', b'"ok": true')
    await request.shutdown()
