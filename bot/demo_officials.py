"""The end of `make demo`: an official asks /status in the street's official chat, then
/status chart, and gets the figures and the chart (called from bot/demo.py)."""

from __future__ import annotations

from typing import Any

from bot.emulator import BotApiEmulator, TgChat, TgUser

STREET_CHAT = TgChat(-1002000000001, "supergroup", "柏杨街道干部群")
OFFICIAL = TgUser(6100000301, "志华", "何", language_code="zh-hans")


async def official_asks_status(emulator: BotApiEmulator, runtime: Any, show: Any) -> None:
    """何志华 (official of 柏杨街道) asks /status and /status chart in the street's chat."""
    show.heading("干部在街道干部群查看：/status，再看图表 /status chart")
    emulator.add_group_member(STREET_CHAT, OFFICIAL)
    emulator.send_text(OFFICIAL, "/status@lantian_bot", chat=STREET_CHAT)
    [status] = await emulator.wait_for(lambda m: (m.get("text") or "").startswith("📊"),
                                       chat_id=STREET_CHAT.id, timeout=15)
    show.full(status)
    emulator.send_text(OFFICIAL, "/status chart", chat=STREET_CHAT)
    await emulator.wait_for(lambda m: m.get("method") == "sendPhoto", chat_id=STREET_CHAT.id,
                            timeout=30)
    show.flush()
    upload = next(u for u in reversed(emulator.uploaded_files) if u["method"] == "sendPhoto")
    print(f"  (chart: {len(upload['data']):,} bytes PNG, Chinese labels in Noto Sans CJK SC)",
          flush=True)
