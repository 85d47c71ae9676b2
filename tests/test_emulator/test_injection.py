"""Every kind of injected update parses cleanly in python-telegram-bot."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram import Bot, MessageEntity
from telegram.warnings import PTBDeprecationWarning

from bot.emulator import BotApiEmulator, TgChat, TgUser


@pytest.fixture(autouse=True)
def _strict_warnings():  # type: ignore[no-untyped-def]
    """PTB warns (not fails) on unexpected data: treat that as a failure here."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=PTBDeprecationWarning)
        yield


async def test_all_message_kinds_parse(
    emu: BotApiEmulator, bot: Bot, user: TgUser, group: TgChat
) -> None:
    other = TgUser(1002, "李四", "Li", username="lisi", language_code="en")
    first = emu.send_text(user, "/report@lantian_bot 烟 很大")
    emu.send_text(other, "转发", forward_from=user)
    emu.send_text(user, "回复", reply_to=first["message"])
    emu.send_photo(user, caption="/photo 起火", media_group_id="g1")
    emu.send_document(user, b"x", "a.xlsx", "application/vnd.ms-excel")
    emu.send_location(user, 31.4, 109.6, live_period=900)
    emu.send_venue(user, 31.4, 109.6, "大昌镇", "巫山县")
    emu.send_sticker(user)
    emu.send_voice(user)
    emu.send_video(user, caption="视频")
    emu.send_contact(user, "+8613800000000", "张三", contact_user_id=user.id)
    emu.send_poll(user, "去吗?", ["去", "不去"])
    emu.send_text(other, "群消息", chat=group)
    emu.edit_text(user, first["message"], "/report 改了")
    updates = await bot.get_updates(timeout=0)
    assert len(updates) == 14
    msgs = [u.effective_message for u in updates]
    assert msgs[0].entities == (MessageEntity("bot_command", 0, 19),)
    assert msgs[0].text.split()[0] == "/report@lantian_bot"
    assert msgs[1].forward_origin.sender_user.id == user.id
    assert msgs[2].reply_to_message.message_id == msgs[0].message_id
    assert msgs[3].photo[-1].width == 1280 and msgs[3].media_group_id == "g1"
    assert msgs[3].caption_entities[0].type == "bot_command"
    assert msgs[4].document.file_name == "a.xlsx"
    assert msgs[5].location.live_period in (900, dt.timedelta(seconds=900))
    assert msgs[6].venue.title == "大昌镇" and msgs[6].location is not None
    assert msgs[7].sticker.emoji == "👍"
    assert msgs[8].voice.duration in (3, dt.timedelta(seconds=3))
    assert msgs[9].video.width == 1280
    assert msgs[10].contact.user_id == user.id
    assert [o.text for o in msgs[11].poll.options] == ["去", "不去"]
    assert msgs[12].chat.type == "supergroup" and msgs[12].from_user.username == "lisi"
    assert updates[13].edited_message.text == "/report 改了"
    assert updates[13].edited_message.edit_date is not None
    ids = [m.message_id for m in msgs[:12] if m.chat.id == user.id]
    assert len(set(ids)) == len(ids)


async def test_private_chat_has_user_names(emu: BotApiEmulator, bot: Bot) -> None:
    user = TgUser(7, "王", "五", username="wangwu")
    emu.send_text(user, "hi")
    [update] = await bot.get_updates(timeout=0)
    chat = update.message.chat
    assert (chat.id, chat.type, chat.first_name, chat.last_name, chat.username) == (
        7,
        "private",
        "王",
        "五",
        "wangwu",
    )
    assert update.message.from_user.language_code == "zh-hans"
