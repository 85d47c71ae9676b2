"""`make demo`: the real bot on the embedded defaults, driven through the emulator.

SQLite in a temporary folder, the Bot API emulator on a free local port, the demo town from
`examples/` (巫溪县柏杨街道: 白马, 墨斗, 新华, 丰益) and a scripted session whose chat
transcript is printed as it happens. Exits non-zero when any step does not get its answer.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from shapely.geometry import shape
from sqlalchemy import select

from bot.emulator import BotApiEmulator, TgChat, TgUser
from bot.runtime import BotRuntime
from bot.settings import Settings
from dispatch.clock import ManualClock
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Grid, Membership, Person

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SHANGHAI = ZoneInfo("Asia/Shanghai")
RESIDENT = TgUser(7000001, "王", "阿姨", language_code="zh-hans")


class Transcript:
    """Prints the emulator's transcript incrementally, under headings."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator
        self.printed = 0

    def heading(self, text: str) -> None:
        self.flush()
        print(f"\n━━ {text} ━━", flush=True)

    def full(self, message: dict) -> None:
        """Print one bot message in full (the transcript shortens long ones)."""
        self.flush()
        text = message.get("caption") or message.get("text") or ""
        print("  ┌" + "─" * 60, flush=True)
        for line in text.splitlines():
            print(f"  │ {line}", flush=True)
        print("  └" + "─" * 60, flush=True)

    def flush(self) -> None:
        lines = self.emulator.transcript_lines()
        for line in lines[self.printed:]:
            print(f"  {line}", flush=True)
        self.printed = len(lines)


async def town_chats(emulator: BotApiEmulator, db: Database) -> dict[str, TgChat]:
    """Make the emulator know the town's patrol and official group chats, with the roster's
    people as members (Telegram knows them because they exist). Keyed by grid code (patrol
    chats) and `official:<chat id>`."""
    async with db.sessions() as session:
        grids = (await session.execute(select(Grid))).scalars().all()
        people = (await session.execute(
            select(Person, Membership.grid_id, Membership.role)
            .join(Membership, Membership.person_id == Person.id))).all()
    chats: dict[str, TgChat] = {}
    for grid in grids:
        if grid.patrol_chat_id:
            chat = TgChat(grid.patrol_chat_id, "supergroup", f"{grid.name}巡查群")
            emulator.add_chat(chat)
            chats[grid.code] = chat
        for official in grid.official_chats:
            chat = TgChat(official.chat_id, "supergroup", f"{grid.name}工作群")
            emulator.add_chat(chat)
            chats[f"official:{official.chat_id}"] = chat
    by_id = {grid.id: grid for grid in grids}
    for person, grid_id, _role in people:
        user = TgUser(person.telegram_id, person.name)
        emulator.add_chat(user)
        grid = by_id.get(grid_id)
        if grid is not None and grid.code in chats:
            emulator.add_group_member(chats[grid.code], user)
    return chats


async def point_in(db: Database, code: str) -> tuple[float, float]:
    """A WGS-84 (lat, lon) inside the grid `code`."""
    async with db.sessions() as session:
        geometry = await session.scalar(select(Grid.geometry).where(Grid.code == code))
    point = shape(geometry).representative_point()
    return point.y, point.x


async def resident_reports_fireworks(bot: BotApiEmulator, db: Database, show: Transcript) -> None:
    """A resident reports fireworks with photo and location."""
    show.heading("居民举报：除夕夜有人在小区里放烟花（照片 + 位置 + 文字）")
    bot.send_text(RESIDENT, "/start")
    await bot.wait_for(chat_id=RESIDENT.id, timeout=10)
    bot.send_photo(RESIDENT, caption="白马小区3栋楼下有人放烟花，好多鞭炮")
    await bot.wait_for(chat_id=RESIDENT.id, timeout=10)  # the photo is in; where is it?
    show.flush()
    latitude, longitude = await point_in(db, "wx-by-bm-01")
    bot.send_location(RESIDENT, latitude, longitude)
    [question] = await bot.wait_for(chat_id=RESIDENT.id, timeout=10)  # "fireworks, right?"
    show.flush()
    bot.press_button(RESIDENT, question, question["reply_markup"]["inline_keyboard"][0][0][
        "callback_data"])
    [summary] = await bot.wait_for(lambda m: ":submit" in str(m.get("reply_markup")),
                                   chat_id=RESIDENT.id, timeout=10)  # the question, edited
    show.flush()
    bot.press_button(RESIDENT, summary, next(
        b["callback_data"] for row in summary["reply_markup"]["inline_keyboard"] for b in row
        if b["callback_data"].endswith(":submit")))
    await bot.wait_for(chat_id=RESIDENT.id, timeout=10,
                       predicate=lambda m: "编号" in (m.get("text") or ""))
    show.flush()


PATROL_DAY = TgUser(6100000101, "张建国")
PATROL_NIGHT = TgUser(6100000102, "李秀英")


def _button(message: dict, suffix_or_prefix: str) -> str:
    for row in message["reply_markup"]["inline_keyboard"]:
        for button in row:
            data = button["callback_data"]
            if data.startswith(suffix_or_prefix) or data.endswith(suffix_or_prefix):
                return data
    raise LookupError(f"no button {suffix_or_prefix!r} in {message.get('text')!r}")


