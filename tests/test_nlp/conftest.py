"""Shared fixtures: one gazetteer for the whole session (building one loads jieba's cache)."""

from __future__ import annotations

import logging

import pytest

from nlp import Gazetteer, warm_up

GRIDS = [
    ("G01", "阳光社区", ["阳光小区", "阳光花园"]),
    ("G02", "东风村网格", ["东风村村委会", "东风村"]),
    ("G03", "城关一网格", ["人民路", "解放路"]),
    ("G04", "城关二网格", ["解放路", "新华路", "翠湖苑"]),
    ("G05", "工业园网格", ["万达广场", "滨江工地"]),
    ("G06", "老街网格", ["老街"]),
]


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    logging.getLogger("jieba").setLevel(logging.WARNING)
    warm_up()
    return Gazetteer.from_grids(GRIDS)
