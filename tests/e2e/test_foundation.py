"""The bot answers the basics end to end, in-process, in zh and en, on both databases."""

from __future__ import annotations

from pathlib import Path

from bot.emulator import TgChat, TgUser
from tests.e2e.harness import ALICE, ZHANG, button_data, running_bot


async def test_start_and_help_in_chinese_and_english(db_url: str, tmp_path: Path) -> None:
    async with running_bot(db_url, tmp_path) as bot:
        [welcome] = await bot.say(ZHANG, "/start")
        assert "蓝天" in welcome["text"] and "匿名" in welcome["text"]
        assert welcome["text"].startswith("您好，张三！")  # 张 + 三: a Chinese name, whole
        [welcome_en] = await bot.say(ALICE, "/start")
        assert welcome_en["text"].startswith("Hello Alice!")
        # A name that shows nothing (a Hangul filler) is greeted without one.
        [blank] = await bot.say(TgUser(1009, "\u3164"), "/start")
        assert blank["text"].startswith("您好！这里是「蓝天」")
        [help_zh] = await bot.say(ZHANG, "/help")
        assert "/report" in help_zh["text"] and "/my" in help_zh["text"]
        [help_en] = await bot.say(ALICE, "/help")
        assert "What Lantian can do" in help_en["text"]


async def test_private_help_has_two_screens(db_url: str, tmp_path: Path) -> None:
    async with running_bot(db_url, tmp_path) as bot:
        for user, first, second, rule in (
                (ZHANG, "「蓝天」能做什么", "举报是怎么处理的", "工作日 30 分钟内到场"),
                (ALICE, "What Lantian can do", "How a report is handled",
                 "within 30 minutes on workdays, 60 minutes at night")):
            [screen] = await bot.say(user, "/help")
            assert screen["text"].startswith(first)
            await bot.press(user, screen, button_data(screen)[0])
            [turned] = await bot.edits(user.id)
            assert turned["message_id"] == screen["message_id"]
            assert turned["text"].startswith(second) and rule in turned["text"]
            await bot.press(user, turned, button_data(turned)[0])  # back to the first
            [back] = await bot.edits(user.id)
            assert back["text"].startswith(first)
            press = await bot.press(user, back, "help:9", forged=True)
            assert bot.answers(press)[0]["show_alert"]


async def test_help_in_a_group_points_to_private_chat(db_url: str, tmp_path: Path) -> None:
    group = TgChat(-100500, "supergroup", "白马社区巡查群")
    async with running_bot(db_url, tmp_path) as bot:
        [answer] = await bot.say(ZHANG, "/help@lantian_bot", chat=group)
        assert "/status" in answer["text"] and "@lantian_bot" in answer["text"]


async def test_command_menus_are_set_per_scope_and_language(db_url: str, tmp_path: Path) -> None:
    async with running_bot(db_url, tmp_path) as bot:
        calls = [params for method, params in bot.emulator.calls if method == "setMyCommands"]
    scopes = {(str(p.get("scope")), p.get("language_code")) for p in calls}
    assert len(scopes) == 6  # private, groups, group admins × zh (default) and en
    private_zh = next(p for p in calls if "all_private_chats" in str(p.get("scope"))
                      and not p.get("language_code"))
    assert "report" in str(private_zh["commands"]) and "举报" in str(private_zh["commands"])
    admins = next(p for p in calls if "all_chat_administrators" in str(p.get("scope")))
    assert "bind" in str(admins["commands"])


async def test_unknown_input_gets_a_polite_pointer(db_url: str, tmp_path: Path) -> None:
    async with running_bot(db_url, tmp_path) as bot:
        [answer] = await bot.say(ZHANG, "你好")
        assert "/help" in answer["text"]
        [answer] = await bot.say(ALICE, "/frobnicate")
        assert "no such command" in answer["text"]


async def test_language_switch_is_remembered(db_url: str, tmp_path: Path) -> None:
    async with running_bot(db_url, tmp_path) as bot:
        [menu] = await bot.say(ZHANG, "/lang")
        press = await bot.press(ZHANG, menu, "lang:en")
        [edited] = await bot.edits(ZHANG.id)
        assert edited["text"] == "Language set to English."
        assert bot.answers(press)
        [help_en] = await bot.say(ZHANG, "/help")
        assert "What Lantian can do" in help_en["text"]


async def test_lang_with_a_language_named_switches_at_once(db_url: str,
                                                          tmp_path: Path) -> None:
    async with running_bot(db_url, tmp_path) as bot:
        [done] = await bot.say(ZHANG, "/lang English")
        assert done["text"] == "Language set to English." and not done.get("reply_markup")
        [help_en] = await bot.say(ZHANG, "/help")
        assert "What Lantian can do" in help_en["text"]
        [back] = await bot.say(ZHANG, "/lang 中文")
        assert back["text"] == "已切换为中文。"
        [menu] = await bot.say(ZHANG, "/lang klingon")  # not a language we speak: the buttons
        assert "Choose your language" in menu["text"] and menu.get("reply_markup")


async def test_being_added_to_a_group_tells_its_id_and_start_there_explains(
        db_url: str, tmp_path: Path) -> None:
    group = TgChat(-100600, "supergroup", "新建巡查群")
    async with running_bot(db_url, tmp_path) as bot:
        bot.emulator.add_chat(group)
        bot.emulator._inject("my_chat_member", {
            "chat": {"id": group.id, "type": "supergroup", "title": group.title},
            "from": ZHANG.to_dict(), "date": 0,
            "old_chat_member": {"status": "left", "user": {"id": 123456, "is_bot": True,
                                                           "first_name": "Lantian"}},
            "new_chat_member": {"status": "member", "user": {"id": 123456, "is_bot": True,
                                                             "first_name": "Lantian"}}})
        [hello] = await bot.replies(group.id)
        assert "-100600" in hello["text"] and "patrol_chat_id" in hello["text"]
        [answer] = await bot.say(ZHANG, "/start", chat=group)
        assert "/status" in answer["text"]


async def test_edited_messages_run_no_command(db_url: str, tmp_path: Path) -> None:
    group = TgChat(-100601, "supergroup", "群")
    async with running_bot(db_url, tmp_path) as bot:
        sent = bot.emulator.send_text(ZHANG, "/help@lantian_bot", chat=group)
        await bot.replies(group.id)
        bot.emulator.edit_text(ZHANG, sent["message"], "/help")
        private = bot.emulator.send_text(ZHANG, "hi")
        await bot.replies(ZHANG.id)
        bot.emulator.edit_text(ZHANG, private["message"], "/help")
        [note] = await bot.replies(ZHANG.id)
        assert "修改过的消息" in note["text"]
        await __import__("asyncio").sleep(0.3)
        assert len(bot.emulator.sent(group.id)) == 1
