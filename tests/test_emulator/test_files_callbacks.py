"""File upload/download roundtrips and inline button presses with their answers."""

from __future__ import annotations

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.emulator import BotApiEmulator, TgUser
from bot.emulator.files import image_size, make_png
from bot.emulator.testing import polling, ptb_app_for


async def test_user_photo_download_roundtrip(emu: BotApiEmulator, bot: Bot, user: TgUser) -> None:
    data = make_png(64, 48)
    update = emu.send_photo(user, data, caption="烧秸秆")
    sizes = update["message"]["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [
        (90, 68),
        (320, 240),
        (800, 600),
        (1280, 960),
    ]
    assert sizes[-1]["file_id"].startswith("AgAC") and sizes[-1]["file_unique_id"]
    file = await bot.get_file(sizes[-1]["file_id"])
    assert file.file_path is not None and file.file_path.startswith(f"{emu.url}/file/bot")
    assert bytes(await file.download_as_bytearray()) == data


async def test_generated_photo_is_a_valid_image(emu: BotApiEmulator, bot: Bot, user) -> None:  # type: ignore[no-untyped-def]
    update = emu.send_photo(user, width=320, height=240)
    file = await bot.get_file(update["message"]["photo"][-1]["file_id"])
    data = bytes(await file.download_as_bytearray())
    assert data.startswith(b"\x89PNG") and image_size(data) == (320, 240)


async def test_document_too_big_and_download(emu: BotApiEmulator, bot: Bot, user) -> None:  # type: ignore[no-untyped-def]
    big = emu.send_document(user, b"x", "huge.zip", "application/zip", file_size=21 * 2**20)
    with pytest.raises(BadRequest, match="^File is too big$"):
        await bot.get_file(big["message"]["document"]["file_id"])
    small = emu.send_document(user, "甲,乙\n".encode(), "台账.csv", "text/csv")
    document = small["message"]["document"]
    assert document["file_name"] == "台账.csv" and document["mime_type"] == "text/csv"
    file = await bot.get_file(document["file_id"])
    assert bytes(await file.download_as_bytearray()) == "甲,乙\n".encode()
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{emu.url}/file/bot{emu.token}/nope/file.txt") as response:
            assert response.status == 404


async def test_bot_upload_recorded_and_downloadable(emu: BotApiEmulator, bot: Bot, user) -> None:  # type: ignore[no-untyped-def]
    emu.add_chat(user)
    png = make_png(100, 50)
    sent = await bot.send_photo(user.id, png, caption="<i>现场</i>", parse_mode="HTML")
    assert sent.caption == "现场" and sent.photo[-1].width == 100
    [upload] = emu.uploaded_files
    assert upload["method"] == "sendPhoto" and upload["data"] == png
    doc = await bot.send_document(user.id, b"%PDF-1.4", filename="周报.pdf")
    assert doc.document.file_name == "周报.pdf" and doc.document.mime_type == "application/pdf"
    downloaded = await (await bot.get_file(doc.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"%PDF-1.4"
    with pytest.raises(BadRequest, match="^Image_process_failed$"):
        await bot.send_photo(user.id, b"not an image")
    big = bytes(range(256)) * 12_000  # ~3 MB: above aiohttp's default 1 MiB body limit
    big_doc = await bot.send_document(user.id, big, filename="big.bin")
    assert emu.files.by_id[big_doc.document.file_id].data == big
    resent = await bot.send_photo(user.id, sent.photo[-1].file_id)
    assert resent.photo[-1].file_id == sent.photo[-1].file_id
    record = emu.sent(user.id)[0]
    assert record["photo"][-1]["width"] == 100 and record["caption"] == "现场"


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("接单", callback_data="take"),
                InlineKeyboardButton("转派", callback_data="pass"),
            ]
        ]
    )
    await update.message.reply_text("新任务: 秸秆焚烧", reply_markup=keyboard)


async def _on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(
        "已接单" if query.data == "take" else "已转派", show_alert=query.data == "pass"
    )
    await query.edit_message_text(f"任务: {query.data}")


async def test_press_button_and_answer(emu: BotApiEmulator, user: TgUser) -> None:
    app = ptb_app_for(emu)
    app.add_handler(MessageHandler(filters.TEXT, _ask))
    app.add_handler(CallbackQueryHandler(_on_press))
    async with polling(app, poll_timeout=2):
        emu.send_text(user, "有任务吗")
        [task] = await emu.wait_for(chat_id=user.id)
        assert [b["text"] for b in task["reply_markup"]["inline_keyboard"][0]] == ["接单", "转派"]
        update = emu.press_button(user, task, "接单")  # by label works too
        query_id = update["callback_query"]["id"]
        answer = await emu.wait_for_answer(query_id)
        assert answer["text"] == "已接单"
        [edit] = await emu.wait_for(chat_id=user.id)
        assert update["callback_query"]["data"] == "take"
        assert edit["method"] == "editMessageText" and edit["text"] == "任务: take"
        assert emu.answers(query_id) == [
            {"callback_query_id": query_id, "text": "已接单", "show_alert": False}
        ]
        with pytest.raises(ValueError, match="no button"):
            emu.press_button(user, task, "take")  # the edit removed the keyboard
    assert emu.message(user.id, task["message_id"])["text"] == "任务: take"


async def test_answer_twice_or_unknown_is_too_old(emu: BotApiEmulator, bot: Bot, user) -> None:  # type: ignore[no-untyped-def]
    emu.add_chat(user)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="ok")]])
    msg = await bot.send_message(user.id, "确认?", reply_markup=keyboard)
    update = emu.press_button(user, emu.message(user.id, msg.message_id), "ok")
    query_id = update["callback_query"]["id"]
    assert await bot.answer_callback_query(query_id) is True
    with pytest.raises(BadRequest, match="^Query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="^Query is too old"):
        await bot.answer_callback_query("123")
