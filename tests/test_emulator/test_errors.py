"""Telegram's error shapes, both as raw JSON and as the exceptions PTB raises."""

from __future__ import annotations

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken

from bot.emulator import BotApiEmulator, TgChat, TgUser

NOT_MODIFIED = (
    "Message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


async def _raw(emu: BotApiEmulator, method: str, token: str | None = None, **params) -> tuple:  # type: ignore[no-untyped-def,type-arg]
    async with aiohttp.ClientSession() as session:
        url = f"{emu.url}/bot{token or emu.token}/{method}"
        async with session.post(url, json=params) as response:
            return response.status, await response.json()


async def test_raw_shapes(emu: BotApiEmulator) -> None:
    assert await _raw(emu, "getMe", token="999:WRONG") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert await _raw(emu, "noSuchMethod") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert await _raw(emu, "sendMessage", chat_id=42, text="x") == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
    )
    status, body = await _raw(emu, "GETME")  # method names are case-insensitive
    assert status == 200 and body["result"]["username"] == "lantian_bot"


async def test_ptb_exceptions_for_bad_requests(emu: BotApiEmulator, bot: Bot, user: TgUser) -> None:
    with pytest.raises(BadRequest, match="^Chat not found$"):
        await bot.send_message(777, "hi")
    emu.add_chat(user)
    with pytest.raises(BadRequest, match="^Message text is empty$"):
        await bot.send_message(user.id, "   ")
    with pytest.raises(BadRequest, match="^Message is too long$"):
        await bot.send_message(user.id, "长" * 4097)
    await bot.send_message(user.id, "长" * 4096)
    too_long = "数" * 22  # 66 UTF-8 bytes
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("按钮", callback_data=too_long)]])
    with pytest.raises(BadRequest, match="^Button_data_invalid$"):
        await bot.send_message(user.id, "x", reply_markup=keyboard)
    with pytest.raises(BadRequest, match="^Message to edit not found$"):
        await bot.edit_message_text("x", user.id, 999)
    with pytest.raises(BadRequest, match="^Message to be replied not found$"):
        await bot.send_message(user.id, "x", reply_to_message_id=999)
    with pytest.raises(BadRequest, match="(?i)can't find end tag"):
        await bot.send_message(user.id, "<b>x", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
        await bot.send_message(user.id, "1.5 km", parse_mode=ParseMode.MARKDOWN_V2)
    ok = await bot.send_message(user.id, r"*1\.5* km", parse_mode=ParseMode.MARKDOWN_V2)
    assert ok.text == "1.5 km"
    with pytest.raises(BadRequest, match="^Invalid file_id$"):
        await bot.get_file("nope")


async def test_not_modified_and_cant_edit(emu: BotApiEmulator, bot: Bot, user: TgUser) -> None:
    update = emu.send_text(user, "我的消息")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("接单", callback_data="take")]])
    sent = await bot.send_message(user.id, "任务", reply_markup=keyboard)
    with pytest.raises(BadRequest) as excinfo:
        await bot.edit_message_text("任务", user.id, sent.message_id, reply_markup=keyboard)
    assert excinfo.value.message == NOT_MODIFIED
    with pytest.raises(BadRequest, match="^Message is not modified"):
        await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=keyboard)
    with pytest.raises(BadRequest, match="^Message can't be edited$"):
        await bot.edit_message_text("x", user.id, update["message"]["message_id"])
    photo = await bot.send_photo(user.id, emu.send_photo(user)["message"]["photo"][0]["file_id"])
    with pytest.raises(BadRequest, match="^There is no text in the message to edit$"):
        await bot.edit_message_text("x", user.id, photo.message_id)
    raw = await _raw(
        emu,
        "editMessageText",
        chat_id=user.id,
        message_id=sent.message_id,
        text="任务",
        reply_markup=keyboard.to_dict(),
    )
    assert raw == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: m" + NOT_MODIFIED[1:]},
    )


async def test_blocked_and_forgotten_chats(emu: BotApiEmulator, bot: Bot, user: TgUser) -> None:
    emu.add_chat(user)
    emu.block_chat(user.id)
    with pytest.raises(Forbidden, match="^Forbidden: bot was blocked by the user$"):
        await bot.send_message(user.id, "hi")
    emu.unblock_chat(user.id)
    await bot.send_message(user.id, "hi")
    emu.forget_chat(user.id)
    with pytest.raises(BadRequest, match="^Chat not found$"):
        await bot.send_message(user.id, "hi")
    group = TgChat(-5, "group", "旧群")
    emu.add_chat(group)
    emu.block_chat(group.id)
    with pytest.raises(Forbidden, match="kicked from the group chat"):
        await bot.send_message(group.id, "hi")


async def test_conflict_and_invalid_token(emu: BotApiEmulator, bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_invalid_token_raises(emu: BotApiEmulator) -> None:
    wrong = Bot("999:WRONG", base_url=f"{emu.url}/bot")
    with pytest.raises(InvalidToken, match="was rejected by the server"):
        await wrong.initialize()
    await wrong.shutdown()