async def patrol_handles_the_case(bot: BotApiEmulator, db: Database, clock: ManualClock,
                                  chats: dict[str, TgChat], show: Transcript) -> None:
    """The case reaches the patrol chat; 接单, 到场 (private location), 办结; the resident
    hears each step and rates the outcome."""
    show.heading("派单到白马第一网格巡查群（除夕夜：全员在岗）")
    patrol_chat = chats["wx-by-bm-01"]
    [card] = await bot.wait_for(lambda m: "工单" in (m.get("caption") or m.get("text") or "")
                                and bool(m.get("reply_markup")), chat_id=patrol_chat.id,
                                timeout=10)
    await bot.wait_for(lambda m: "location" in m, chat_id=patrol_chat.id, timeout=10)
    show.full(card)
    show.heading("网格员接单、到场、办结")
    clock.advance(timedelta(minutes=4))
    bot.press_button(PATROL_NIGHT, card, _button(card, "cs:ack:"))
    await bot.wait_for(chat_id=RESIDENT.id, timeout=10,
                       predicate=lambda m: "接单" in (m.get("text") or ""))
    [card] = await bot.wait_for(lambda m: "cs:arr:" in str(m.get("reply_markup")),
                                chat_id=patrol_chat.id, timeout=10)
    bot.press_button(PATROL_NIGHT, card, _button(card, "cs:arr:"))
    await bot.wait_for(chat_id=PATROL_NIGHT.id, timeout=10)
    clock.advance(timedelta(minutes=15))
    latitude, longitude = await point_in(db, "wx-by-bm-01")
    bot.send_location(PATROL_NIGHT, latitude + 0.0004, longitude)
    await bot.wait_for(chat_id=RESIDENT.id, timeout=10,
                       predicate=lambda m: "到达现场" in (m.get("text") or ""))
    [card] = await bot.wait_for(lambda m: "cs:res:" in str(m.get("reply_markup"))
                                and "到场" in (m.get("caption") or m.get("text") or ""),
                                chat_id=patrol_chat.id, timeout=10)
    bot.press_button(PATROL_NIGHT, card, _button(card, "cs:res:"))
    await bot.wait_for(lambda m: "cs:out:" in str(m.get("reply_markup")),
                       chat_id=patrol_chat.id, timeout=10)
    clock.advance(timedelta(minutes=10))
    card = bot.message(patrol_chat.id, card["message_id"])
    bot.press_button(PATROL_NIGHT, card, _button(card, ":stopped"))
    outcome = (await bot.wait_for(chat_id=RESIDENT.id, timeout=10,
                                  predicate=lambda m: "已办结" in (m.get("text") or "")))[0]
    show.flush()
    show.heading("居民收到处理结果并评价")
    bot.press_button(RESIDENT, outcome, _button(outcome, ":y"))
    await bot.wait_for(chat_id=RESIDENT.id, timeout=10,
                       predicate=lambda m: "感谢您的评价" in (m.get("text") or ""))
    show.flush()


async def main() -> int:
    """Run the scripted demo; 0 when every step got its answer."""
    logging.getLogger().setLevel(logging.WARNING)
    from dispatch.importing import import_grids, import_roster

    with tempfile.TemporaryDirectory(prefix="lantian-demo-") as tmp:
        db_url = f"sqlite+aiosqlite:///{Path(tmp) / 'lantian.db'}"
        db = Database(db_url)
        await upgrade(db)
        print("Lantian demo — 巫溪县柏杨街道", flush=True)
        print(f"  database: {db_url}", flush=True)
        print(f"  {await import_grids(db, EXAMPLES / 'baiyang.geojson')}", flush=True)
        print(f"  {await import_roster(db, EXAMPLES / 'roster.csv')}", flush=True)
        # The day before 除夕: reminders and notices first, then the night itself.
        clock = ManualClock(datetime(2027, 2, 4, 14, 0, tzinfo=SHANGHAI))
        async with BotApiEmulator() as emulator:
            settings = Settings(bot_token=emulator.token, telegram_api_url=emulator.url,
                                database_url=db_url, media_dir=Path(tmp) / "media")
            show = Transcript(emulator)
            chats = await town_chats(emulator, db)
            runtime = BotRuntime(settings, db=db, clock=clock)
            await runtime.start()
            try:
                from bot.demo_reminders import chuxi_reminders

                await chuxi_reminders(emulator, runtime, clock, show)
                clock.set(datetime(2027, 2, 5, 20, 30, tzinfo=SHANGHAI))
                await resident_reports_fireworks(emulator, db, show)
                await patrol_handles_the_case(emulator, db, clock, chats, show)
                from bot.demo_officials import official_asks_status

                await official_asks_status(emulator, runtime, show)
            except (TimeoutError, LookupError) as exc:
                show.flush()
                print(f"\ndemo step failed: {exc}", file=sys.stderr)
                return 1
            finally:
                await runtime.stop()
                await db.dispose()
        show.flush()
        print("\nDemo finished.", flush=True)
    return 0
