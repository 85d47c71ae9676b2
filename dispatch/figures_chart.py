"""The /status chart: stacked bars of cases per day by category and the on-site-in-time line,
rendered with matplotlib's Agg backend (call `render_chart` in a thread: it is CPU work).

Chinese labels need a CJK font: Noto Sans CJK SC shipped by the `mplfonts` package (a pinned
dependency) is registered with matplotlib's font manager on first use. When it is missing,
the system's fonts are tried (Noto Sans CJK, WenQuanYi, Source Han, SimHei).
"""

from __future__ import annotations

import io
import threading
from importlib import resources

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402  (after choosing the backend)
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator, PercentFormatter  # noqa: E402

from dispatch.figures_daily import ChartLabels, DailySeries  # noqa: E402

FALLBACK_FAMILIES = ["Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
                     "Source Han Sans SC", "SimHei"]
CATEGORY_COLOURS = {"burning": "#d9534f", "fireworks": "#f0ad4e", "dust": "#8c6d46",
                    "other": "#7f8c8d"}
_lock = threading.Lock()
_family: list[str] = []


def cjk_font_path() -> str | None:
    """Path of the shipped Noto Sans CJK SC font, or None when mplfonts is not installed."""
    try:
        path = resources.files("mplfonts") / "fonts" / "NotoSansCJKsc-Regular.otf"
    except ModuleNotFoundError:
        return None
    return str(path) if path.is_file() else None


def cjk_family() -> list[str]:
    """Font families to use, the CJK one first (registers the shipped font once)."""
    with _lock:
        if not _family:
            path = cjk_font_path()
            if path is not None:
                font_manager.fontManager.addfont(path)
                _family.append(font_manager.FontProperties(fname=path).get_name())
            available = {entry.name for entry in font_manager.fontManager.ttflist}
            _family.extend(name for name in FALLBACK_FAMILIES
                           if name in available and name not in _family)
            _family.append("DejaVu Sans")
        return list(_family)


def render_chart(series: DailySeries, labels: ChartLabels) -> bytes:
    """A PNG of the series (about 1000×560 px)."""
    family = cjk_family()
    figure = Figure(figsize=(10, 5.6), dpi=100)
    axes = figure.add_subplot()
    positions = list(range(len(series.days)))
    bottom = [0] * len(positions)
    for category in ("burning", "fireworks", "dust", "other"):
        values = series.by_category.get(category)
        if not values:
            continue
        axes.bar(positions, values, bottom=bottom, color=CATEGORY_COLOURS[category],
                 label=labels.categories.get(category, category), width=0.75)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_ylabel(labels.cases_axis, fontfamily=family)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # cases are whole numbers
    step = max(1, len(positions) // 12)
    axes.set_xticks(positions[::step], [f"{d.month}/{d.day}" for d in series.days][::step])
    axes.set_title(labels.title, fontfamily=family, fontsize=14)
    share = figure.gca().twinx()
    points = [(p, v) for p, v in zip(positions, series.on_site_share, strict=True)
              if v is not None]
    if points:
        share.plot([p for p, _ in points], [v for _, v in points], color="#1f6fb2", marker="o",
                   linewidth=2, label=labels.share_line)
    share.set_ylim(0, 1.05)
    share.yaxis.set_major_formatter(PercentFormatter(1.0))
    share.set_ylabel(labels.share_axis, fontfamily=family)
    handles, names = axes.get_legend_handles_labels()
    more_handles, more_names = share.get_legend_handles_labels()
    if handles or more_handles:
        axes.legend(handles + more_handles, names + more_names, loc="upper left",
                    prop=font_manager.FontProperties(family=family), fontsize=9)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
