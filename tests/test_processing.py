"""Updates of one chat run in order; a busy chat does not hold other chats up."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.processing import PerChatUpdateProcessor


def update_in(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, "private")
    return Update(update_id, message=Message(update_id, None, chat))  # type: ignore[arg-type]


async def test_one_chat_in_order_other_chats_alongside() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=2)
    await processor.initialize()
    log: list[str] = []
    release = asyncio.Event()

    async def slow(name: str) -> None:
        log.append(f"start {name}")
        await release.wait()
        log.append(f"end {name}")

    async def quick(name: str) -> None:
        log.append(f"run {name}")

    busy = [asyncio.create_task(processor.process_update(update_in(1, i), slow(f"a{i}")))
            for i in range(5)]
    await asyncio.sleep(0.01)
    other = asyncio.create_task(processor.process_update(update_in(2, 99), quick("b")))
    await asyncio.wait_for(other, 1)  # not stuck behind chat 1's queue (only 2 slots)
    assert log == ["start a0", "run b"]
    release.set()
    await asyncio.gather(*busy)
    starts = [entry for entry in log if entry.startswith("start")]
    assert starts == [f"start a{i}" for i in range(5)]
    assert processor._locks == {}
