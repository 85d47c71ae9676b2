"""End-to-end harness: the real bot (BotRuntime) against the Bot API emulator.

`BotHarness` starts the emulator, points the runtime at it and a migrated database, and
offers a few conveniences for writing scenarios: send as a person, wait for the bot's
answer in a chat, press a button of the bot's last message.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.emulator import BotApiEmulator, TgChat, TgUser
from bot.runtime import BotRuntime
from bot.settings import Settings
from dispatch.clock import Clock, ManualClock
from storage.db import Database

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GRIDS = EXAMPLES / "baiyang.geojson"
ROSTER = EXAMPLES / "roster.csv"
ZHANG = TgUser(1001, "张", "三", language_code="zh-hans")
ALICE = TgUser(1002, "Alice", "Smith", language_code="en")
CASE_NUMBER = re.compile(r"\b\d{8}-\d{4}\b")


def settings_for(emulator: BotApiEmulator, db_url: str, media_dir: Path,
                 sections: dict[str, dict[str, Any]] | None = None) -> Settings:
    """Settings pointing the bot at `emulator` and `db_url`."""
    sections = sections or {}
    return Settings(bot_token=emulator.token, telegram_api_url=emulator.url,
                    database_url=db_url, media_dir=media_dir, sections=sections,
                    rate_limit=sections.get("bot", {}).get("rate_limit", True))


@dataclass
class BotHarness:
    """A running bot and its emulator."""

    emulator: BotApiEmulator
    runtime: BotRuntime
    db: Database
    clock: Clock
    settings: Settings
    tmp: Path
    last: dict[int, dict[str, Any]] = field(default_factory=dict)
    # The town's group chats known to the emulator: grid code → patrol chat,
    # "official:<id>" → official chat.
    chats: dict[str, TgChat] = field(default_factory=dict)

    @property
    def svc(self):
        """The runtime's services (database, catalogue, clock)."""
        return self.runtime.services

    async def replies(self, chat_id: int, count: int = 1, timeout: float = 5.0,
                      predicate: Callable[[dict[str, Any]], bool] | None = None) -> list[dict]:
        """The next `count` new bot messages in `chat_id` (edits are skipped; see `edits`)."""
        def wanted(message: dict[str, Any]) -> bool:
            return is_new(message) and (predicate is None or predicate(message))

        found = await self.emulator.wait_for(wanted, chat_id=chat_id, timeout=timeout,
                                             count=count)
        self.last[chat_id] = found[-1]
        return found

    async def edits(self, chat_id: int, count: int = 1, timeout: float = 5.0,
                    predicate: Callable[[dict[str, Any]], bool] | None = None) -> list[dict]:
        """The next `count` edits the bot made in `chat_id` (matching `predicate`)."""
        return await self.emulator.wait_for(
            lambda m: not is_new(m) and (predicate is None or predicate(m)),
            chat_id=chat_id, timeout=timeout, count=count)

    async def question(self, chat_id: int, timeout: float = 5.0) -> dict:
        """The next question the bot put to `chat_id`: a message, new or edited in place, that
        carries buttons or a keyboard (edits that only remove buttons are skipped)."""
        def asks(message: dict[str, Any]) -> bool:
            markup = message.get("reply_markup") or {}
            return bool(markup.get("inline_keyboard") or markup.get("keyboard"))

        [found] = await self.emulator.wait_for(asks, chat_id=chat_id, timeout=timeout)
        self.last[chat_id] = found
        return found

    async def reply(self, chat_id: int, timeout: float = 5.0,
                    predicate: Callable[[dict[str, Any]], bool] | None = None) -> dict:
        """The next bot message in `chat_id`."""
        return (await self.replies(chat_id, 1, timeout, predicate))[0]

    async def say(self, user: TgUser, text: str, chat: TgChat | None = None,
                  count: int = 1) -> list[dict]:
        """Send a text as `user` and return the bot's next `count` answers in that chat."""
        self.emulator.send_text(user, text, chat=chat)
        return await self.replies(chat.id if chat else user.id, count)

    async def press(self, user: TgUser, message: dict, label_or_data: str,
                    forged: bool = False) -> dict:
        """Press a button of `message` and wait for the bot's answer to the press."""
        update = self.emulator.press_button(user, message, label_or_data, forged=forged)
        await self.emulator.wait_for_answer(update["callback_query"]["id"])
        return update

    def answers(self, update: dict) -> list[dict]:
        """What the bot answered to a button press (answerCallbackQuery calls)."""
        return self.emulator.answers(update["callback_query"]["id"])

    async def press_action(self, user: TgUser, message: dict, action: str) -> dict:
        """Press the button of `message` whose callback data ends with `:<action>`."""
        data = next(d for d in button_data(message) if d.endswith(f":{action}"))
        return await self.press(user, message, data)

    async def outbox_idle(self, timeout: float = 30.0, poll: float = 0.05) -> None:
        """Wait until the outbox has nothing left to deliver (looking every `poll` s)."""
        import asyncio

        from dispatch.outbox import pending_count

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            async with self.db.sessions() as session:
                if await pending_count(session) == 0:
                    return
            if loop.time() > deadline:
                raise TimeoutError("the outbox still has pending messages")
            await asyncio.sleep(poll)

    async def restart(self) -> None:
        """Stop the bot process state entirely and start a fresh runtime on the same data."""
        await self.runtime.stop()
        self.runtime = BotRuntime(self.settings, db=self.db, clock=self.clock,
                                  run_jobs=self.runtime.run_jobs)
        await self.runtime.start()


