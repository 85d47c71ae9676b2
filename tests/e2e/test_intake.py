"""Resident tip-offs end to end: any order, anonymous by default, nothing lost."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.demo import point_in
from bot.emulator import TgUser
from storage.models import Case, Draft, Report, ReportPhoto
from tests.e2e.harness import (
    ALICE,
    GRIDS,
    ROSTER,
    ZHANG,
    button_data,
    buttons,
    running_bot,
    submit_summary,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
LI = TgUser(1003, "李", "四")
WANG = TgUser(1004, "王", "五")
START = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


def intake_has_text(draft) -> bool:
    return draft is not None and bool(draft.data.get("text"))


def town(db_url: str, tmp: Path):
    return running_bot(db_url, tmp, start=START, grids=GRIDS, roster=ROSTER)


async def reports_of(bot, user_id: int) -> list[tuple[Report, Case]]:
    async with bot.db.sessions() as session:
        rows = await session.execute(select(Report, Case).join(Case, Report.case_id == Case.id)
                                     .where(Report.reporter_user_id == user_id))
        return list(rows.all())


async def draft_of(bot, user_id: int) -> Draft | None:
    async with bot.db.sessions() as session:
        return await session.scalar(select(Draft).where(Draft.user_id == user_id))


async def submit(bot, user, summary: dict) -> dict:
    assert "提交" in "".join(buttons(summary)) or "Submit" in "".join(buttons(summary))
    return await submit_summary(bot, user, summary)


def asks_location(message: dict) -> bool:
    keyboard = (message.get("reply_markup") or {}).get("keyboard") or [[{}]]
    return keyboard[0][0].get("request_location") is True


async def test_photo_first_then_location_then_category(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_photo(ZHANG)
        ask = await bot.reply(ZHANG.id)
        assert "照片已收到（1/5）" in ask["text"] and "请发送位置" in ask["text"]
        assert asks_location(ask)
        latitude, longitude = await point_in(bot.db, "wx-by-bm-01")
        bot.emulator.send_location(ZHANG, latitude, longitude)
        question = await bot.reply(ZHANG.id)  # one message: the place, then the next question
        assert "位置已收到：白马第一网格" in question["text"]
        assert "请选择问题类型" in question["text"]
        await bot.press(ZHANG, question, next(d for d in button_data(question) if "fireworks" in d))
        summary = await bot.question(ZHANG.id)
        assert summary["message_id"] == question["message_id"]  # the question became the summary
        assert "烟花爆竹" in summary["text"] and "照片：1 张" in summary["text"]
        receipt = await submit(bot, ZHANG, summary)
        assert receipt["message_id"] == question["message_id"]
        assert "编号 20261123-0001" in receipt["text"] and "烟花爆竹" in receipt["text"]
        assert not (receipt.get("reply_markup") or {}).get("inline_keyboard")
        [(report, case)] = await reports_of(bot, ZHANG.id)
        assert case.state == "dispatched" and case.category == "fireworks"
        assert report.location_source == "gps" and not report.allow_contact
        assert report.reporter_name is None and report.anonymous_id.startswith("R")
        async with bot.db.sessions() as session:
            [photo] = (await session.execute(select(ReportPhoto))).scalars().all()
        stored = Path(photo.path).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == photo.sha256
        assert photo.latitude is None or abs(photo.latitude - latitude) < 1e-9
        assert await draft_of(bot, ZHANG.id) is None


async def test_location_first_then_text_guess(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        latitude, longitude = await point_in(bot.db, "wx-by-xh-02")
        bot.emulator.send_location(ZHANG, latitude, longitude)
        question = await bot.reply(ZHANG.id)
        assert "新华" in question["text"] and "请选择问题类型" in question["text"]
        bot.emulator.send_text(ZHANG, "田里有人在烧秸秆，烟很大")
        confirm = await bot.reply(ZHANG.id)
        assert "焚烧" in confirm["text"] and "对吗" in confirm["text"]
        await bot.press(ZHANG, confirm, next(d for d in button_data(confirm) if "burning" in d))
        summary = await bot.question(ZHANG.id)
        assert "烧秸秆" in summary["text"]
        await submit(bot, ZHANG, summary)
        [(report, case)] = await reports_of(bot, ZHANG.id)
        assert case.category == "burning" and report.text == "田里有人在烧秸秆，烟很大"


async def test_text_first_is_noted_and_the_place_asked(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        [ask] = await bot.say(ZHANG, "有人在烧垃圾，烟很大")
        assert "描述已记下" in ask["text"] and asks_location(ask)
        bot.emulator.send_location(ZHANG, *await point_in(bot.db, "wx-by-bm-02"))
        confirm = await bot.reply(ZHANG.id)
        assert "白马" in confirm["text"] and "焚烧" in confirm["text"] and "对吗" in confirm["text"]


async def test_place_named_in_text_is_confirmed(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_text(ZHANG, "刚才路过墨斗社区那边有人烧垃圾，烟熏得受不了")
        place = await bot.reply(ZHANG.id)
        assert place["text"].endswith("是在墨斗社区吗？")  # the place alone, not "路过墨斗社区"
        await bot.press_action(ZHANG, place, "place:yes")
        confirm = await bot.question(ZHANG.id)
        assert confirm["message_id"] == place["message_id"] and "焚烧" in confirm["text"]
        await bot.press(ZHANG, confirm, next(d for d in button_data(confirm) if "burning" in d))
        summary = await bot.question(ZHANG.id)
        await submit(bot, ZHANG, summary)
        [(report, case)] = await reports_of(bot, ZHANG.id)
        grid = bot.svc.catalog.router.get(case.grid_id)
        assert grid.code == "wx-by-md" and report.location_source == "text"
        assert report.address_text == "墨斗社区"


async def test_place_question_answered_by_typing(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_text(ZHANG, "墨斗社区那边有人烧垃圾")
        await bot.reply(ZHANG.id)
        [confirm] = await bot.say(ZHANG, "是的")  # typed instead of pressing 是
        assert "焚烧" in confirm["text"] and "对吗" in confirm["text"]
        draft = await draft_of(bot, ZHANG.id)
        assert draft.data["grid_confirmed"] and draft.data["text"] == "墨斗社区那边有人烧垃圾"
        bot.emulator.send_text(ALICE, "墨斗社区有人放鞭炮")
        await bot.reply(ALICE.id)
        [ask] = await bot.say(ALICE, "no")
        assert asks_location(ask)
        assert (await draft_of(bot, ALICE.id)).data["grid_code"] is None
        # The category guess and the summary can be answered by typing too.
        [summary] = await bot.say(ZHANG, "对")
        assert "请确认举报内容" in summary["text"] and "提交" in "".join(buttons(summary))
        [again] = await bot.say(ZHANG, "好的")  # not a submission, and not a description
        assert again["text"].startswith("请点下方按钮") and "请确认举报内容" in again["text"]
        draft = await draft_of(bot, ZHANG.id)
        assert draft.data["category_confirmed"] and draft.data["text"] == "墨斗社区那边有人烧垃圾"
        assert await reports_of(bot, ZHANG.id) == []


async def test_a_place_typed_as_a_correction_moves_the_report_not_its_description(
        db_url: str, tmp_path: Path) -> None:
    """"不对，是在新华社区" answers "是在墨斗社区吗?" and names the place instead; "在新华社区"
    typed when asked where does the same. Neither is written into the description the
    patrol reads: they say where, which the report shows as its place. A text that says
    what happens there is a description, as always."""
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_text(ZHANG, "墨斗社区那边有人烧垃圾")
        await bot.reply(ZHANG.id)
        [place] = await bot.say(ZHANG, "不对，是在新华社区")
        assert "新华社区吗" in place["text"] and "墨斗" not in place["text"]
        draft = (await draft_of(bot, ZHANG.id)).data
        assert draft["text"] == "墨斗社区那边有人烧垃圾" and draft["grid_code"] == "wx-by-xh"
        assert draft["address_text"] == "新华社区" and not draft["grid_confirmed"]
        # A denied clause that says more than the place is no answer: the words stay.
        [asked] = await bot.say(ZHANG, "不是新华社区的人，路过看到的")
        assert "新华社区吗" in asked["text"]
        draft = (await draft_of(bot, ZHANG.id)).data
        assert draft["text"].splitlines()[-1] == "不是新华社区的人，路过看到的"
        [asked] = await bot.say(ZHANG, "不是新华社区，是墨斗社区")  # a no, then the place
        assert "墨斗社区吗" in asked["text"]
        draft = (await draft_of(bot, ZHANG.id)).data
        assert draft["text"].splitlines()[-1] == "不是新华社区的人，路过看到的"
        assert draft["grid_code"] == "wx-by-md"
        [pointed] = await bot.say(ZHANG, "不对，取消")  # the no holds; 取消 takes the button
        assert "取消" in pointed["text"] and asks_location(pointed)
        draft = (await draft_of(bot, ZHANG.id)).data
        assert draft["text"].splitlines()[-1] == "不是新华社区的人，路过看到的"
        assert "取消" not in draft["text"] and draft["grid_code"] is None

        [ask] = await bot.say(LI, "河边有人在烧垃圾，烟很大")
        assert asks_location(ask)
        [place] = await bot.say(LI, "就在新华社区附近")
        assert "新华社区附近" in place["text"]
        draft = (await draft_of(bot, LI.id)).data
        assert draft["text"] == "河边有人在烧垃圾，烟很大" and draft["grid_code"] == "wx-by-xh"
        [confirm] = await bot.say(LI, "是在新华社区")  # named again: that is a yes
        assert "焚烧" in confirm["text"] and "对吗" in confirm["text"]
        await bot.say(LI, "新华社区烟好大")  # says what happens: a description
        draft = (await draft_of(bot, LI.id)).data
        assert draft["text"].splitlines() == ["河边有人在烧垃圾，烟很大", "新华社区烟好大"]

        # A correction that also tells what happens is a description as well.
        bot.emulator.send_text(ALICE, "墨斗社区有人放鞭炮")
        await bot.reply(ALICE.id)
        await bot.say(ALICE, "no, 新华社区有人在烧秸秆")
        draft = (await draft_of(bot, ALICE.id)).data
        assert draft["grid_code"] == "wx-by-xh"
        assert draft["text"].splitlines() == ["墨斗社区有人放鞭炮", "新华社区有人在烧秸秆"]


async def test_a_place_said_not_to_be_it_and_thanks_around_the_words(
        db_url: str, tmp_path: Path) -> None:
    """"不是墨斗社区" alone answers "是在墨斗社区吗?" with a no; a denial of some other place
    only clears the way for the place that follows; a denied poster's community is
    dropped. Thanks around what is said, or run together with a yes, are never part of the
    description the patrol reads, and a place comes to the card without its particles."""
    async with town(db_url, tmp_path) as bot:
        [asked] = await bot.say(ZHANG, "墨斗社区那边有人烧垃圾，谢谢！")
        assert "墨斗社区吗" in asked["text"]
        assert (await draft_of(bot, ZHANG.id)).data["text"] == "墨斗社区那边有人烧垃圾"
        [where] = await bot.say(ZHANG, "不是墨斗社区")
        assert asks_location(where)
        assert (await draft_of(bot, ZHANG.id)).data["grid_code"] is None
        [asked] = await bot.say(ZHANG, "感谢，应该是新华社区吧")
        assert "新华社区吗" in asked["text"]
        draft = (await draft_of(bot, ZHANG.id)).data
        assert draft["address_text"] == "新华社区" and draft["text"] == "墨斗社区那边有人烧垃圾"

        [asked] = await bot.say(LI, "墨斗社区有人放鞭炮")
        [guess] = await bot.say(LI, "不是新华社区，是墨斗社区")  # 墨斗 it is: a yes
        assert "烟花爆竹" in guess["text"] and "对吗" in guess["text"]
        [summary] = await bot.say(LI, "好的谢谢")  # a yes, run together with thanks
        assert "请确认举报内容" in summary["text"]
        draft = (await draft_of(bot, LI.id)).data
        assert draft["grid_code"] == "wx-by-md" and draft["grid_confirmed"]
        assert draft["category_confirmed"] and draft["text"] == "墨斗社区有人放鞭炮"
        for thanks in ("谢谢🙏", "非常感谢"):
            [pointed] = await bot.say(LI, thanks)
            assert pointed["text"].startswith("请点下方按钮"), thanks
        assert (await draft_of(bot, LI.id)).data["text"] == "墨斗社区有人放鞭炮"

        await bot.say(WANG, "/start g_wx-by-bm")
        await bot.say(WANG, "有人在烧纸钱")
        [where] = await bot.say(WANG, "不是白马社区")  # the poster was not where it is
        assert asks_location(where)
        assert (await draft_of(bot, WANG.id)).data["grid_code"] is None
        zhao = TgUser(1005, "赵", "六")
        await bot.say(zhao, "/start g_wx-by-bm")
        [asked] = await bot.say(zhao, "不是白马社区是墨斗社区，好的谢谢")
        assert "墨斗社区吗" in asked["text"]
        assert "白马" not in "".join(buttons(asked))  # no going back to the denied poster
        assert not intake_has_text(await draft_of(bot, zhao.id))
        [guess] = await bot.say(zhao, "谢谢，是的")  # thanks, then a yes
        assert (await draft_of(bot, zhao.id)).data["grid_confirmed"]
        # A spot in the poster's community is no denial of it: the words go to the patrol.
        qian = TgUser(1006, "钱", "七")
        await bot.say(qian, "/start g_wx-by-bm")
        await bot.say(qian, "有人在烧纸钱")
        await bot.say(qian, "不是白马社区门口，是后门")
        draft = (await draft_of(bot, qian.id)).data
        assert draft["grid_code"] == "wx-by-bm" and draft["grid_confirmed"]
        assert draft["text"].splitlines() == ["有人在烧纸钱", "不是白马社区门口，是后门"]
        # A yes where the kind takes a button: pointed to the buttons, nothing stored.
        sun = TgUser(1007, "孙", "八")
        await bot.say(sun, "/start g_wx-by-bm")
        await bot.say(sun, "有股怪味")
        [pointed] = await bot.say(sun, "是")
        assert pointed["text"].startswith("请点下方按钮选择类别")
        assert len(button_data(pointed)) == 4
        assert (await draft_of(bot, sun.id)).data["text"] == "有股怪味"

        await bot.say(ALICE, "/lang en")
        [asked] = await bot.say(ALICE, "Someone is setting off fireworks near 新华社区. Thanks!")
        assert "新华社区" in asked["text"]
        [guess] = await bot.say(ALICE, "yes thank you")
        assert "?" in guess["text"] and "Fireworks" in guess["text"]
        [summary] = await bot.say(ALICE, "ok thanks")
        assert "Submit" in "".join(buttons(summary))
        draft = (await draft_of(bot, ALICE.id)).data
        assert draft["text"] == "Someone is setting off fireworks near 新华社区"
        assert draft["grid_confirmed"] and draft["category_confirmed"]


async def test_a_place_denied_after_the_description_is_not_asked_about(
        db_url: str, tmp_path: Path) -> None:
    """"有人烧秸秆，不是墨斗社区" asks where, never "是在墨斗社区吗?"; after a poster, a
    denial of its community further on drops it as one at the start does."""
    async with town(db_url, tmp_path) as bot:
        [where] = await bot.say(ZHANG, "有人烧秸秆，烟很大，不是墨斗社区")
        assert asks_location(where) and "墨斗" not in where["text"]
        draft = (await draft_of(bot, ZHANG.id)).data
        assert draft["grid_code"] is None and draft["text"] == "有人烧秸秆，烟很大，不是墨斗社区"

        await bot.say(WANG, "/start g_wx-by-bm")
        [where] = await bot.say(WANG, "有人在烧纸钱，不是白马社区")
        assert asks_location(where)
        assert (await draft_of(bot, WANG.id)).data["grid_code"] is None


async def test_a_yes_or_no_before_more_words_answers_only_the_question_it_fits(
        db_url: str, tmp_path: Path) -> None:
    """At the category question, "对，烟很大" takes the guess and keeps the words; "嗯，其实
    是工地扬尘" is about another kind, so the guess is not taken; "不，不是" is only a no.
    A place that is not asked about is not confirmed by naming it in passing."""
    async with town(db_url, tmp_path) as bot:
        point = await point_in(bot.db, "wx-by-bm-01")
        bot.emulator.send_location(ZHANG, *point)
        await bot.reply(ZHANG.id)
        [confirm] = await bot.say(ZHANG, "田里有人在烧秸秆")
        assert "焚烧" in confirm["text"] and "对吗" in confirm["text"]
        [summary] = await bot.say(ZHANG, "对，烟很大")
        assert "请确认举报内容" in summary["text"]
        draft = (await draft_of(bot, ZHANG.id)).data
        assert draft["category"] == "burning" and draft["category_confirmed"]
        assert draft["text"].splitlines() == ["田里有人在烧秸秆", "烟很大"]
        for thanks in ("好的，谢谢", "谢谢！"):  # thanks are no description
            [pointed] = await bot.say(ZHANG, thanks)
            assert pointed["text"].startswith("请点下方按钮") and "请确认举报内容" in pointed["text"]
        assert (await draft_of(bot, ZHANG.id)).data["text"].splitlines()[-1] == "烟很大"

        bot.emulator.send_location(LI, *point)
        await bot.reply(LI.id)
        await bot.say(LI, "田里有人在烧秸秆")
        [again] = await bot.say(LI, "嗯，其实是工地扬尘")
        draft = (await draft_of(bot, LI.id)).data
        assert not draft["category_confirmed"] and "对吗" in again["text"]
        [every] = await bot.say(LI, "不，不是")  # only a no: every category is offered
        assert "不是" not in (await draft_of(bot, LI.id)).data["text"]
        assert len(button_data(every)) == 4

        # "嗯，是工地扬尘" is no yes to 焚烧: the new kind is offered instead.
        async def answer_burning_guess(text: str) -> tuple[dict, dict]:
            """李 begins again, is asked "焚烧，对吗?" and answers `text`: (reply, draft)."""
            await bot.say(LI, "/cancel")
            bot.emulator.send_location(LI, *point)
            await bot.reply(LI.id)
            await bot.say(LI, "有人在烧垃圾，烟很大")
            [answer] = await bot.say(LI, text)
            return answer, (await draft_of(bot, LI.id)).data

        for text in ("嗯，是工地扬尘", "yes, dust from the construction site"):
            asked, draft = await answer_burning_guess(text)
            assert draft["category"] == "dust" and not draft["category_confirmed"], text
            assert "扬尘" in asked["text"], text
        # Ash is dust to the classifier, but this yes speaks of the burning: still a yes.
        _, draft = await answer_burning_guess("对，烧得满天都是灰")
        assert draft["category"] == "burning" and draft["category_confirmed"]
        # A yes followed by more is still a yes; one followed by a place too.
        bot.emulator.send_location(ALICE, *point)
        await bot.reply(ALICE.id)
        await bot.say(ALICE, "田里有人在烧秸秆")
        await bot.say(ALICE, "是，还有扬尘")
        draft = (await draft_of(bot, ALICE.id)).data
        assert draft["category"] == "burning" and draft["category_confirmed"]
        assert draft["text"].splitlines()[-1] == "还有扬尘"

        # Naming the place asked about, but not only it or not as an answer: no yes.
        for text in ("不是墨斗社区，是新华社区", "墨斗社区？", "墨斗社区？！", "在墨斗社区还是新华社区"):
            await bot.say(ZHANG, "/cancel")
            bot.emulator.send_text(ZHANG, "墨斗社区有人放鞭炮")
            await bot.reply(ZHANG.id)
            [still] = await bot.say(ZHANG, text)
            assert not (await draft_of(bot, ZHANG.id)).data["grid_confirmed"], text
            assert "吗" in still["text"], text
        await bot.say(ZHANG, "/cancel")
        bot.emulator.send_text(ZHANG, "墨斗社区有人放鞭炮")
        await bot.reply(ZHANG.id)
        await bot.say(ZHANG, "在墨斗社區")  # traditional script: named again, a yes
        assert (await draft_of(bot, ZHANG.id)).data["grid_confirmed"]


async def test_a_place_typed_after_a_shared_point_is_kept_and_the_point_decides(
        db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_location(ZHANG, *await point_in(bot.db, "wx-by-bm-01"))
        await bot.reply(ZHANG.id)
        [answer] = await bot.say(ZHANG, "不对，是在新华社区")
        assert "地点以您发送的位置为准（白马第一网格）" in answer["text"]
        draft = (await draft_of(bot, ZHANG.id)).data
        assert draft["grid_code"] == "wx-by-bm-01" and draft["text"] == "不对，是在新华社区"
        bot.emulator.send_location(ALICE, *await point_in(bot.db, "wx-by-bm-01"))
        await bot.reply(ALICE.id)
        [answer] = await bot.say(ALICE, "在白马小区门口")  # the same area: nothing to say
        assert "decides the place" not in answer["text"]
        [answer] = await bot.say(ALICE, "新华社区")
        assert "The location you shared decides the place (白马第一网格)" in answer["text"]
        # A tip naming another place too; and a point outside the town, which is no area.
        bot.emulator.send_location(LI, *await point_in(bot.db, "wx-by-bm-01"))
        await bot.reply(LI.id)
        [answer] = await bot.say(LI, "新华小学门口有人烧垃圾")
        assert "地点以您发送的位置为准" in answer["text"]
        bot.emulator.send_location(WANG, 31.0, 108.5)
        await bot.reply(WANG.id)
        [answer] = await bot.say(WANG, "在新华社区")
        assert "地点以您发送的位置为准" in answer["text"]


async def test_a_place_inside_the_confirmed_street_reaches_its_patrol(
        db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        await bot.say(ZHANG, "/start g_wx-by")  # a street's poster: no patrol chat of its own
        [answer] = await bot.say(ZHANG, "在墨斗社区")
        draft = (await draft_of(bot, ZHANG.id)).data
        assert draft["grid_code"] == "wx-by-md" and draft["grid_confirmed"]
        assert "吗" not in answer["text"]
        # Named in a description, a place inside the street is asked about, not taken; and
        # words the place finder takes in before a name ("好呛啊新华小区") stay words.
        for text, code in (("墨斗社区有人烧垃圾", "wx-by-md"), ("好呛啊新华小区门口", "wx-by-xh")):
            await bot.say(LI, "/start g_wx-by")
            [asked] = await bot.say(LI, text)
            draft = (await draft_of(bot, LI.id)).data
            assert not draft["grid_confirmed"] and "吗" in asked["text"], text
            assert draft["grid_code"].startswith(code) and text in draft["text"], text
            await bot.say(LI, "/cancel")
        # Thanks with nothing told yet: what to send, not an empty report.
        await bot.say(WANG, "/start g_wx-by-bm")
        [begin] = await bot.say(WANG, "谢谢")
        assert "请告诉我您看到了什么" in begin["text"]
        assert not intake_has_text(await draft_of(bot, WANG.id))
        # Asked about another grid, a no goes back to the poster's community, as it was.
        [asked] = await bot.say(WANG, "新华社区那边有人烧垃圾")
        assert "吗" in asked["text"] and "不是，还是白马社区" in "".join(buttons(asked))
        await bot.press_action(WANG, asked, "place:no")
        draft = (await draft_of(bot, WANG.id)).data
        assert draft["grid_code"] == "wx-by-bm" and draft["grid_confirmed"]
        assert draft["address_text"] is None
        # Once the place is edited afresh, a later no has nothing to go back to.
        confirm = await bot.question(WANG.id)
        await bot.press(WANG, confirm, next(d for d in button_data(confirm) if "burning" in d))
        summary = await bot.question(WANG.id)
        [asked] = await bot.say(WANG, "在新华社区")  # asked: 新华社区? (白马社区 kept aside)
        await bot.press_action(WANG, summary, "edit")  # the summary's buttons, still bound
        menu = await bot.question(WANG.id)
        data = next(d for d in button_data(menu) if d.endswith(":edit:loc"))
        first = bot.emulator.press_button(WANG, menu, data)  # a double tap: two presses
        again = bot.emulator.press_button(WANG, menu, data)
        for press in (first, again):
            await bot.emulator.wait_for_answer(press["callback_query"]["id"])
        await bot.question(WANG.id)  # the location request
        assert "请发送位置" in bot.answers(again)[0]["text"]  # the second press is told so
        [asked] = await bot.say(WANG, "在墨斗社区")  # answered after both presses
        prompts = [m for m in bot.emulator.sent(WANG.id) if m["method"] == "sendMessage"
                   and "请发送位置" in (m.get("text") or "")]
        assert len(prompts) == 1  # asked once
        assert "不是，我发位置" in "".join(buttons(asked))
        await bot.press_action(WANG, asked, "place:no")
        assert (await draft_of(bot, WANG.id)).data["grid_code"] is None


async def test_place_denied_asks_for_location(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_text(ZHANG, "墨斗社区有人放鞭炮")
        place = await bot.reply(ZHANG.id)
        await bot.press_action(ZHANG, place, "place:no")
        ask = await bot.question(ZHANG.id)
        assert asks_location(ask)


async def test_venue_and_allow_contact_in_english(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        latitude, longitude = await point_in(bot.db, "wx-by-fy")
        bot.emulator.send_venue(ALICE, latitude, longitude, "丰益农贸市场", "柏杨街道丰益路")
        question = await bot.reply(ALICE.id)
        assert question["text"].startswith("📍 Location received") and "What kind" in question["text"]
        await bot.press(ALICE, question, next(d for d in button_data(question) if "dust" in d))
        summary = await bot.question(ALICE.id)
        assert "丰益农贸市场" in summary["text"] and "anonymous" in summary["text"]
        await bot.press_action(ALICE, summary, "contact")
        [edited] = await bot.edits(ALICE.id, predicate=lambda m: "Contact:" in m.get("text", ""))
        assert "may contact me" in edited["text"]
        receipt = await submit(bot, ALICE, bot.emulator.message(ALICE.id, summary["message_id"]))
        assert receipt["text"].startswith("✅ Report received, number")
        [(report, _)] = await reports_of(bot, ALICE.id)
        assert report.allow_contact and report.reporter_name == "Alice Smith"
        assert report.location_source == "venue"


async def test_updates_handed_out_again_are_taken_once(db_url: str, tmp_path: Path) -> None:
    # Telegram hands an update out again when the bot's confirmation did not reach it (the
    # bot was killed before its next getUpdates, a webhook answer was lost): the patrol's
    # card must not say everything twice, and a tick must not be undone.
    async with town(db_url, tmp_path) as bot:
        emu = bot.emulator
        text = emu.send_text(ZHANG, "河边有人烧垃圾，烟很大")
        assert "描述已记下" in (await bot.reply(ZHANG.id))["text"]
        emu.redeliver(text)
        again = await bot.reply(ZHANG.id)  # asked again, in case the answer was lost
        assert asks_location(again) and "描述已记下" not in again["text"]
        photo = emu.send_photo(ZHANG)
        await bot.reply(ZHANG.id)
        emu.redeliver(photo)
        again = await bot.reply(ZHANG.id)
        assert asks_location(again) and "已经收到过" not in again["text"]
        emu.send_location(ZHANG, *await point_in(bot.db, "wx-by-bm-01"))
        confirm = await bot.reply(ZHANG.id)
        await bot.press(ZHANG, confirm, next(d for d in button_data(confirm) if "burning" in d))
        summary = await bot.question(ZHANG.id)
        press = await bot.press_action(ZHANG, summary, "contact")
        [ticked] = await bot.edits(ZHANG.id, predicate=lambda m: "联系" in m.get("text", ""))
        assert "允许网格员联系我" in ticked["text"]
        emu.redeliver(press)  # answered after the press, before the submit (one chat's
        await submit(bot, ZHANG, summary)  # updates are taken one at a time, in order)
        [(report, _)] = await reports_of(bot, ZHANG.id)
        assert report.text == "河边有人烧垃圾，烟很大"
        assert len(report.photos) == 1 and report.allow_contact


async def test_deep_link_preselects_the_grid(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        [unknown] = await bot.say(ZHANG, "/start g_nope")
        assert "不存在" in unknown["text"]
        [chosen] = await bot.say(ZHANG, "/start g_wx-by-xh")
        assert "新华社区" in chosen["text"]
        bot.emulator.send_text(ZHANG, "这里有人放鞭炮")
        confirm = await bot.reply(ZHANG.id)
        await bot.press(ZHANG, confirm, next(d for d in button_data(confirm) if "fireworks" in d))
        summary = await bot.question(ZHANG.id)
        await submit(bot, ZHANG, summary)
        [(report, case)] = await reports_of(bot, ZHANG.id)
        assert bot.svc.catalog.router.get(case.grid_id).code == "wx-by-xh"
        assert report.location_source == "link"


async def test_album_answers_once_and_caps_photos(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        for _ in range(3):
            bot.emulator.send_photo(ZHANG, media_group_id="album-1")
        first = await bot.reply(ZHANG.id)
        assert "相册的照片已收到" in first["text"] and "（1/5）" not in first["text"]
        for _ in range(4):
            bot.emulator.send_photo(ZHANG, media_group_id="album-2")
        second = await bot.reply(ZHANG.id)
        assert "相册的照片已收到" in second["text"]
        capped = await bot.reply(ZHANG.id)
        assert "最多 5 张" in capped["text"]
        draft = await draft_of(bot, ZHANG.id)
        assert len(draft.data["photos"]) == 5
        assert not [m for m in bot.emulator.sent(ZHANG.id)[3:] if "（2/5）" in (m.get("text") or "")]


async def test_cancel_drops_the_draft(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_photo(ZHANG)
        await bot.reply(ZHANG.id)
        [cancelled] = await bot.say(ZHANG, "/cancel")
        assert "已取消" in cancelled["text"] and await draft_of(bot, ZHANG.id) is None
        [nothing] = await bot.say(ZHANG, "/cancel")
        assert "没有正在填写" in nothing["text"]


async def test_expired_draft_is_cleared_with_a_note_and_its_buttons_refused(
        db_url: str, tmp_path: Path) -> None:
    from schedules.sweeper import expire_drafts

    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_location(ZHANG, *await point_in(bot.db, "wx-by-bm-01"))
        question = await bot.reply(ZHANG.id)
        bot.clock.advance(timedelta(hours=2, minutes=1))
        assert await expire_drafts(bot.svc) == 1
        note = await bot.reply(ZHANG.id)
        assert "已自动清除" in note["text"]
        press = await bot.press(ZHANG, question, button_data(question)[0])
        [answer] = bot.answers(press)
        assert answer["show_alert"] and "过期" in answer["text"]
        assert await draft_of(bot, ZHANG.id) is None


async def test_an_expired_draft_is_replaced_with_a_note(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_photo(ZHANG)
        await bot.reply(ZHANG.id)
        bot.clock.advance(timedelta(hours=3))  # expired, the sweeper has not run yet
        bot.emulator.send_photo(ZHANG)
        fresh = await bot.reply(ZHANG.id)
        assert "超过时限" in fresh["text"] and "照片已收到（1/5）" in fresh["text"]
        draft = await draft_of(bot, ZHANG.id)
        assert len(draft.data["photos"]) == 1


async def test_restart_in_the_middle_of_a_draft_loses_nothing(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_photo(ZHANG, caption="工地渣土车撒漏，满街扬尘")
        ask = await bot.reply(ZHANG.id)
        assert asks_location(ask)
        await bot.restart()
        latitude, longitude = await point_in(bot.db, "wx-by-bm-02")
        bot.emulator.send_location(ZHANG, latitude, longitude)
        confirm = await bot.reply(ZHANG.id)
        assert "扬尘" in confirm["text"] and "对吗" in confirm["text"]
        await bot.press(ZHANG, confirm, next(d for d in button_data(confirm) if "dust" in d))
        summary = await bot.question(ZHANG.id)
        assert "照片：1 张" in summary["text"] and "渣土车" in summary["text"]
        await submit(bot, ZHANG, summary)
        assert len(await reports_of(bot, ZHANG.id)) == 1


async def test_second_report_before_the_first_is_finished(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_photo(ZHANG)
        await bot.reply(ZHANG.id)
        bot.emulator.send_location(ZHANG, *await point_in(bot.db, "wx-by-bm-01"))
        old_question = await bot.reply(ZHANG.id)
        [offer] = await bot.say(ZHANG, "/report")
        assert "未提交" in offer["text"]
        await bot.press_action(ZHANG, offer, "restart")
        fresh = await bot.reply(ZHANG.id)
        assert "顺序随意" in fresh["text"]
        draft = await draft_of(bot, ZHANG.id)
        assert draft.data["photos"] == [] and draft.data["latitude"] is None
        # The old draft's buttons belong to a draft that was replaced in place: same id, but
        # pressing them only applies a category, which is harmless and answered.
        press = await bot.press(ZHANG, old_question, button_data(old_question)[0])
        assert bot.answers(press)


# What each bad input is answered with, by the resident's language (the user is what picks
# the language: ZHANG's Telegram is Chinese, ALICE's English).
BAD_INPUT_ANSWERS = {
    "zh": dict(user=ZHANG, other=ALICE, photo="照片已收到（1/5）",
               kinds=("贴纸", "语音", "视频", "联系人名片", "投票"), unsupported="处理不了这类消息（{kind}）",
               pdf="只能接收图片", big="文件太大", emoji="请用文字描述", long="描述最多保留 1000 字",
               point="好像不对", edited="修改过的消息", forwarded="转发",
               second="未提交", forged="按钮已失效", group="私聊"),
    "en": dict(user=ALICE, other=ZHANG, photo="Photo received (1/5)",
               kinds=("sticker", "voice message", "video", "contact", "poll"),
               unsupported="cannot handle this kind of message ({kind})",
               pdf="Only pictures are kept", big="too big (over 20 MB)",
               emoji="describe what you see in words", long="limited to 1000 characters",
               point="does not look right", edited="Edited messages do not change",
               forwarded="Forwarded messages cannot be reports", second="not submitted yet",
               forged="no longer works", group="private chat"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_bad_inputs_get_polite_answers_and_keep_the_draft(db_url: str, tmp_path: Path,
                                                                lang: str) -> None:
    from bot.emulator import TgChat

    words = BAD_INPUT_ANSWERS[lang]
    user = words["user"]
    async with town(db_url, tmp_path) as bot:
        emu = bot.emulator

        async def answer() -> str:
            return (await bot.reply(user.id))["text"]

        emu.send_photo(user)
        assert words["photo"] in await answer()
        for send, kind in zip((lambda: emu.send_sticker(user), lambda: emu.send_voice(user),
                               lambda: emu.send_video(user),
                               lambda: emu.send_contact(user, "13800000000", "李"),
                               lambda: emu.send_poll(user, "?", ["a", "b"])), words["kinds"],
                              strict=True):
            send()
            assert words["unsupported"].format(kind=kind) in await answer()
        emu.send_document(user, b"%PDF-1.4", "complaint.pdf", "application/pdf")
        assert words["pdf"] in await answer()
        emu.send_document(user, b"\xff\xd8\xff", "big.jpg", "image/jpeg", file_size=30 * 2**20)
        assert words["big"] in await answer()
        emu.send_text(user, "😡🔥🔥")
        assert words["emoji"] in await answer()
        emu.send_text(user, "有人烧垃圾" + "很呛" * 2000)  # 4,000 characters and more
        assert words["long"] in await answer()
        emu.send_location(user, 0.0, 0.0)
        assert words["point"] in await answer()
        sent = emu.send_text(user, "有人放鞭炮")
        await bot.reply(user.id)
        emu.edit_text(user, sent["message"], "有人放烟花")
        assert words["edited"] in await answer()
        emu.send_text(user, "转发来的：有人烧秸秆", forward_from=words["other"])
        assert words["forwarded"] in await answer()
        [offer] = await bot.say(user, "/report")  # a second report before the first is done
        assert words["second"] in offer["text"]
        press = await bot.press(user, offer, "rp:42:plutonium", forged=True)
        assert words["forged"] in bot.answers(press)[0]["text"]
        group = TgChat(-100778, "supergroup", "居民群")
        [private] = await bot.say(user, "/report", chat=group)
        assert words["group"] in private["text"]
        draft = await draft_of(bot, user.id)  # nothing above lost or changed the draft
        assert len(draft.data["photos"]) == 1 and len(draft.data["text"]) == 1000


async def test_an_expired_drafts_buttons_in_english(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_location(ALICE, *await point_in(bot.db, "wx-by-bm-01"))
        question = await bot.reply(ALICE.id)
        bot.clock.advance(timedelta(hours=3))
        press = await bot.press(ALICE, question, button_data(question)[0])
        [answer] = bot.answers(press)
        assert answer["show_alert"] and "already submitted, cancelled or has expired" in \
            answer["text"]


async def test_forged_and_unknown_buttons_are_refused(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_photo(ZHANG)
        question = await bot.reply(ZHANG.id)
        draft = await draft_of(bot, ZHANG.id)
        for data in ("rp:999999:submit", "rp:abc:submit", "garbage", "rp:1:cat:plutonium",
                     f"rp:{draft.id}:cat:fireworks",  # its row, without its key
                     f"rp:{draft.id}.00000000:cat:fireworks"):  # its row, another key
            press = await bot.press(ZHANG, question, data, forged=True)
            [answer] = bot.answers(press)
            assert answer["show_alert"] is True
        draft = await draft_of(bot, ZHANG.id)
        assert draft is not None and not draft.data["category_confirmed"]


async def test_submit_before_complete_asks_for_what_is_missing(db_url: str,
                                                              tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_photo(ZHANG)
        await bot.reply(ZHANG.id)
        draft = await draft_of(bot, ZHANG.id)
        question = bot.emulator.sent(ZHANG.id)[-1]
        await bot.press(ZHANG, question, f"rp:{draft.id}.{draft.data['key']}:submit",
                        forged=True)
        again = await bot.question(ZHANG.id)
        assert "请发送位置" in again["text"] and asks_location(again)
        assert await reports_of(bot, ZHANG.id) == []


@pytest.mark.parametrize(("user", "slow_down"), [(ZHANG, "太快"), (ALICE, "sending very fast")])
async def test_flood_gets_one_answer(db_url: str, tmp_path: Path, user, slow_down: str) -> None:
    sections = {"intake": {"flood_messages": 5, "flood_window": "60s"}}
    async with running_bot(db_url, tmp_path, sections=sections) as bot:
        for i in range(12):
            bot.emulator.send_text(user, f"你好{i}")
        replies = await bot.replies(user.id, 6, timeout=10)
        assert sum(slow_down in m["text"] for m in replies) == 1
        await asyncio.sleep(0.5)  # the rest of the flood is dropped, not answered late
        assert sum(slow_down in (m.get("text") or "") for m in bot.emulator.sent(user.id)) == 1
        assert len(bot.emulator.sent(user.id)) == 6


async def test_groups_never_start_a_draft(db_url: str, tmp_path: Path) -> None:
    from bot.emulator import TgChat

    group = TgChat(-100777, "supergroup", "居民群")
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_text(ZHANG, "有人在烧秸秆", chat=group)
        bot.emulator.send_photo(ZHANG, chat=group)
        [answer] = await bot.say(ZHANG, "/report", chat=group)
        assert "私聊" in answer["text"]
        assert await draft_of(bot, ZHANG.id) is None
        assert len(bot.emulator.sent(group.id)) == 1


async def test_my_lists_reports_with_state(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        [empty] = await bot.say(ZHANG, "/my")
        assert "还没有举报" in empty["text"]
        bot.emulator.send_text(ZHANG, "/start g_wx-by-fy")
        await bot.reply(ZHANG.id)
        bot.emulator.send_text(ZHANG, "有人放烟花")
        confirm = await bot.reply(ZHANG.id)
        await bot.press(ZHANG, confirm, next(d for d in button_data(confirm) if "fireworks" in d))
        await submit(bot, ZHANG, await bot.question(ZHANG.id))
        [listing] = await bot.say(ZHANG, "/my")
        assert "20261123-0001" in listing["text"] and "丰益社区" in listing["text"]


async def _poster_fireworks_summary(bot) -> dict:
    """张 opens 丰益's poster link, says there are fireworks and confirms: the summary."""
    bot.emulator.send_text(ZHANG, "/start g_wx-by-fy")
    await bot.reply(ZHANG.id)
    bot.emulator.send_text(ZHANG, "有人放烟花")
    confirm = await bot.reply(ZHANG.id)
    await bot.press(ZHANG, confirm, next(d for d in button_data(confirm) if "fireworks" in d))
    return await bot.question(ZHANG.id)


