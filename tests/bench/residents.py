"""Residents for the benchmarks: where they stand, what they write, and how they answer.

A simulated resident answers what the bot asks, as a person would: sends a photo and a
sentence, shares the location when asked, confirms the category the bot guessed (its first
button), and submits the summary. Points are spread over the town's grids at random (fixed
seed), with a mix of complaints, so some reports open cases and some join a duplicate, as
on a real evening.
"""

from __future__ import annotations

import random
from typing import Any

from shapely.geometry import Point, shape
from sqlalchemy import select

from bot.emulator import TgUser
from bot.emulator.files import make_png
from storage.db import Database
from storage.models import Grid
from tests.e2e.harness import CASE_NUMBER, button_data

TEXTS = (
    "河边有人在烧垃圾和塑料，烟很大",
    "小区楼下有人放鞭炮，响了好久",
    "工地没有围挡，渣土车进出扬尘很大",
    "田里有人焚烧秸秆，整片都是烟",
    "楼下有人烧纸钱，烟熏到家里了",
)
UPDATES_PER_REPORT = 5  # photo, text, location, category press, submit press


async def town_points(db: Database, count: int, seed: int = 11) -> list[tuple[float, float]]:
    """`count` WGS-84 (lat, lon) points inside the town's leaf grids, spread at random."""
    async with db.sessions() as session:
        rows = (await session.execute(select(Grid.geometry).where(Grid.level == "grid"))).all()
    shapes = [shape(row.geometry) for row in rows]
    rng = random.Random(seed)
    points = []
    while len(points) < count:
        polygon = rng.choice(shapes)
        min_x, min_y, max_x, max_y = polygon.bounds
        x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
        if polygon.contains(Point(x, y)):
            points.append((y, x))
    return points


def photo_of(seed: int) -> bytes:
    """A small distinct picture (made before a clock starts: the camera is not the bot)."""
    return make_png(640, 480, (seed % 251, seed * 7 % 253, seed * 13 % 255))


def text_of(seed: int) -> str:
    """One of the complaint texts."""
    return TEXTS[seed % len(TEXTS)]


async def report(bot: Any, user: TgUser, point: tuple[float, float], text: str,
                 photo: bytes | None = None, timeout: float = 120) -> dict:
    """Report like a person and return the receipt (the summary, edited in place)."""
    emu = bot.emulator
    if photo is not None:
        emu.send_photo(user, photo)
        await bot.reply(user.id, timeout=timeout)
    emu.send_text(user, text)
    await bot.reply(user.id, timeout=timeout)
    emu.send_location(user, *point)
    question = await bot.reply(user.id, timeout=timeout)
    emu.press_button(user, question, button_data(question)[0])  # the guess, or the first type
    summary = await bot.question(user.id, timeout=timeout)
    emu.press_button(user, summary, next(d for d in button_data(summary)
                                         if d.endswith(":submit")))
    [receipt] = await bot.edits(user.id, timeout=timeout, predicate=lambda m: CASE_NUMBER.search(
        m.get("text") or "") is not None)
    return receipt
