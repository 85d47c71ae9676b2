"""The chart renders Chinese labels with a real CJK font (no tofu boxes)."""

from __future__ import annotations

from datetime import date, timedelta

from matplotlib.ft2font import FT2Font

from dispatch.figures_chart import cjk_family, cjk_font_path, render_chart
from dispatch.figures_daily import ChartLabels, DailySeries


def test_cjk_font_is_shipped_and_covers_the_labels() -> None:
    path = cjk_font_path()
    assert path is not None, "mplfonts (Noto Sans CJK SC) must be installed"
    font = FT2Font(path)
    for char in "柏杨街道每日工单焚烧烟花爆竹扬尘及时到场率":
        assert font.get_char_index(ord(char)) != 0, char
    assert cjk_family()[0] == "Noto Sans CJK SC"


def test_render_chart_gives_a_png() -> None:
    days = [date(2026, 11, 1) + timedelta(days=i) for i in range(14)]
    series = DailySeries(days, {"burning": [1] * 14, "dust": [0, 2] * 7},
                         [None, 0.5] * 7)
    labels = ChartLabels("柏杨街道", "工单数", "及时到场率", "及时到场率",
                         {"burning": "焚烧", "dust": "扬尘"})
    png = render_chart(series, labels)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
