"""Updates Telegram hands out again (dispatch.replays), end to end: none is taken twice.

Telegram delivers at least once: after the bot was killed before its next getUpdates, or a
webhook answer was lost, it hands an update out again. Each test gives the bot such an
update after the person has moved on, when taking it again would do harm."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.demo import point_in
from storage.models import Case, Event, GridOfficialChat, Person, Report, Subscription
from tests.e2e.harness import ALICE, ZHANG, button_data, file_report
from tests.e2e.test_checkins import JIANGUO, check_in, shift_rows
from tests.e2e.test_checkins import town as checkin_town
from tests.e2e.test_dispatch import DAY_PATROL, LI, card_edit, card_in, cs, events_of, town
from tests.e2e.test_intake import draft_of
from tests.e2e.test_officials import ADMIN, OTHER_GROUP, seed
from tests.e2e.test_officials import town as officials_town

HANDLED = "之前已经收到并处理过了"


async def handled_before(bot, chat_id: int) -> dict:
    """The bot's answer to an update handed out again."""
    return await bot.reply(chat_id, predicate=lambda m: HANDLED in (m.get("text") or ""))


async def count(bot, model, *where) -> int:
    async with bot.db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def two_taken_cases(bot):
    """Two cases in 白马第一网格 (张's smoke, 李's dust), both taken by 张建国."""
    point = await point_in(bot.db, "wx-by-bm-01")
    await file_report(bot, ZHANG, point, "田边有人焚烧秸秆", "burning")
    card_a = await card_in(bot, "wx-by-bm-01")
    await file_report(bot, LI, point, "工地扬尘很大", "dust")
    card_b = await card_in(bot, "wx-by-bm-01")
    chat = bot.chats["wx-by-bm-01"].id
    for card in (card_a, card_b):
        await bot.press(DAY_PATROL, card, cs(card, "ack"))
    await bot.outbox_idle()
    return point, [bot.emulator.message(chat, c["message_id"]) for c in (card_a, card_b)]


async def asked_twice_for_a_location(bot, user, command: str) -> dict:
    """`command` is sent, then handed out again while its location is awaited: both times
    the answer asks for it with the location button (none says "handled before"). The
    command's update."""
    update = bot.emulator.send_text(user, command)
    first = await bot.reply(user.id)
    tail(bot, update)
    again = await bot.reply(user.id)
    for answer in (first, again):
        assert answer["reply_markup"]["keyboard"][0][0]["request_location"]
        assert HANDLED not in answer["text"] and "handled this message" not in answer["text"]
    return update


async def cases(bot) -> list[Case]:
    async with bot.db.sessions() as session:
        return list((await session.execute(select(Case).order_by(Case.id))).scalars())


