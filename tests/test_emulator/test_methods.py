"""Direct Bot calls for each implemented method."""

from __future__ import annotations

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    ChatMemberAdministrator,
    ChatMemberLeft,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram.constants import ParseMode

from bot.emulator import BotApiEmulator, TgChat, TgUser


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot, me.can_join_groups) == (
        123456,
        "lantian_bot",
        True,
        True,
    )


async def test_send_message_with_markup_reply_and_html(
    emu: BotApiEmulator, bot: Bot, user: TgUser
) -> None:
    update = emu.send_text(user, "报告")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("接单", callback_data="take:1")]])
    sent = await bot.send_message(
        user.id,
        "<b>新任务</b> 请 &lt;尽快&gt; 处理",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
        reply_to_message_id=update["message"]["message_id"],
    )
    assert sent.text == "新任务 请 <尽快> 处理"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 3
    assert sent.reply_markup == keyboard
    assert sent.reply_to_message is not None and sent.reply_to_message.text == "报告"
    [record] = emu.sent(user.id)
    assert record["params"]["parse_mode"] == "HTML"
    assert emu.message(user.id, sent.message_id)["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "接单",
        "callback_data": "take:1",
    }


async def test_reply_keyboard_is_recorded_as_sent(emu: BotApiEmulator, bot: Bot, user) -> None:  # type: ignore[no-untyped-def]
    emu.add_chat(user)
    markup = ReplyKeyboardMarkup([[KeyboardButton("📍 发送位置", request_location=True)]])
    sent = await bot.send_message(user.id, "请发送位置", reply_markup=markup)
    assert sent.reply_markup is None  # Telegram returns only inline keyboards
    assert emu.sent(user.id)[0]["reply_markup"]["keyboard"][0][0]["request_location"] is True


async def test_send_location_venue_contact_poll_action(
    emu: BotApiEmulator, bot: Bot, group: TgChat
) -> None:
    emu.add_chat(group)
    loc = await bot.send_location(group.id, 31.4, 109.61)
    assert (loc.location.latitude, loc.location.longitude) == (31.4, 109.61)
    venue = await bot.send_venue(group.id, 31.4, 109.6, "镇政府", "巫山县")
    assert venue.venue.title == "镇政府" and venue.location is not None
    contact = await bot.send_contact(group.id, "+8613800000000", "李四")
    assert contact.contact.first_name == "李四"
    poll = await bot.send_poll(group.id, "今天巡查?", ["是", "否"])
    assert [o.text for o in poll.poll.options] == ["是", "否"]
    assert await bot.send_chat_action(group.id, "typing") is True
    assert [m["method"] for m in emu.sent(group.id)] == [
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
    ]


async def test_edit_methods(emu: BotApiEmulator, bot: Bot, user: TgUser) -> None:
    emu.add_chat(user)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("接单", callback_data="a")]])
    msg = await bot.send_message(user.id, "任务", reply_markup=markup)
    edited = await bot.edit_message_text("任务(已接)", user.id, msg.message_id)
    assert edited.text == "任务(已接)" and edited.reply_markup is None
    assert edited.edit_date is not None
    again = await bot.edit_message_reply_markup(user.id, msg.message_id, reply_markup=markup)
    assert again.reply_markup == markup
    assert emu.message(user.id, msg.message_id)["text"] == "任务(已接)"
    live = await bot.send_location(user.id, 31.0, 109.0, live_period=600)
    moved = await bot.edit_message_live_location(
        user.id, live.message_id, latitude=31.1, longitude=109.1
    )
    assert moved.location.latitude == 31.1
    assert await bot.delete_message(user.id, msg.message_id) is True
    methods = [m["method"] for m in emu.sent(user.id)]
    assert methods == [
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "sendLocation",
        "editMessageLiveLocation",
    ]


async def test_edit_caption_and_media(emu: BotApiEmulator, bot: Bot, user: TgUser) -> None:
    emu.add_chat(user)
    photo = emu.send_photo(user)["message"]["photo"][-1]["file_id"]
    sent = await bot.send_photo(user.id, photo, caption="旧")
    edited = await bot.edit_message_caption(user.id, sent.message_id, caption="新")
    assert edited.caption == "新" and edited.photo[-1].file_id == photo


async def test_commands_per_scope_and_language(emu: BotApiEmulator, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("report", "上报")])
    await bot.set_my_commands(
        [BotCommand("stats", "统计")], scope=BotCommandScopeAllGroupChats(), language_code="zh"
    )
    assert [c["command"] for c in emu.commands[("default", "")]] == ["start", "report"]
    assert emu.commands[("all_group_chats", "zh")] == [{"command": "stats", "description": "统计"}]
    got = await bot.get_my_commands()
    assert [c.command for c in got] == ["start", "report"]
    assert await bot.delete_my_commands() is True
    assert await bot.get_my_commands() == ()


async def test_chat_members(emu: BotApiEmulator, bot: Bot, group: TgChat) -> None:
    boss, worker, stranger = TgUser(1, "站长"), TgUser(2, "网格员"), TgUser(3, "路人")
    emu.add_group_member(group, boss, "creator")
    emu.add_group_member(group, worker, "administrator")
    assert isinstance(await bot.get_chat_member(group.id, boss.id), ChatMemberOwner)
    admin = await bot.get_chat_member(group.id, worker.id)
    assert isinstance(admin, ChatMemberAdministrator) and admin.user.first_name == "网格员"
    assert isinstance(await bot.get_chat_member(group.id, stranger.id), ChatMemberLeft)
    admins = await bot.get_chat_administrators(group.id)
    assert {a.user.id for a in admins} == {1, 2}
    assert await bot.get_chat_member_count(group.id) == 3
    chat = await bot.get_chat(group.id)
    assert chat.title == "网格巡查群"


async def test_startup_and_shutdown_methods_are_harmless(bot: Bot) -> None:
    assert await bot.set_my_description("巡查机器人") is True
    assert (await bot.get_my_description()).description == "巡查机器人"
    assert await bot.set_my_short_description("蓝天") is True
    assert (await bot.get_my_name()).name == "蓝天"
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0
    assert await bot.close() is True
    assert await bot.log_out() is True


async def test_media_group(emu: BotApiEmulator, bot: Bot, user: TgUser) -> None:
    from telegram import InputMediaDocument, InputMediaPhoto

    from bot.emulator.files import make_png

    emu.add_chat(user)
    media = [
        InputMediaPhoto(make_png(40, 30), caption="现场1"),
        InputMediaPhoto(make_png(30, 40)),
        InputMediaDocument(b"a,b\n1,2\n", filename="report.csv"),
    ]
    messages = await bot.send_media_group(user.id, media)
    assert len(messages) == 3
    assert len({m.media_group_id for m in messages}) == 1
    assert messages[0].caption == "现场1"
    assert messages[0].photo[-1].width == 40 and messages[1].photo[-1].height == 40
    assert messages[2].document.file_name == "report.csv"
    assert [u["field"] for u in emu.uploaded_files][:1] != []
    assert len(emu.uploaded_files) == 3
