"""`make demo`, the 除夕 part: a resident subscribes to the ban notices, the patrol chats are
told the day before that 除夕夜 is coming, and the subscriber gets the notices.

The reminder tick normally runs every 30 s on real time; here the background job is paused
and the step moves the demo's clock and runs the tick itself, so the transcript shows
exactly what each moment sends (the job stays paused for the rest of the demo).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.emulator import BotApiEmulator, TgUser
from bot.runtime import BotRuntime
from dispatch.clock import ManualClock
from schedules import reminders

SHANGHAI = ZoneInfo("Asia/Shanghai")
SUBSCRIBER = TgUser(7000002, "李", "大爷", language_code="zh-hans")
PATROL_CHAT_CODE = "wx-by-bm-01"


def _text_has(needle: str):
    return lambda message: needle in (message.get("text") or "")


async def chuxi_reminders(emulator: BotApiEmulator, runtime: BotRuntime, clock: ManualClock,
                          show: Any) -> None:
    """Run the 除夕 reminder scenario from 2027-02-04 14:00 to 除夕 (02-05) 15:00.

    Raises TimeoutError when an expected message does not arrive. `show` is a
    `bot.demo.Transcript`.
    """
    from bot.demo import point_in, town_chats  # bot.demo imports this module

    svc = runtime.services
    if runtime.scheduler is not None and runtime.scheduler.get_job(reminders.JOB_ID):
        runtime.scheduler.pause_job(reminders.JOB_ID)
    chats = await town_chats(emulator, runtime.db)
    patrol_chat = chats[PATROL_CHAT_CODE].id

    clock.set(datetime(2027, 2, 4, 14, 0, tzinfo=SHANGHAI))
    show.heading("居民订阅禁燃禁放公告：/subscribe，再发送位置（2027-02-04 14:00）")
    emulator.send_text(SUBSCRIBER, "/subscribe")
    await emulator.wait_for(chat_id=SUBSCRIBER.id, timeout=10)
    latitude, longitude = await point_in(runtime.db, PATROL_CHAT_CODE)
    emulator.send_location(SUBSCRIBER, latitude, longitude)
    await emulator.wait_for(_text_has("已订阅"), chat_id=SUBSCRIBER.id, timeout=10)
    show.flush()

    clock.set(datetime(2027, 2, 4, 15, 0, tzinfo=SHANGHAI))
    show.heading("除夕前一天 15:00：订阅的居民收到禁燃禁放提示")
    await reminders.tick(svc)
    await emulator.wait_for(_text_has("禁燃禁放提示"), chat_id=SUBSCRIBER.id, timeout=10)
    show.flush()

    clock.set(datetime(2027, 2, 4, 18, 0, tzinfo=SHANGHAI))
    show.heading("除夕前一天 18:00：每个巡查群收到「除夕夜」提醒（明晚 18:00 起，高等级）")
    queued = await reminders.tick(svc)
    await emulator.wait_for(_text_has("除夕夜"), chat_id=patrol_chat, timeout=10)
    await emulator.wait_for(count=max(queued - 1, 0), timeout=30)
    show.flush()

    clock.set(datetime(2027, 2, 5, 15, 0, tzinfo=SHANGHAI))
    show.heading("除夕 15:00：订阅的居民收到“今晚除夕夜”禁燃禁放提示")
    await reminders.tick(svc)
    await emulator.wait_for(_text_has("今晚 18:00起为「除夕夜」"), chat_id=SUBSCRIBER.id,
                            timeout=10)
    show.flush()
