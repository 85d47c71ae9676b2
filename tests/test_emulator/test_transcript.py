"""The readable transcript used by the demo."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.emulator import BotApiEmulator, TgChat, TgUser


async def test_transcript_lines(emu: BotApiEmulator, bot: Bot) -> None:
    user = TgUser(1001, "张三")
    group = TgChat(-1002, "group", "网格群")
    emu.send_text(user, "/start")
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("接单", callback_data="t"),
                InlineKeyboardButton("转派", callback_data="p"),
            ]
        ]
    )
    msg = await bot.send_message(user.id, "欢迎…\n第二行", reply_markup=keyboard)
    emu.send_photo(user, caption="起火点")
    emu.send_location(user, 31.4012, 109.6123)
    emu.send_venue(user, 31.4, 109.6, "大昌镇", "巫山县")
    update = emu.press_button(user, emu.message(user.id, msg.message_id), "t")
    await bot.answer_callback_query(update["callback_query"]["id"], "已接单", show_alert=True)
    await bot.edit_message_text("已接单", user.id, msg.message_id)
    await bot.send_location(user.id, 31.4, 109.61)
    emu.send_text(user, "大家好", chat=group)
    emu.send_sticker(user)
    emu.send_document(user, b"x", "a.pdf", "application/pdf")
    assert emu.transcript_lines() == [
        "👤 张三 (private 1001): /start",
        "🤖 → 1001: 欢迎… ⏎ 第二行 [接单] [转派]",
        "👤 张三 (private 1001): 🖼 photo (起火点)",
        "👤 张三 (private 1001): 📍 31.40,109.61",
        "👤 张三 (private 1001): 📍 大昌镇, 巫山县",
        "👆 张三 pressed 接单",
        "   ⚠️ alert: 已接单",
        f"✏️ 1001#{msg.message_id}: 已接单",
        "🤖 → 1001: 📍 31.40,109.61",
        "👤 张三 (group -1002 网格群): 大家好",
        "👤 张三 (private 1001): 🏷 sticker 👍",
        "👤 张三 (private 1001): 📄 a.pdf",
    ]
