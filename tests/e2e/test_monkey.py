"""Residents doing anything, in any order: every message is answered, nothing fails.

A seeded random walk through the resident conversation: texts of every kind (tips, places,
denials, thanks, answers, typed buttons, emoji, a whole page), photos, pictures and other
files, points in town, at 0,0 and far away, venues, stickers, voice, contacts, edits,
commands, presses on whatever buttons the bot showed last and forged ones, albums, and a
restart of the bot half way. After each step the
resident sends /my, which the bot takes only once it has finished the step (one chat's
updates are handled in order), so each step's answers are exactly what came before the
/my list. The walk checks that every step got an answer, that no handler failed, and
that every case number the bot ever told the resident names a case that exists.
"""

from __future__ import annotations

import asyncio
import logging
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.demo import point_in
from bot.emulator import TgUser
from bot.emulator.files import make_png
from storage.models import Case, Report
from tests.e2e.harness import CASE_NUMBER, GRIDS, ROSTER, button_data, running_bot

STEPS = 40  # per resident and walk; the bot is restarted half way
SEEDS = (7, 31, 2024)
TEXTS = (
    "河边有人在烧垃圾，烟很大", "小区楼下有人放鞭炮", "工地没有围挡，扬尘很大", "田里有人焚烧秸秆",
    "在墨斗社区", "就在白马小区门口", "是在新华社区吗", "不是墨斗社区，是新华社区", "不是白马社区",
    "不是白马社区门口，是后门", "谢谢", "好的谢谢", "谢谢，是的", "非常感谢🙏", "是", "不是", "对对对",
    "好", "ok thanks", "no", "提交", "取消", "修改", "嗯，其实是工地扬尘", "也许是扬尘", "🙂🙂",
    "？？？", "asdfghjkl", "Someone is burning leaves behind the school",
    "no fireworks tonight, all quiet", "烧" * 4_000, "應該是墨斗社區吧", "　", "不是墨斗社区😡",
    "好的，不是新华社区", "对，不是白马社区", "好的，不是白马社区在烧垃圾", "收到", "好的🙆‍♀️",
    "不是墨斗也不是新华是白马社区", "谢谢，好的", "是🔥", "不是在墨斗社区烧的，是在新华社区烧的",
    "有人烧秸秆，不是墨斗社区", "路过新华社区看到有人放鞭炮", "在新华社区烧，不是白马社区",
)
COMMANDS = ("/report", "/report 菜市场后面有人烧垃圾", "/cancel", "/help", "/lang en", "/lang zh",
            "/start", "/start g_wx-by-bm", "/start g_nope")  # /my ends every step
GRID_CODES = ("wx-by-bm-01", "wx-by-bm-02", "wx-by-xh-01", "wx-by-md", "wx-by-fy")


def _is_my_list(message: dict[str, Any]) -> bool:
    text = message.get("text") or ""
    return message.get("method") == "sendMessage" and text.startswith(
        ("我的举报", "您还没有举报记录", "My reports", "You have no reports"))


