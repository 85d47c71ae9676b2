"""`make demo`: the real bot on the embedded defaults, driven through the emulator.

SQLite in a temporary folder, the Bot API emulator on a free local port, the demo town from
`examples/` (巫溪县柏杨街道: 白马, 墨斗, 新华, 丰益) and a scripted session whose chat
transcript is printed as it happens. Exits non-zero when any step does not get its answer.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from shapely.geometry import shape
from sqlalchemy import select

from bot.emulator import BotApiEmulator, TgUser
from bot.runtime import BotRuntime
from bot.settings import Settings
from dispatch.clock import ManualClock
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Grid

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

    def flush(self) -> None:
        lines = self.emulator.transcript_lines()
        for line in lines[self.printed:]:
            print(f"  {line}", flush=True)
        self.printed = len(lines)


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
    [question] = await bot.wait_for(chat_id=RESIDENT.id, timeout=10)
    show.flush()
    bot.press_button(RESIDENT, question, question["reply_markup"]["inline_keyboard"][0][0][
        "callback_data"])
    await bot.wait_for(lambda m: bool((m.get("reply_markup") or {}).get("inline_keyboard")),
                       chat_id=RESIDENT.id, timeout=10)
    latitude, longitude = await point_in(db, "wx-by-bm-01")
    bot.send_location(RESIDENT, latitude, longitude)
    _, summary = await bot.wait_for(chat_id=RESIDENT.id, timeout=10, count=2)
    show.flush()
    bot.press_button(RESIDENT, summary, next(
        b["callback_data"] for row in summary["reply_markup"]["inline_keyboard"] for b in row
        if b["callback_data"].endswith(":submit")))
    await bot.wait_for(chat_id=RESIDENT.id, timeout=10,
                       predicate=lambda m: "编号" in (m.get("text") or ""))
    show.flush()


async def main() -> int:
    """Run the scripted demo; 0 when every step got its answer."""
    logging.getLogger().setLevel(logging.WARNING)
    from dispatch.importers import import_grids, import_roster

    with tempfile.TemporaryDirectory(prefix="lantian-demo-") as tmp:
        db_url = f"sqlite+aiosqlite:///{Path(tmp) / 'lantian.db'}"
        db = Database(db_url)
        await upgrade(db)
        print("Lantian demo — 巫溪县柏杨街道", flush=True)
        print(f"  database: {db_url}", flush=True)
        print(f"  {await import_grids(db, EXAMPLES / 'baiyang.geojson')}", flush=True)
        print(f"  {await import_roster(db, EXAMPLES / 'roster.csv')}", flush=True)
        clock = ManualClock(datetime(2027, 2, 5, 20, 30, tzinfo=SHANGHAI))
        async with BotApiEmulator() as emulator:
            settings = Settings(bot_token=emulator.token, telegram_api_url=emulator.url,
                                database_url=db_url, media_dir=Path(tmp) / "media")
            show = Transcript(emulator)
            runtime = BotRuntime(settings, db=db, clock=clock)
            await runtime.start()
            try:
                await resident_reports_fireworks(emulator, db, show)
            except TimeoutError as exc:
                show.flush()
                print(f"\ndemo step failed: {exc}", file=sys.stderr)
                return 1
            finally:
                await runtime.stop()
                await db.dispose()
        show.flush()
        print("\nDemo finished.", flush=True)
    return 0
