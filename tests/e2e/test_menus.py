"""Each audience sees only its commands; a poster's subscribe link works."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from handlers.menus import private_menu
from storage.models import Subscription
from tests.e2e.harness import ZHANG
from tests.e2e.test_dispatch import town


async def _menus(bot, timeout: float = 10.0) -> dict:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        menus = {key: [c["command"] for c in commands]
                 for key, commands in bot.emulator.commands.items()}
        if ("chat:6100000301", "") in menus and ("chat:-1002000000001", "") in menus:
            return menus
        await asyncio.sleep(0.1)
    raise TimeoutError(f"menus not set: {sorted(bot.emulator.commands)}")


async def test_menus_per_audience(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        menus = await _menus(bot)
    residents = menus[("all_private_chats", "")]
    assert "report" in residents and "checkin" not in residents and "status" not in residents
    assert menus[("all_group_chats", "")] == ["help"]
    assert "bind" in menus[("all_chat_administrators", "")]
    patrol = menus[("chat:6100000101", "")]            # 张建国, a patrol member
    assert "checkin" in patrol and "report" in patrol and "status" not in patrol
    official = menus[("chat:6100000301", "")]          # 何志华, an official
    assert "status" in official and "checkin" not in official
    assert "status" in menus[("chat:-1002000000001", "")]   # the street's official chat
    assert menus[("chat:-1001000000011", "")] == ["duty", "help"]  # a patrol chat
    assert ("chat:6100000301", "en") in menus  # every menu in English too


def test_people_with_several_roles_get_the_union() -> None:
    menu = private_menu({"patrol", "official"})
    assert {"checkin", "status", "report"} <= set(menu)
    assert private_menu(set()) == private_menu({"resident"})


async def test_a_poster_link_subscribes_to_its_grid(db_url: str, tmp_path: Path) -> None:
    async with town(db_url, tmp_path) as bot:
        [answer] = await bot.say(ZHANG, "/start s_wx-by-fy")
        assert "丰益社区" in answer["text"]
        async with bot.db.sessions() as session:
            [sub] = (await session.execute(select(Subscription))).scalars().all()
        assert sub.chat_id == ZHANG.id
        assert bot.svc.catalog.router.get(sub.grid_id).code == "wx-by-fy"