async def _step(bot, user: TgUser, rng: random.Random, points: list[tuple[float, float]],
                sent_texts: list[dict]) -> tuple[str, dict]:
    """One random thing a resident does: (what it was, the injected update)."""
    emu = bot.emulator
    shown = [m for m in emu.sent(user.id) if (emu.messages.get(
        (user.id, m["message_id"])) or {}).get("reply_markup", {}).get("inline_keyboard")]
    kind = rng.choice(("text", "text", "text", "command", "photo", "location", "press",
                       "press", "press", "other", "edit", "album", "forged"))
    if kind in ("press", "forged") and shown:
        message = emu.messages[(user.id, rng.choice(shown[-3:])["message_id"])]
        if kind == "forged":
            data = rng.choice(("rp:1:submit", "rp:99999.deadbeef:cancel", "cs:1:take", "x" * 64,
                               button_data(message)[0] + ":more"))
            return f"forged {data}", emu.press_button(user, message, data, forged=True)
        data = rng.choice(button_data(message))
        return f"press {data}", emu.press_button(user, message, data)
    if kind == "album":
        group = f"album-{rng.randrange(10**6)}"
        updates = [emu.send_photo(user, make_png(16, 16, (i, 9, 9)), media_group_id=group)
                   for i in range(rng.randint(2, 7))]
        return "album", updates[-1]
    if kind == "command":
        text = rng.choice(COMMANDS)
        return text, emu.send_text(user, text)
    if kind == "photo":
        return "photo", emu.send_photo(user, make_png(32, 24, (rng.randrange(256), 90, 40)),
                                       caption=rng.choice((None, "有人烧纸", "")))
    if kind == "location":
        latitude, longitude = rng.choice((*points, (0.0, 0.0), (39.9, 116.4)))
        if rng.random() < 0.3:
            return "venue", emu.send_venue(user, latitude, longitude, "菜市场", "某路1号")
        return f"location {latitude:.3f},{longitude:.3f}", emu.send_location(
            user, latitude, longitude)
    if kind == "other":
        other = rng.choice(("sticker", "voice", "contact", "file", "picture file"))
        if other == "sticker":
            return other, emu.send_sticker(user)
        if other == "voice":
            return other, emu.send_voice(user)
        if other == "contact":
            return other, emu.send_contact(user, "+8613800000000", "李")
        if other == "file":
            return other, emu.send_document(user, b"%PDF-1.4 ...", "notes.pdf",
                                            "application/pdf")
        return other, emu.send_document(user, make_png(20, 20, (1, 2, 3)), "smoke.png",
                                        "image/png")
    if kind == "edit" and sent_texts:
        return "edit", emu.edit_text(user, rng.choice(sent_texts), rng.choice(TEXTS))
    text = rng.choice(TEXTS)
    update = emu.send_text(user, text)
    sent_texts.append(update["message"])
    return f"text {text[:20]}", update


async def _walk(bot, user: TgUser, rng: random.Random,
                points: list[tuple[float, float]]) -> None:
    emu = bot.emulator
    sent_texts: list[dict] = []
    for number in range(STEPS):
        if number == STEPS // 2:
            await bot.restart()  # the process stopped and started in the middle
        before = len(emu.sent(user.id))
        what, update = await _step(bot, user, rng, points, sent_texts)
        emu.send_text(user, "/my")  # taken once the step is done
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 15
        while not any(_is_my_list(m) for m in emu.sent(user.id)[before:]):
            assert loop.time() < deadline, f"step {number} ({what}): no answer to /my"
            await asyncio.sleep(0.01)
        outputs = emu.sent(user.id)[before:]
        outputs = outputs[:next(i for i, m in enumerate(outputs) if _is_my_list(m))]
        pressed = "callback_query" in update
        answered = bool(outputs) or (pressed and emu.answers(update["callback_query"]["id"]))
        assert answered, f"step {number} ({what}) got no answer"


@pytest.mark.parametrize("seed", SEEDS)
async def test_residents_doing_anything_are_always_answered(
        db_url: str, tmp_path: Path, seed: int, caplog: pytest.LogCaptureFixture) -> None:
    sections = {"intake": {"flood_messages": 10_000}, "bot": {"rate_limit": False}}
    caplog.set_level(logging.ERROR)
    async with running_bot(db_url, tmp_path, grids=GRIDS, roster=ROSTER,
                           sections=sections) as bot:
        points = [await point_in(bot.db, code) for code in GRID_CODES]
        rng = random.Random(seed)
        residents = (TgUser(2001, "周", "一", language_code="zh-hans"),
                     TgUser(2002, "Eve", "Brown", language_code="en"))
        for user in residents:
            await _walk(bot, user, rng, points)
        failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert failures == []
        told = {number for user in residents for message in bot.emulator.sent(user.id)
                for number in CASE_NUMBER.findall(message.get("text") or "")}
        async with bot.db.sessions() as session:
            numbers = set((await session.scalars(select(Case.number))).all())
            orphans = (await session.scalars(select(Report.id).where(
                Report.case_id.is_(None)))).all()
        assert told <= numbers  # every case number told is a case that exists
        assert orphans == []  # every report is in a case