async def test_a_late_answer_to_a_press_does_not_hide_the_result(db_url: str,
                                                                 tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        summary = await _poster_fireworks_summary(bot)
        # The bot was busy: Telegram no longer accepts an answer to this press.
        bot.emulator.fail_next("answerCallbackQuery", 400, description=(
            "Bad Request: query is too old and response timeout expired or query ID is invalid"))
        bot.emulator.press_button(ZHANG, summary, next(d for d in button_data(summary)
                                                        if d.endswith(":submit")))
        [receipt] = await bot.edits(ZHANG.id, predicate=lambda m: "编号" in m.get("text", ""))
        assert "编号 20261123-0001" in receipt["text"]
        assert len(await reports_of(bot, ZHANG.id)) == 1


async def test_submit_tapped_twice_files_one_report(db_url: str, tmp_path: Path) -> None:
    # A slow network on New Year's Eve: the resident taps 提交 again before the first tap
    # is answered. Both taps reach the bot; one report is filed, the other tap is told so.
    async with town(db_url, tmp_path) as bot:
        summary = await _poster_fireworks_summary(bot)
        data = next(d for d in button_data(summary) if d.endswith(":submit"))
        taps = [bot.emulator.press_button(ZHANG, summary, data) for _ in range(2)]
        for tap in taps:
            await bot.emulator.wait_for_answer(tap["callback_query"]["id"])
        [receipt] = await bot.edits(ZHANG.id, predicate=lambda m: "编号" in m.get("text", ""))
        assert "编号 20261123-0001" in receipt["text"]
        first, second = (bot.answers(tap)[0] for tap in taps)
        assert "已提交" in first["text"] and not first.get("show_alert")
        assert second["show_alert"] and "已提交、取消或过期" in second["text"]
        assert len(await reports_of(bot, ZHANG.id)) == 1
        assert await draft_of(bot, ZHANG.id) is None


async def _summary(bot, user, grid: str, text: str) -> dict:
    """Location, text and the guessed category: the summary of a complete draft."""
    bot.emulator.send_location(user, *await point_in(bot.db, grid))
    await bot.reply(user.id)
    bot.emulator.send_text(user, text)
    confirm = await bot.reply(user.id)
    await bot.press(user, confirm, button_data(confirm)[0])
    return await bot.question(user.id)


async def test_buttons_of_an_earlier_draft_never_act_on_the_next(db_url: str,
                                                                 tmp_path: Path) -> None:
    # SQLite gives a deleted draft's row id to the next draft and "start again" keeps the
    # row: the buttons carry the draft's key too, so an old summary left on the screen
    # can neither cancel nor submit what the resident is writing now.
    async with town(db_url, tmp_path) as bot:
        first = await _summary(bot, ZHANG, "wx-by-bm-01", "河边有人在烧垃圾")
        await submit(bot, ZHANG, first)
        bot.emulator.send_photo(ZHANG)  # the next report begins
        await bot.reply(ZHANG.id)
        press = await bot.press(ZHANG, first, next(d for d in button_data(first)
                                                   if d.endswith(":cancel")), forged=True)
        [answer] = bot.answers(press)
        assert answer["show_alert"] and "过期" in answer["text"]
        draft = await draft_of(bot, ZHANG.id)
        assert draft is not None and len(draft.data["photos"]) == 1

        old = await _summary(bot, ZHANG, "wx-by-bm-01", "工地扬尘很大")
        [offer] = await bot.say(ZHANG, "/report")
        await bot.press_action(ZHANG, offer, "restart")
        await bot.reply(ZHANG.id)
        new = await _summary(bot, ZHANG, "wx-by-xh-02", "小区楼下有人放鞭炮")
        assert (await draft_of(bot, ZHANG.id)).id == draft.id  # the same row, begun again
        press = await bot.press(ZHANG, old, next(d for d in button_data(old)
                                                 if d.endswith(":submit")), forged=True)
        assert bot.answers(press)[0]["show_alert"]
        assert len(await reports_of(bot, ZHANG.id)) == 1  # the old summary submitted nothing
        receipt = await submit(bot, ZHANG, new)
        assert "鞭炮" in receipt["text"]
        reports = await reports_of(bot, ZHANG.id)
        assert sorted(r.text for r, _ in reports) == ["小区楼下有人放鞭炮", "河边有人在烧垃圾"]


async def test_a_long_description_is_capped_and_the_receipt_still_comes(
        db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        for i in range(4):  # each under the per-message limit, together far over it
            [answer] = await bot.say(ZHANG, f"第{i}段：有人在烧垃圾，" + "烟很大" * 300)
        assert "描述最多保留 1000 字" in answer["text"]
        bot.emulator.send_location(ZHANG, *await point_in(bot.db, "wx-by-bm-01"))
        confirm = await bot.reply(ZHANG.id)
        await bot.press(ZHANG, confirm, button_data(confirm)[0])
        summary = await bot.question(ZHANG.id)
        assert len(summary["text"]) < 4096
        receipt = await submit(bot, ZHANG, summary)
        [(report, _)] = await reports_of(bot, ZHANG.id)
        assert report.text.startswith("第0段") and len(report.text) == 1000
        assert report.text[:40] in receipt["text"]


async def test_every_answer_after_an_expiry_says_the_draft_was_cleared(
        db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        for user, send, expected in (
                (ZHANG, lambda: bot.emulator.send_text(ZHANG, "你好"), "超过时限"),
                (ZHANG, lambda: bot.emulator.send_text(ZHANG, "🙂🙂"), "超过时限"),
                (ALICE, lambda: bot.emulator.send_location(ALICE, 0.0, 0.0), "not submitted in time"),
                (ALICE, lambda: bot.emulator.send_document(ALICE, b"%PDF-1.4", "a.pdf",
                                                           "application/pdf"),
                 "not submitted in time")):
            bot.emulator.send_photo(user)
            await bot.reply(user.id)
            bot.clock.advance(timedelta(hours=3))  # expired, the sweeper has not run yet
            send()
            answer = await bot.reply(user.id)
            assert expected in answer["text"], answer["text"]
            assert await draft_of(bot, user.id) is None


async def test_expiry_note_names_whole_hours(db_url: str, tmp_path: Path) -> None:
    from schedules.sweeper import expire_drafts

    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_photo(ZHANG)
        await bot.reply(ZHANG.id)
        bot.clock.advance(timedelta(hours=2, minutes=1))
        assert await expire_drafts(bot.svc) == 1
        note = await bot.reply(ZHANG.id)
        assert "超过 2 小时" in note["text"]


async def test_a_poster_link_during_a_report(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        # An unfinished report without a point takes the poster's grid and goes on.
        [ask] = await bot.say(ZHANG, "有人在放鞭炮")
        assert asks_location(ask)
        [goes_on] = await bot.say(ZHANG, "/start g_wx-by-xh")
        assert "未完成的举报" in goes_on["text"] and "新华社区" in goes_on["text"]
        assert "烟花爆竹" in goes_on["text"]  # the next question: the guessed category
        draft = await draft_of(bot, ZHANG.id)
        assert draft.data["grid_code"] == "wx-by-xh" and draft.data["text"] == "有人在放鞭炮"
        # Scanning the poster again is not "an unfinished report" when only the poster's
        # grid is there.
        await bot.say(ZHANG, "/cancel")
        [first] = await bot.say(ZHANG, "/start g_wx-by-xh")
        [second] = await bot.say(ZHANG, "/start g_wx-by-xh")
        assert first["text"] == second["text"] and "未完成" not in second["text"]
        assert asks_location(second)
        # A shared point is more precise than a poster: it stays, and the reply says so.
        bot.emulator.send_location(ALICE, *await point_in(bot.db, "wx-by-bm-01"))
        await bot.reply(ALICE.id)
        [kept] = await bot.say(ALICE, "/start g_wx-by-xh")
        assert "白马第一网格" in kept["text"] and "新华社区" in kept["text"]
        assert "more precise" in kept["text"]
        assert (await draft_of(bot, ALICE.id)).data["grid_code"] == "wx-by-bm-01"


async def test_only_residents_who_allow_it_are_named_on_the_card(db_url: str,
                                                                 tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        chat = bot.chats["wx-by-bm-01"].id
        summary = await _summary(bot, ZHANG, "wx-by-bm-01", "河边有人在烧垃圾，烟很大")
        await submit(bot, ZHANG, summary)
        card = await bot.reply(chat, predicate=lambda m: "工单" in (
            m.get("caption") or m.get("text") or ""))
        shown = card.get("caption") or card.get("text")
        assert "愿意被联系" not in shown and "张三" not in shown  # (张建国 is on duty)
        assert f"tg://user?id={ZHANG.id}" not in json.dumps(card)

        summary = await _summary(bot, ALICE, "wx-by-bm-02", "Someone is burning rubbish")
        await bot.press_action(ALICE, summary, "contact")
        await bot.edits(ALICE.id, predicate=lambda m: "may contact me" in m.get("text", ""))
        await submit(bot, ALICE, bot.emulator.message(ALICE.id, summary["message_id"]))
        chat = bot.chats["wx-by-bm-02"].id
        card = await bot.reply(chat, predicate=lambda m: "工单" in (
            m.get("caption") or m.get("text") or ""))
        shown = card.get("caption") or card.get("text")
        assert "愿意被联系的举报人：Alice Smith" in shown
        # A mention: the patrol can open a chat with her.
        assert f"tg://user?id={ALICE.id}" in json.dumps(card)

        # 张's name is written as Chinese names are, without the space between Telegram's
        # two fields (张 + 三).
        summary = await _summary(bot, ZHANG, "wx-by-xh-01", "工地扬尘很大，没有洒水")
        await bot.press_action(ZHANG, summary, "contact")
        await bot.edits(ZHANG.id, predicate=lambda m: "☑" in json.dumps(m, ensure_ascii=False))
        await submit(bot, ZHANG, bot.emulator.message(ZHANG.id, summary["message_id"]))
        card = await bot.reply(bot.chats["wx-by-xh-01"].id, predicate=lambda m: "工单" in (
            m.get("caption") or m.get("text") or ""))
        assert "愿意被联系的举报人：张三" in (card.get("caption") or card.get("text"))


async def test_pictures_sent_as_files_with_odd_types_are_kept(db_url: str,
                                                              tmp_path: Path) -> None:
    from bot.emulator.files import make_png

    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_document(ZHANG, make_png(8, 8, (1, 2, 3)), "现场.jpg", "image/jpg")
        assert "照片已收到（1/5）" in (await bot.reply(ZHANG.id))["text"]
        bot.emulator.send_document(ZHANG, make_png(8, 8, (4, 5, 6)), "IMG_2.PNG",
                                   "application/octet-stream")
        assert "照片已收到（2/5）" in (await bot.reply(ZHANG.id))["text"]
        draft = await draft_of(bot, ZHANG.id)
        assert [p["mime"] for p in draft.data["photos"]] == ["image/jpeg", "image/png"]
        assert draft.data["photos"][1]["path"].endswith(".png")


async def test_a_new_point_elsewhere_drops_the_earlier_place(db_url: str,
                                                             tmp_path: Path) -> None:
    # A venue in 丰益, then the resident's own location in 白马: the market must not travel
    # to 白马's patrol. A place named in 白马 stays beside a point in 白马.
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_venue(ZHANG, *await point_in(bot.db, "wx-by-fy"), "丰益农贸市场",
                                "柏杨街道丰益路")
        await bot.reply(ZHANG.id)
        bot.emulator.send_location(ZHANG, *await point_in(bot.db, "wx-by-bm-01"))
        await bot.reply(ZHANG.id)
        bot.emulator.send_text(ZHANG, "有人在烧垃圾")
        confirm = await bot.reply(ZHANG.id)
        await bot.press(ZHANG, confirm, button_data(confirm)[0])
        summary = await bot.question(ZHANG.id)
        assert "丰益" not in summary["text"] and "白马第一网格" in summary["text"]
        await submit(bot, ZHANG, summary)
        [(report, case)] = await reports_of(bot, ZHANG.id)
        assert report.address_text is None and case.address_text is None

        bot.emulator.send_text(ALICE, "白马小区3栋楼下有人烧垃圾")
        await bot.reply(ALICE.id)  # "the place 白马小区3栋: is it in 白马社区?"
        bot.emulator.send_location(ALICE, *await point_in(bot.db, "wx-by-bm-01"))
        await bot.reply(ALICE.id)
        assert (await draft_of(bot, ALICE.id)).data["address_text"] == "白马小区3栋"


async def test_report_with_words_starts_the_report_with_them(db_url: str,
                                                             tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        [begin] = await bot.say(ZHANG, "/report 取消")  # a button's word: only /report
        assert "请告诉我您看到了什么" in begin["text"]
        assert (await draft_of(bot, ZHANG.id)).data["text"] is None
        [question] = await bot.say(ZHANG, "/report 白马社区菜市场后面有人烧垃圾")
        assert "白马社区" in question["text"] and "place:yes" in " ".join(button_data(question))
        assert (await draft_of(bot, ZHANG.id)).data["text"] == "白马社区菜市场后面有人烧垃圾"
        # With a report under way the words are not guessed into either: the offer says so.
        [offer] = await bot.say(ZHANG, "/report 又有人放烟花")
        assert "继续填写" in "".join(buttons(offer)) and "再发一次" in offer["text"]
        assert (await draft_of(bot, ZHANG.id)).data["text"] == "白马社区菜市场后面有人烧垃圾"


@pytest.mark.parametrize(("user", "word", "hint"), [
    (ZHANG, "提交", "请点下方按钮"), (ZHANG, "取消！", "请点下方按钮"),
    (ALICE, "submit", "Please use the buttons")])
async def test_words_meant_as_buttons_are_not_a_description(db_url: str, tmp_path: Path,
                                                            user, word: str, hint: str) -> None:
    async with town(db_url, tmp_path) as bot:
        await _summary(bot, user, "wx-by-bm-01", "有人在烧秸秆")
        [answer] = await bot.say(user, word)
        assert hint in answer["text"] and buttons(answer)  # the summary, asked again
        assert (await draft_of(bot, user.id)).data["text"] == "有人在烧秸秆"
        await bot.say(user, "/cancel")
        bot.emulator.send_location(user, *await point_in(bot.db, "wx-by-bm-01"))
        await bot.reply(user.id)  # which category?
        [answer] = await bot.say(user, word)
        assert "/cancel" in answer["text"] and buttons(answer)
        assert (await draft_of(bot, user.id)).data["text"] is None


@pytest.mark.parametrize(("user", "said", "not_said"), [
    (ZHANG, "不在我们划定的网格内，已转值班台", "当班网格员"),
    (ALICE, "outside our grids, so it went to the duty desk", "patrol on duty")])
async def test_a_report_outside_the_grids_promises_no_patrol(db_url: str, tmp_path: Path,
                                                             user, said: str,
                                                             not_said: str) -> None:
    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_venue(user, 39.9087, 116.3975, "天安门", "北京市东城区")
        await bot.reply(user.id)
        bot.emulator.send_text(user, "有人放鞭炮")
        confirm = await bot.reply(user.id)
        await bot.press(user, confirm, button_data(confirm)[0])
        receipt = await submit(bot, user, await bot.question(user.id))
        assert said in receipt["text"] and not_said not in receipt["text"]
        assert len(await reports_of(bot, user.id)) == 1


async def test_an_album_in_a_flood_counts_as_one_message(db_url: str, tmp_path: Path) -> None:
    # Two albums of ten pictures, the location and a sentence: four things a person did,
    # within a limit of five messages. Nothing is dropped; extra pictures are declined.
    sections = {"intake": {"flood_messages": 5, "flood_window": "60s"}}
    async with running_bot(db_url, tmp_path, start=START, grids=GRIDS, roster=ROSTER,
                           sections=sections) as bot:
        for album in ("a1", "a2"):
            for _ in range(10):
                bot.emulator.send_photo(ZHANG, media_group_id=album)
        bot.emulator.send_location(ZHANG, *await point_in(bot.db, "wx-by-bm-01"))
        bot.emulator.send_text(ZHANG, "有人在烧秸秆")
        for _ in range(100):  # until the sentence is in (or five seconds have passed)
            row = await draft_of(bot, ZHANG.id)
            draft = row.data if row is not None else {}
            if draft.get("text"):
                break
            await asyncio.sleep(0.05)
        assert draft.get("text") == "有人在烧秸秆", f"the sentence never arrived: {draft}"
        assert draft["latitude"] is not None and len(draft["photos"]) == 5
        assert not any("太快" in (m.get("text") or "") for m in bot.emulator.sent(ZHANG.id))


async def test_the_expiry_note_speaks_the_language_chosen_since(db_url: str,
                                                                tmp_path: Path) -> None:
    from schedules.sweeper import expire_drafts

    async with town(db_url, tmp_path) as bot:
        bot.emulator.send_photo(ZHANG)
        await bot.reply(ZHANG.id)
        [chooser] = await bot.say(ZHANG, "/lang")
        await bot.press(ZHANG, chooser, "lang:en")
        bot.clock.advance(timedelta(hours=2, minutes=1))
        assert await expire_drafts(bot.svc) == 1
        note = await bot.reply(ZHANG.id, predicate=lambda m: "draft" in m.get("text", "")
                               or "草稿" in m.get("text", ""))
        assert "draft" in note["text"] and "草稿" not in note["text"]


async def test_a_place_known_only_as_a_community_or_street(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        [question] = await bot.say(ZHANG, "白马社区有人烧垃圾")
        assert question["text"].endswith("您说的地点是在白马社区吗？")  # not "「白马社区」…白马社区"
        await bot.press_action(ZHANG, question, "place:yes")
        confirm = await bot.question(ZHANG.id)
        await bot.press(ZHANG, confirm, button_data(confirm)[0])
        summary = await bot.question(ZHANG.id)
        assert "地点：白马社区\n" in summary["text"]  # named once
        receipt = await submit(bot, ZHANG, summary)
        # 白马社区 has a patrol chat of its own: its patrol gets the case.
        assert "已派给白马社区的当班网格员" in receipt["text"]
        # 柏杨街道 has none: the case goes to the county's duty desk, and the receipt says so.
        [question] = await bot.say(ALICE, "someone is burning rubbish in 柏杨街道")
        await bot.press_action(ALICE, question, "place:yes")
        confirm = await bot.question(ALICE.id)
        await bot.press(ALICE, confirm, button_data(confirm)[0])
        receipt = await submit(bot, ALICE, await bot.question(ALICE.id))
        assert "The place is in 柏杨街道 but in no particular grid, so it went to the duty " \
            "desk" in receipt["text"] and "patrol on duty" not in receipt["text"]


async def test_start_during_a_report_mentions_it(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        [welcome] = await bot.say(ALICE, "/start")
        assert "not submitted yet" not in welcome["text"]
        bot.emulator.send_photo(ALICE)
        await bot.reply(ALICE.id)
        [welcome] = await bot.say(ALICE, "/start")
        assert "not submitted yet" in welcome["text"] and "/report" in welcome["text"]
        assert len((await draft_of(bot, ALICE.id)).data["photos"]) == 1
        bot.clock.advance(timedelta(hours=3))  # expired: nothing is under way any more
        [welcome] = await bot.say(ALICE, "/start")
        assert "not submitted yet" not in welcome["text"]


async def test_an_album_added_at_the_summary_offers_the_summary_once_all_are_in(
        db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        summary = await _summary(bot, ZHANG, "wx-by-bm-01", "有人在烧秸秆")
        await bot.press_action(ZHANG, summary, "edit")
        menu = await bot.question(ZHANG.id)
        await bot.press_action(ZHANG, menu, "edit:more")
        await bot.reply(ZHANG.id)  # "send more photos or a description"
        for _ in range(3):
            bot.emulator.send_photo(ZHANG, media_group_id="later")
        answer = await bot.reply(ZHANG.id)
        # No summary yet (it would count one photo while two more are arriving): a button.
        assert "相册的照片已收到" in answer["text"] and "请确认举报内容" not in answer["text"]
        assert buttons(answer) == ["📋 查看确认页"]
        for _ in range(100):  # until all three are kept
            if len((await draft_of(bot, ZHANG.id)).data["photos"]) == 3:
                break
            await asyncio.sleep(0.05)
        await bot.press(ZHANG, answer, "📋 查看确认页")
        [shown] = await bot.edits(ZHANG.id, predicate=lambda m: m["message_id"]
                                  == answer["message_id"])
        assert "请确认举报内容" in shown["text"] and "照片：3 张" in shown["text"]
        assert "提交" in "".join(buttons(shown))
