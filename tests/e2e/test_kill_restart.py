"""`lantian run` killed (SIGKILL) in the middle of the escalation ladder and started again:
the ladder goes on where it was, and no step is sent twice. Real time, second-scale limits."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from sqlalchemy import select

from bot.demo import point_in, town_chats
from bot.emulator import BotApiEmulator
from dispatch.importing import import_grids, import_roster
from storage.db import Database
from storage.models import Event
from tests.e2e.harness import ALICE, GRIDS, ROSTER, ZHANG
from tests.e2e.test_process import _env

CONFIG = """
[sla]
ack = "1s"
on_site_workday = "30s"
on_site_offhours = "30s"
sweep = "300ms"
[escalation]
interval = "2s"
"""
LEADER_ID = 6100000201
STREET_OFFICIALS = -1002000000001


async def _start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)


async def _report(emu: BotApiEmulator, point: tuple[float, float]) -> None:
    def new(m: dict) -> bool:
        return not m["method"].startswith("edit")

    emu.send_location(ZHANG, *point)
    await emu.wait_for(new, chat_id=ZHANG.id, timeout=30)
    emu.send_text(ZHANG, "河边有人烧垃圾")
    [confirm] = await emu.wait_for(new, chat_id=ZHANG.id, timeout=30)
    emu.press_button(ZHANG, confirm, next(b["callback_data"] for row in confirm[
        "reply_markup"]["inline_keyboard"] for b in row if b["callback_data"].endswith("burning")))
    [summary] = await emu.wait_for(lambda m: "提交" in str(m.get("reply_markup")),
                                   chat_id=ZHANG.id, timeout=30)
    emu.press_button(ZHANG, summary, next(b["callback_data"] for row in summary[
        "reply_markup"]["inline_keyboard"] for b in row if b["callback_data"].endswith("submit")))


async def test_killed_mid_ladder_and_restarted(db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "lantian.toml"
    config.write_text(CONFIG, encoding="utf-8")
    db = Database(db_url)
    await import_grids(db, GRIDS)
    await import_roster(db, ROSTER)
    point = await point_in(db, "wx-by-bm-01")
    async with BotApiEmulator() as emu:
        chats = await town_chats(emu, db)
        patrol_chat = chats["wx-by-bm-01"].id
        env = _env(emu, db_url, tmp_path) | {"LANTIAN_CONFIG": str(config)}
        process = await _start(env, tmp_path)
        try:
            await _report(emu, point)
            await emu.wait_for(lambda m: "⏰" in (m.get("text") or ""), chat_id=patrol_chat,
                               timeout=30)
            process.send_signal(signal.SIGKILL)  # no clean shutdown at all
            await process.wait()
            await asyncio.sleep(2.5)  # step 2 falls due while the bot is down
            process = await _start(env, tmp_path)
            for chat_id in (LEADER_ID, STREET_OFFICIALS):
                await emu.wait_for(lambda m: "工单" in (m.get("text") or ""), chat_id=chat_id,
                                   timeout=30)
            await asyncio.sleep(3)  # time enough for any duplicate to show up
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.communicate(), 30)
        reminders = [m for m in emu.sent(patrol_chat) if "⏰" in (m.get("text") or "")]
        assert len(reminders) == 1
        # Only the case's messages: the real clock may also bring the leader a check-in
        # alert (a shift that began half an hour ago), which is not what this test is about.
        def about_the_case(chat_id: int) -> list[str]:
            return [m["text"] for m in emu.sent(chat_id) if "工单" in (m.get("text") or "")]

        assert len(about_the_case(LEADER_ID)) == 1, about_the_case(LEADER_ID)
        assert len(about_the_case(STREET_OFFICIALS)) == 1, about_the_case(STREET_OFFICIALS)
        async with db.sessions() as session:
            steps = [d["step"] for d in (await session.execute(
                select(Event.data).where(Event.kind == "escalated").order_by(Event.id)))
                .scalars()]
        assert steps == [1, 2, 3]
    await db.dispose()


async def test_killed_mid_draft_and_restarted_the_residents_go_on(db_url: str,
                                                                   tmp_path: Path) -> None:
    """`lantian run` killed while two residents (zh and en) are half-way through a report:
    after the restart each sends the location and finishes; nothing given before is lost,
    and the message Telegram hands out again (its confirmation never arrived) is not
    taken twice."""
    from bot.emulator.files import make_png
    from storage.models import Report

    db = Database(db_url)
    await import_grids(db, GRIDS)
    await import_roster(db, ROSTER)
    point = await point_in(db, "wx-by-bm-01")

    def new(m: dict) -> bool:
        return not m["method"].startswith("edit")

    def data(message: dict, suffix: str) -> str:
        return next(b["callback_data"] for row in message["reply_markup"]["inline_keyboard"]
                    for b in row if b["callback_data"].endswith(suffix))

    def offers(suffix: str):
        def match(message: dict) -> bool:
            rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
            return new(message) and any(b.get("callback_data", "").endswith(suffix)
                                        for row in rows for b in row)
        return match

    async with BotApiEmulator() as emu:
        await town_chats(emu, db)
        env = _env(emu, db_url, tmp_path)
        process = await _start(env, tmp_path)
        try:
            emu.send_photo(ZHANG, make_png(16, 16, (9, 9, 9)), caption="工地没有围挡，扬尘很大")
            [taken] = await emu.wait_for(new, chat_id=ZHANG.id, timeout=30)
            assert "照片已收到（1/5）" in taken["text"]
            text = emu.send_text(ALICE, "Someone is burning rubbish by the river, lots of smoke")
            [noted] = await emu.wait_for(new, chat_id=ALICE.id, timeout=30)
            assert "Description noted" in noted["text"]
            process.send_signal(signal.SIGKILL)  # no clean shutdown at all
            await process.wait()
            # Killed before it confirmed Alice's message (its next getUpdates): Telegram
            # hands it out again, once, whether or not the kill really came that early.
            emu.redeliver(text)
            process = await _start(env, tmp_path)
            [again] = await emu.wait_for(new, chat_id=ALICE.id, timeout=30)
            assert "location" in again["text"] and "Description noted" not in again["text"]
            for user, kind, label in ((ZHANG, "dust", "照片：1 张"),
                                      (ALICE, "burning", "burning rubbish")):
                emu.send_location(user, *point)
                [confirm] = await emu.wait_for(offers(kind), chat_id=user.id, timeout=30)
                emu.press_button(user, confirm, data(confirm, kind))
                [summary] = await emu.wait_for(lambda m: ":submit" in str(m.get("reply_markup")),
                                               chat_id=user.id, timeout=30)
                assert label in summary["text"]
                emu.press_button(user, summary, data(summary, ":submit"))
                await emu.wait_for(lambda m: "20" in (m.get("text") or "") and (
                    "编号" in m["text"] or "number" in m["text"]), chat_id=user.id, timeout=30)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.communicate(), 30)
        async with db.sessions() as session:
            reports = {r.reporter_user_id: r for r in (await session.execute(
                select(Report))).scalars()}
        assert reports[ZHANG.id].text == "工地没有围挡，扬尘很大"
        assert len(reports[ZHANG.id].photos) == 1 and reports[ZHANG.id].category == "dust"
        assert reports[ALICE.id].category == "burning"
        assert reports[ALICE.id].text == "Someone is burning rubbish by the river, lots of smoke"
    await db.dispose()