async def test_an_arrival_location_stays_with_its_case(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        emu = bot.emulator
        (lat, lon), (card_a, card_b) = await two_taken_cases(bot)
        await bot.press(DAY_PATROL, card_a, cs(card_a, "arr"))
        await bot.reply(DAY_PATROL.id)  # "send your location"
        on_site_a = emu.send_location(DAY_PATROL, lat + 0.001, lon)
        assert "已记录到场" in (await bot.reply(DAY_PATROL.id))["text"]
        bot.clock.advance(timedelta(minutes=10))
        await bot.press(DAY_PATROL, card_b, cs(card_b, "arr"))  # on the way to B
        await bot.reply(DAY_PATROL.id)
        emu.redeliver(on_site_a)
        await handled_before(bot, DAY_PATROL.id)
        a, b = await cases(bot)
        assert (a.state, b.state) == ("on_site", "acked")  # B is not "arrived" with A's point
        assert "arrived" not in await events_of(bot, b.id)
        await bot.outbox_idle()
        assert not [m for m in emu.sent(LI.id) if "到达" in (m.get("text") or "")]
        emu.send_location(DAY_PATROL, lat, lon + 0.001)  # the real arrival at B
        assert "已记录到场" in (await bot.reply(DAY_PATROL.id))["text"]
        assert (await cases(bot))[1].state == "on_site"
        # Handed out once more, with nothing awaited: not a resident's report either.
        emu.redeliver(on_site_a)
        await handled_before(bot, DAY_PATROL.id)
        assert await draft_of(bot, DAY_PATROL.id) is None


async def test_an_after_note_stays_with_its_case(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        emu = bot.emulator
        _, cards = await two_taken_cases(bot)
        note_a = None
        for card in cards:
            await bot.press(DAY_PATROL, card, cs(card, "res"))
            menu = await card_edit(bot, "wx-by-bm-01", "cs:out:")
            await bot.press(DAY_PATROL, menu, next(d for d in button_data(menu)
                                                   if d.endswith(":stopped")))
            await bot.reply(DAY_PATROL.id, predicate=lambda m: "处置后" in m["text"])
            if note_a is None:
                note_a = emu.send_text(DAY_PATROL, "A案现场已清理，当事人已教育")
                assert "已保存" in (await bot.reply(DAY_PATROL.id))["text"]
        emu.redeliver(note_a)  # while B's note is awaited
        await handled_before(bot, DAY_PATROL.id)
        a, b = await cases(bot)
        assert a.outcome_note == "A案现场已清理，当事人已教育" and b.outcome_note is None
        assert "after_note" not in await events_of(bot, b.id)


async def test_an_old_checkout_does_not_end_the_shift_begun_since(db_url: str,
                                                                  tmp_path: Path) -> None:
    async with checkin_town(db_url, tmp_path) as bot:
        await check_in(bot, JIANGUO, "wx-by-bm-01")
        checkout = bot.emulator.send_text(JIANGUO, "/checkout")
        assert "签退" in (await bot.reply(JIANGUO.id))["text"]
        await check_in(bot, JIANGUO, "wx-by-bm-01")
        bot.emulator.redeliver(checkout)
        await handled_before(bot, JIANGUO.id)
        rows = await shift_rows(bot, JIANGUO.id)
        assert [r.kind for r in rows] == ["shift_start", "shift_end", "shift_start"]  # on duty


async def test_an_old_cancel_does_not_drop_the_report_begun_since(db_url: str,
                                                                  tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_photo(ZHANG)
        await bot.reply(ZHANG.id)
        cancel = bot.emulator.send_text(ZHANG, "/cancel")
        assert "已取消" in (await bot.reply(ZHANG.id))["text"]
        await bot.say(ZHANG, "河边有人烧垃圾，烟很大")
        bot.emulator.redeliver(cancel)
        await handled_before(bot, ZHANG.id)
        draft = await draft_of(bot, ZHANG.id)
        assert draft is not None and draft.data["text"] == "河边有人烧垃圾，烟很大"


async def test_an_old_unsubscribe_keeps_what_was_chosen_since(db_url: str,
                                                             tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        for code in ("wx-by-bm-02", "wx-by-bm-01"):
            await bot.say(ZHANG, f"/start s_{code}")
        unsubscribe = bot.emulator.send_text(ZHANG, "/unsubscribe")
        choice = await bot.reply(ZHANG.id)
        await bot.press(ZHANG, choice, button_data(choice)[0])  # one of the two
        assert await count(bot, Subscription, Subscription.chat_id == ZHANG.id) == 1
        bot.emulator.redeliver(unsubscribe)  # now there is only one: it would go unasked
        await handled_before(bot, ZHANG.id)
        assert await count(bot, Subscription, Subscription.chat_id == ZHANG.id) == 1


async def test_a_subscribe_handed_out_again_while_awaited_asks_again(db_url: str,
                                                                      tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        emu = bot.emulator
        subscribe = await asked_twice_for_a_location(bot, ALICE, "/subscribe")
        emu.send_location(ALICE, *await point_in(bot.db, "wx-by-bm-01"))
        assert "白马第一网格" in (await bot.reply(ALICE.id))["text"]
        tail(bot, subscribe)  # answered now: nothing awaited
        assert "received and handled this message before" in (await bot.reply(ALICE.id))["text"]
        assert await count(bot, Subscription, Subscription.chat_id == ALICE.id) == 1


async def test_an_old_unbind_keeps_the_binding_made_since(db_url: str, tmp_path: Path) -> None:
    async with officials_town(db_url, tmp_path) as bot:
        await seed(bot)
        await bot.say(ADMIN, "/bind wx-by-md", chat=OTHER_GROUP)
        unbind = bot.emulator.send_text(ADMIN, "/unbind", chat=OTHER_GROUP)
        await bot.reply(OTHER_GROUP.id)
        await bot.say(ADMIN, "/bind wx-by-md", chat=OTHER_GROUP)
        unbound = await count(bot, Event, Event.kind == "unbound")
        bot.emulator.redeliver(unbind)
        await handled_before(bot, OTHER_GROUP.id)
        assert await count(bot, GridOfficialChat, GridOfficialChat.chat_id == OTHER_GROUP.id) == 1
        assert await count(bot, Event, Event.kind == "unbound") == unbound
        # A refused request handed out again is refused again, and audited once.
        refused = bot.emulator.send_text(ZHANG, "/status")
        await bot.reply(ZHANG.id)
        denied = await count(bot, Event, Event.kind == "access_denied")
        bot.emulator.redeliver(refused)
        await bot.reply(ZHANG.id)
        assert await count(bot, Event, Event.kind == "access_denied") == denied


# Killed before its next getUpdates, the bot is handed the whole unconfirmed tail again, in
# order: every update of it must be recognised, also those of a draft that is gone.
def tail(bot, *updates: dict) -> None:
    for update in updates:
        bot.emulator.redeliver(update)


async def answered_again(emu, press: dict) -> None:
    """Wait until the bot answered a press handed out again (Telegram refuses a second
    answer to a query, but the bot tries: that is when it has taken the press)."""
    query = press["callback_query"]["id"]

    def answers() -> int:
        return sum(1 for method, params in emu.calls if method == "answerCallbackQuery"
                   and str(params.get("callback_query_id")) == query)

    for _ in range(250):  # up to five seconds
        if answers() == 2:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"the press handed out again was never answered: {press}")


async def test_a_tail_across_cancel_and_submit_begins_nothing(db_url: str,
                                                              tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        emu = bot.emulator
        photo = emu.send_photo(ZHANG)
        await bot.reply(ZHANG.id)
        cancel = emu.send_text(ZHANG, "/cancel")
        await bot.reply(ZHANG.id)
        text = emu.send_text(ZHANG, "河边有人烧垃圾，烟很大")
        await bot.reply(ZHANG.id)
        tail(bot, photo, cancel, text)
        first, second, third = await bot.replies(ZHANG.id, 3)
        assert HANDLED in first["text"] and HANDLED in second["text"]
        assert HANDLED not in third["text"]  # the draft's own text: asked the next question
        draft = await draft_of(bot, ZHANG.id)
        assert draft.data["text"] == "河边有人烧垃圾，烟很大" and draft.data["photos"] == []

        location = emu.send_location(ZHANG, *await point_in(bot.db, "wx-by-bm-01"))
        confirm = await bot.reply(ZHANG.id)
        press = await bot.press(ZHANG, confirm, next(d for d in button_data(confirm)
                                                     if "burning" in d))
        summary = await bot.question(ZHANG.id)
        submit = emu.press_button(ZHANG, summary, next(d for d in button_data(summary)
                                                        if d.endswith(":submit")))
        await emu.wait_for_answer(submit["callback_query"]["id"])
        await bot.edits(ZHANG.id, predicate=lambda m: "编号" in m.get("text", ""))
        tail(bot, text, location, press, submit)
        for answer in await bot.replies(ZHANG.id, 2):  # the two messages; presses are stale
            assert HANDLED in answer["text"]
        await answered_again(emu, submit)  # the last of the tail
        assert await draft_of(bot, ZHANG.id) is None  # no new report begun
        assert await count(bot, Report) == 1


async def test_a_tail_of_bind_and_unbind_leaves_the_group_unbound(db_url: str,
                                                                 tmp_path: Path) -> None:
    async with officials_town(db_url, tmp_path) as bot:
        await seed(bot)
        bind = bot.emulator.send_text(ADMIN, "/bind wx-by-md", chat=OTHER_GROUP)
        await bot.reply(OTHER_GROUP.id)
        unbind = bot.emulator.send_text(ADMIN, "/unbind", chat=OTHER_GROUP)
        await bot.reply(OTHER_GROUP.id)
        tail(bot, bind, unbind)
        for answer in await bot.replies(OTHER_GROUP.id, 2):
            assert HANDLED in answer["text"]
        assert await count(bot, GridOfficialChat, GridOfficialChat.chat_id == OTHER_GROUP.id) == 0


async def test_a_checkin_handed_out_again_while_awaited_asks_again(db_url: str,
                                                                    tmp_path: Path) -> None:
    """The first answer to /checkin may never have gone out: handed out again while its
    location is awaited, /checkin shows the location button again, and the shift starts
    once."""
    async with checkin_town(db_url, tmp_path) as bot:
        emu = bot.emulator
        checkin = await asked_twice_for_a_location(bot, JIANGUO, "/checkin")
        emu.send_location(JIANGUO, *await point_in(bot.db, "wx-by-bm-01"))
        assert "已签到上岗" in (await bot.reply(JIANGUO.id))["text"]
        tail(bot, checkin)  # the shift runs now: nothing awaited, nothing asked
        assert HANDLED in (await bot.reply(JIANGUO.id))["text"]
        assert [r.kind for r in await shift_rows(bot, JIANGUO.id)] == ["shift_start"]


async def test_a_tail_of_a_shift_leaves_nothing_awaited(db_url: str, tmp_path: Path) -> None:
    async with checkin_town(db_url, tmp_path) as bot:
        emu = bot.emulator
        checkin = emu.send_text(JIANGUO, "/checkin")
        await bot.reply(JIANGUO.id)
        location = emu.send_location(JIANGUO, *await point_in(bot.db, "wx-by-bm-01"))
        assert "已签到上岗" in (await bot.reply(JIANGUO.id))["text"]
        checkout = emu.send_text(JIANGUO, "/checkout")
        await bot.reply(JIANGUO.id)
        tail(bot, checkin, location, checkout)
        for answer in await bot.replies(JIANGUO.id, 3):
            assert HANDLED in answer["text"]
        rows = await shift_rows(bot, JIANGUO.id)
        assert [r.kind for r in rows] == ["shift_start", "shift_end"]
        async with bot.db.sessions() as session:
            person = await session.scalar(select(Person).where(Person.telegram_id == JIANGUO.id))
        assert person.pending is None  # the next location is not taken as a check-in


async def test_a_tail_of_unsaved_answers_begins_nothing(db_url: str, tmp_path: Path) -> None:
    # Answers that changed nothing in the draft (the same photo again, "/report" offering
    # to continue) are recorded too: after /cancel, their tail must not begin a report.
    from bot.emulator.files import make_png

    async with town(db_url, tmp_path) as bot:
        emu = bot.emulator
        picture = make_png(64, 64, (1, 2, 3))
        photo = emu.send_photo(ZHANG, data=picture)
        await bot.reply(ZHANG.id)
        same = emu.send_photo(ZHANG, data=picture)
        assert "已经收到过" in (await bot.reply(ZHANG.id))["text"]
        report = emu.send_text(ZHANG, "/report")
        assert "未提交" in (await bot.reply(ZHANG.id))["text"]  # continue or begin again?
        cancel = emu.send_text(ZHANG, "/cancel")
        await bot.reply(ZHANG.id)
        tail(bot, photo, same, report, cancel)
        for answer in await bot.replies(ZHANG.id, 4):
            assert HANDLED in answer["text"]
        assert await draft_of(bot, ZHANG.id) is None


async def test_a_tail_of_arrival_press_and_shift_awaits_nothing(db_url: str,
                                                               tmp_path: Path) -> None:
    # 到场 keeps the case's version (pressed again, it asks again): it is recorded instead,
    # or its replay after the member moved on would wait for an arrival location again.
    async with town(db_url, tmp_path) as bot:
        emu = bot.emulator
        (lat, lon), (card_a, _) = await two_taken_cases(bot)
        arrival = emu.press_button(DAY_PATROL, card_a, cs(card_a, "arr"))
        await bot.reply(DAY_PATROL.id)
        checkin = emu.send_text(DAY_PATROL, "/checkin")
        await bot.reply(DAY_PATROL.id)
        location = emu.send_location(DAY_PATROL, lat, lon)
        assert "已签到上岗" in (await bot.reply(DAY_PATROL.id))["text"]
        tail(bot, arrival, checkin, location)
        for answer in await bot.replies(DAY_PATROL.id, 2):
            assert HANDLED in answer["text"]
        # The press came from the patrol chat, taken alongside the private chat.
        await answered_again(emu, arrival)
        async with bot.db.sessions() as session:
            person = await session.scalar(select(Person).where(
                Person.telegram_id == DAY_PATROL.id))
        assert person.pending is None
