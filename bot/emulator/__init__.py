"""A local Telegram Bot API emulator for driving the real python-telegram-bot end to end.

>>> async with BotApiEmulator() as emu:            # doctest: +SKIP
...     app = ptb_app_for(emu)                      # see bot.emulator.testing
...     emu.send_text(TgUser(1001, "张三"), "/start")
...     [reply] = await emu.wait_for(chat_id=1001)
"""

from bot.emulator.models import FloodLimits, TgChat, TgUser
from bot.emulator.server import BotApiEmulator

__all__ = ["BotApiEmulator", "FloodLimits", "TgChat", "TgUser"]
