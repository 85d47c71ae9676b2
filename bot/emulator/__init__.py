"""A local Telegram Bot API emulator for driving the real python-telegram-bot end to end.

An aiohttp server (:class:`BotApiEmulator`) speaks the Bot API over HTTP; PTB is pointed at
it with ``base_url=f"{emu.url}/bot"`` and ``base_file_url=f"{emu.url}/file/bot"`` (see
:mod:`bot.emulator.testing`). Its Python control API plays the people in Telegram:

* inject: ``send_text``, ``send_photo``, ``send_document``, ``send_location``,
  ``send_venue``, ``send_sticker``, ``send_voice``, ``send_video``, ``send_contact``,
  ``send_poll``, ``edit_text``, ``press_button`` (all synchronous; each returns the Update);
* world: ``add_chat``, ``add_group_member``, ``block_chat``/``unblock_chat``, ``forget_chat``;
* read: ``sent()``, ``await wait_for()``, ``message()``, ``answers()``,
  ``await wait_for_answer()``, ``calls``, ``commands``, ``uploaded_files``, ``stats``,
  ``transcript_lines()``;
* faults: ``fail_next()``, ``set_delay()``, ``redeliver()`` (an update handed out again); flood limits with ``enforce_limits=True``.

Example::

    async with BotApiEmulator() as emu:
        app = ptb_app_for(emu)                      # bot.emulator.testing
        app.add_handler(...)
        async with polling(app):
            emu.send_text(TgUser(1001, "张三"), "/start")
            [reply] = await emu.wait_for(chat_id=1001)
"""

from bot.emulator.models import FloodLimits, TgChat, TgUser
from bot.emulator.server import BotApiEmulator

__all__ = ["BotApiEmulator", "FloodLimits", "TgChat", "TgUser"]
