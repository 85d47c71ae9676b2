"""End to end: a PTB Application polling the emulator."""

from __future__ import annotations

import asyncio
import gc
import warnings

from telegram import Update
from telegram.ext import CommandHandler, ContextTypes, MessageHandler, filters

from bot.emulator import BotApiEmulator, TgChat, TgUser
from bot.emulator.testing import polling, ptb_app_for


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(f"echo: {update.message.text}")


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.effective_user is not None
    await update.message.reply_text(f"欢迎 {update.effective_user.first_name} {context.args}")


async def test_echo_and_commands_through_polling(emu: BotApiEmulator, user: TgUser) -> None:
    app = ptb_app_for(emu)
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    async with polling(app, poll_timeout=2):
        emu.send_text(user, "/start abc")
        emu.send_text(user, "你好")
        first, second = await emu.wait_for(chat_id=user.id, count=2)
    assert first["text"] == "欢迎 张三 ['abc']"
    assert second["text"] == "echo: 你好"
    assert first["method"] == "sendMessage"
    assert first["from"]["is_bot"] is True
    names = [name for name, _ in emu.calls]
    assert names[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert names[-1] == "getUpdates"  # PTB confirms the last offset on stop
    assert emu.updates == []  # every update was confirmed


async def test_command_with_bot_username_in_group(
    emu: BotApiEmulator, user: TgUser, group: TgChat
) -> None:
    app = ptb_app_for(emu)
    app.add_handler(CommandHandler("start", _start))
    async with polling(app, poll_timeout=2):
        update = emu.send_text(user, "/start@lantian_bot", chat=group)
        [reply] = await emu.wait_for(chat_id=group.id)
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 18}]
    assert reply["chat"] == {"id": group.id, "type": "supergroup", "title": "网格巡查群"}
    # PTB quotes the command in groups: Telegram attaches the replied-to message.
    assert reply["reply_to_message"]["message_id"] == update["message"]["message_id"]


async def test_wait_for_hands_out_each_message_once(emu: BotApiEmulator) -> None:
    a, b = TgUser(1, "甲"), TgUser(2, "乙")
    app = ptb_app_for(emu)
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    async with polling(app, poll_timeout=2):
        emu.send_text(a, "1")
        emu.send_text(b, "2")
        emu.send_text(a, "3")
        [to_b] = await emu.wait_for(chat_id=b.id)
        to_a = await emu.wait_for(chat_id=a.id, count=2)
        assert to_b["text"] == "echo: 2"
        assert [m["text"] for m in to_a] == ["echo: 1", "echo: 3"]
        emu.send_text(b, "4")
        [match] = await emu.wait_for(lambda m: m["text"].endswith("4"), timeout=2)
        assert match["chat"]["id"] == b.id
    try:
        await emu.wait_for(timeout=0.05)
    except TimeoutError as exc:
        assert "Recent transcript" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected TimeoutError")


async def test_restart_polling_does_not_redeliver(emu: BotApiEmulator, user: TgUser) -> None:
    for _round in range(2):
        app = ptb_app_for(emu)
        app.add_handler(MessageHandler(filters.TEXT, _echo))
        async with polling(app, poll_timeout=2):
            emu.send_text(user, f"round {_round}")
            await emu.wait_for(chat_id=user.id)
    assert [m["text"] for m in emu.sent(user.id)] == ["echo: round 0", "echo: round 1"]


async def test_shutdown_leaves_no_tasks_or_warnings(user: TgUser) -> None:
    before = set(asyncio.all_tasks())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with BotApiEmulator() as emu:
            app = ptb_app_for(emu)
            app.add_handler(MessageHandler(filters.TEXT, _echo))
            async with polling(app, poll_timeout=10):  # a long poll is pending at stop
                emu.send_text(user, "hi")
                await emu.wait_for()
                await asyncio.sleep(0.05)
        gc.collect()
    await asyncio.sleep(0)
    leftover = [t for t in asyncio.all_tasks() - before if not t.done()]
    assert leftover == []
    assert [str(w.message) for w in caught] == []


async def test_long_poll_returns_when_update_arrives(emu: BotApiEmulator, bot, user) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    emu.send_text(user, "wake up")
    updates = await poll
    assert loop.time() - started < 2
    assert [u.message.text for u in updates] == ["wake up"]
    # Not confirmed yet: returned again; confirmed by offset: gone.
    again = await bot.get_updates(timeout=0)
    assert len(again) == 1
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()


async def test_redelivered_update_is_handed_out_again_in_order(emu: BotApiEmulator, bot,
                                                              user) -> None:  # type: ignore[no-untyped-def]
    first = emu.send_text(user, "first")
    emu.send_text(user, "second")
    got = await bot.get_updates(timeout=0)
    assert await bot.get_updates(offset=got[-1].update_id + 1, timeout=0) == ()
    emu.redeliver(first)  # its confirmation "never arrived"
    emu.redeliver(first)  # still queued: not handed out twice
    third = emu.send_text(user, "third")
    # The poller's offset is past it already: it is handed out all the same, once.
    again = await bot.get_updates(offset=got[-1].update_id + 1, timeout=0)
    assert [(u.update_id, u.message.text) for u in again] == [
        (first["update_id"], "first"), (third["update_id"], "third")]
    assert await bot.get_updates(offset=again[-1].update_id + 1, timeout=0) == ()


async def test_get_updates_limit_and_allowed_updates(emu: BotApiEmulator, bot, user) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        emu.send_text(user, str(i))
    first = await bot.get_updates(limit=2, timeout=0)
    assert [u.message.text for u in first] == ["0", "1"]
    only_callbacks = await bot.get_updates(
        offset=first[-1].update_id + 1, timeout=0, allowed_updates=["callback_query"]
    )
    assert only_callbacks == ()
    rest = await bot.get_updates(timeout=0, allowed_updates=[])
    assert [u.message.text for u in rest] == ["2", "3", "4"]
    emu.send_text(user, "5")
    assert len(await bot.get_updates(offset=-1, timeout=0)) == 1


async def test_concurrent_sends_get_unique_ids(emu: BotApiEmulator, bot) -> None:  # type: ignore[no-untyped-def]
    people = [TgUser(2000 + i, f"人{i}") for i in range(10)]
    for person in people:
        emu.add_chat(person)
    results = await asyncio.gather(
        *(bot.send_message(p.id, f"m{n}") for p in people for n in range(10))
    )
    for person in people:
        ids = [m.message_id for m in results if m.chat.id == person.id]
        assert sorted(ids) == list(range(1, 11))
    assert len(emu.sent()) == 100
    assert emu.stats["sent"]["sendMessage"] == 100