def is_new(message: dict[str, Any]) -> bool:
    """A message the bot sent (not an edit of an earlier one)."""
    return not str(message.get("method", "send")).startswith("edit")


def buttons(message: dict) -> list[str]:
    """Texts of a message's inline buttons, row by row."""
    markup = message.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


def button_data(message: dict) -> list[str]:
    """Callback data of a message's inline buttons."""
    markup = message.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


@asynccontextmanager
async def running_bot(db_url: str, tmp: Path, *, start: datetime | None = None,
                      sections: dict[str, dict[str, Any]] | None = None,
                      grids: Path | None = None, roster: Path | None = None,
                      emulator: BotApiEmulator | None = None,
                      jobs: bool = False) -> AsyncIterator[BotHarness]:
    """A bot on `db_url` (already migrated), optionally with grids and a roster imported.

    The periodic jobs (sweeps, ticks) are paused unless `jobs`: scenarios call them after
    moving the clock, so nothing fires behind a test's back.
    """
    own_emulator = emulator is None
    emulator = emulator or BotApiEmulator()
    if own_emulator:
        await emulator.start()
    db = Database(db_url)
    try:
        if grids is not None or roster is not None:
            from dispatch.importing import import_grids, import_roster

            if grids is not None:
                await import_grids(db, grids)
            if roster is not None:
                await import_roster(db, roster)
        chats = {}
        if grids is not None:
            from bot.demo import town_chats

            chats = await town_chats(emulator, db)
        clock = ManualClock(start) if start is not None else Clock()
        settings = settings_for(emulator, db_url, tmp / "media", sections)
        runtime = BotRuntime(settings, db=db, clock=clock, run_jobs=jobs)
        await runtime.start()
        harness = BotHarness(emulator, runtime, db, clock, settings, tmp, chats=chats)
        try:
            yield harness
        finally:
            await harness.runtime.stop()
    finally:
        await db.dispose()
        if own_emulator:
            await emulator.stop()


async def file_report(bot: BotHarness, user: TgUser, point: tuple[float, float], text: str,
                      category: str, photo: bool = False) -> dict:
    """A resident reports `text` at `point` and submits; returns the receipt (the summary,
    edited in place into the case number and what happens next)."""
    emu = bot.emulator
    if photo:
        emu.send_photo(user)
        await bot.reply(user.id)
    emu.send_location(user, *point)
    await bot.reply(user.id)
    emu.send_text(user, text)
    question = await bot.reply(user.id)
    await bot.press(user, question, next(d for d in button_data(question)
                                         if d.endswith(f":cat:{category}")))
    summary = await bot.question(user.id)
    return await submit_summary(bot, user, summary)


async def submit_summary(bot: BotHarness, user: TgUser, summary: dict) -> dict:
    """Press 提交 on `summary` and return the receipt it turns into."""
    await bot.press_action(user, summary, "submit")
    [receipt] = await bot.edits(user.id, predicate=lambda m: CASE_NUMBER.search(
        m.get("text") or "") is not None)
    return receipt
