"""``lantian calendar YEAR [--json] [--config FILE]``: print a year's plan for checking.

Shows the resolved sensitive windows (start and end in Asia/Shanghai local time), the
traditional festival dates, the official non-working days and swapped working days,
and a clear warning when chinesecalendar lacks the year (Mon–Fri fallback in use).
``bot/cli.py`` calls :func:`main` with the parsed TOML config; for testing::

    python -m schedules.calendar_cli 2027 [--json] [--config lantian.toml]

Exit codes: 0 ok, 2 usage or configuration error (a bad year, a malformed
[windows]/[calendar] section), like ``bot/cli.py``'s setting errors.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import IO, Any, NoReturn

import chinese_calendar

from .calendar import (
    MAX_YEAR,
    MIN_YEAR,
    TZ,
    CalendarConfigError,
    WorkCalendar,
    chuxi,
    lunar_to_solar,
    solar_term_date,
    spring_festival,
)
from .windows import WindowConfigError, WindowRule, load_rules, resolve

__all__ = ["build_report", "festival_dates", "main", "render_text"]

LEVEL_ZH = {"high": "高", "normal": "一般"}
CATEGORY_ZH = {"burning": "露天焚烧", "fireworks": "烟花爆竹", "dust": "扬尘"}
WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAY_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class _UsageError(Exception):
    """Raised instead of argparse's exit on bad arguments."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, out: IO[str]) -> None:
        super().__init__(
            prog="lantian calendar",
            description="打印某年的敏感时段、法定节假日和调休上班日 / "
            "Print a year's sensitive windows, official holidays and swapped working days.",
        )
        self._out = out
        self.add_argument("year", help=f"公历年份 / Gregorian year ({MIN_YEAR}-{MAX_YEAR})")
        self.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
        self.add_argument("--config", metavar="FILE", help="TOML 配置文件 / TOML config file")

    def print_help(self, file: IO[str] | None = None) -> None:
        super().print_help(file or self._out)

    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def festival_dates(year: int) -> list[tuple[str, str, str, date]]:
    """Traditional festivals of Gregorian ``year``: (key, zh, en, date), by date."""
    items = [
        ("chuxi", "除夕", "New Year's Eve", chuxi(year)),
        ("chunjie", "春节", "Spring Festival", spring_festival(year)),
        ("yuanxiao", "元宵", "Lantern Festival", lunar_to_solar(year, 1, 15)),
        ("qingming", "清明", "Qingming", solar_term_date(year, "清明")),
        ("zhongyuan", "中元", "Ghost Festival", lunar_to_solar(year, 7, 15)),
        ("hanyi", "寒衣", "Winter Clothes Day", lunar_to_solar(year, 10, 1)),
        ("dongzhi", "冬至", "Winter Solstice", solar_term_date(year, "冬至")),
    ]
    return sorted(items, key=lambda item: item[3])


def _day_entry(cal: WorkCalendar, day: date, overrides: Mapping[date, bool]) -> dict[str, Any]:
    return {
        "date": day.isoformat(),
        "weekday_zh": WEEKDAY_ZH[day.weekday()],
        "weekday_en": WEEKDAY_EN[day.weekday()],
        "name_zh": cal.holiday_name(day),
        "name_en": cal.holiday_name(day, lang="en"),
        "from_config": day in overrides,
    }


def build_report(year: int, rules: list[WindowRule], cal: WorkCalendar) -> dict[str, Any]:
    """The JSON-serialisable plan of ``year`` that both output formats render."""
    known = cal.known_years()
    overrides = cal.override_days(year)
    fallback = not cal.year_is_known(year)
    warning_zh = warning_en = None
    if fallback:
        version, first, last = chinese_calendar.__version__, known.start, known.stop - 1
        warning_zh = (
            f"chinesecalendar {version} 没有 {year} 年的官方放假安排（已知 {first}–{last} 年），"
            f"工作日按周一至周五计算，另有 [calendar] 覆盖 {len(overrides)} 天。"
        )
        warning_en = (
            f"chinesecalendar {version} has no official data for {year} (knows {first}-{last}): "
            f"working days fall back to Mon-Fri plus {len(overrides)} override day(s) "
            "from [calendar]."
        )
    return {
        "year": year,
        "timezone": "Asia/Shanghai",
        "workdays": {
            "source": "fallback_mon_fri" if fallback else "chinesecalendar",
            "fallback_mon_fri": fallback,
            "chinesecalendar_version": chinese_calendar.__version__,
            "known_years": [known.start, known.stop - 1],
            "override_days": len(overrides),
            "warning_zh": warning_zh,
            "warning_en": warning_en,
        },
        "windows": [w.to_dict() for w in resolve(rules, year)],
        "festivals": [
            {"key": key, "name_zh": zh, "name_en": en, "date": day.isoformat()}
            for key, zh, en, day in festival_dates(year)
        ],
        "non_working_days": [_day_entry(cal, d, overrides) for d in cal.non_working_days(year)],
        "swapped_workdays": [_day_entry(cal, d, overrides) for d in cal.swapped_workdays(year)],
    }


_WIDTHS = (11, 10, 16, 16, 0)


def _pad(text: str, width: int) -> str:
    """Left-align ``text`` to ``width`` terminal columns (CJK characters count 2)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def _local(iso: str, *, is_end: bool = False) -> str:
    """``YYYY-MM-DD HH:MM`` local time; an end at midnight shows as the day before 24:00."""
    moment = datetime.fromisoformat(iso).astimezone(TZ)
    if is_end and moment.time() == time(0):
        return f"{(moment - timedelta(days=1)):%Y-%m-%d} 24:00"
    return f"{moment:%Y-%m-%d %H:%M}"


def _day_lines(entries: list[dict[str, Any]], fallback: bool) -> list[str]:
    if not entries:
        if fallback:
            return ["  （无数据，按周一至周五 / no data, Mon-Fri fallback）"]
        return ["  （无 / none）"]
    lines = []
    for e in entries:
        name = e["name_zh"] or ""
        if e["name_en"] and e["name_en"] != name:
            name = f"{name} {e['name_en']}"
        parts = [f"{e['date']} {e['weekday_zh']} {e['weekday_en']}", name]
        if e["from_config"]:
            parts.append("[配置 / config]")
        lines.append("  " + "  ".join(p for p in parts if p))
    return lines


def render_text(report: dict[str, Any]) -> str:
    """Chinese-first, readable text of a :func:`build_report` result."""
    year = report["year"]
    work = report["workdays"]
    lines = [f"蓝天 {year} 年日历核对 / Lantian calendar check for {year} (Asia/Shanghai)", ""]
    if work["fallback_mon_fri"]:
        lines += [f"！警告：{work['warning_zh']}", f"! WARNING: {work['warning_en']}", ""]
    windows = report["windows"]
    lines.append(f"敏感时段 / Sensitive windows ({len(windows)})")
    header = ("级别 Level", "日期 Date", "开始 Start", "结束 End", "名称 Name [类别]")
    lines.append("  " + "  ".join(_pad(h, w) for h, w in zip(header, _WIDTHS, strict=True)))
    for w in windows:
        cells = (
            f"{LEVEL_ZH[w['level']]} {w['level']}",
            w["anchor"],
            _local(w["start"]),
            _local(w["end"], is_end=True),
            f"{w['name_zh']} {w['name_en']} [{'·'.join(CATEGORY_ZH[c] for c in w['categories'])}]",
        )
        lines.append("  " + "  ".join(_pad(c, n) for c, n in zip(cells, _WIDTHS, strict=True)))
    lines += ["", "传统节日 / Traditional festivals"]
    lines += [f"  {f['date']}  {f['name_zh']} {f['name_en']}" for f in report["festivals"]]
    off, swapped = report["non_working_days"], report["swapped_workdays"]
    lines += ["", f"法定节假日（不上班，含周末）/ Official holidays, days off ({len(off)})"]
    lines += _day_lines(off, work["fallback_mon_fri"])
    lines += ["", f"调休上班日（周末上班）/ Swapped working days on weekends ({len(swapped)})"]
    lines += _day_lines(swapped, work["fallback_mon_fri"])
    lines.append("")
    lines.append("结束时间不含 / End times are exclusive; 24:00 = end of that day.")
    return "\n".join(lines) + "\n"


def _parse_year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        year = None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise _UsageError(
            f"年份必须是 {MIN_YEAR}–{MAX_YEAR} 之间的整数 / "
            f"year must be an integer between {MIN_YEAR} and {MAX_YEAR}, got {text!r}"
        )
    return year


def main(
    argv: list[str], config: Mapping[str, Any] | None = None, stdout: IO[str] | None = None
) -> int:
    """Run the command; ``config`` is the whole parsed TOML config (``[windows]`` and
    ``[calendar]`` are used).  Returns the exit code; errors go to stderr."""
    out = stdout or sys.stdout
    parser = _Parser(out)
    try:
        args = parser.parse_args(argv)
        year = _parse_year(args.year)
    except _UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"lantian calendar: 错误 / error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # -h / --help
        return int(exc.code or 0)
    try:
        if args.config:
            with open(args.config, "rb") as fh:
                config = tomllib.load(fh)
        config = config or {}
        rules = load_rules(config)
        cal = WorkCalendar.from_config(config.get("calendar"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        print(f"lantian calendar: 无法读取配置 / cannot read config: {exc}", file=sys.stderr)
        return 2
    except (WindowConfigError, CalendarConfigError) as exc:
        print(f"lantian calendar: 配置错误 / config error: {exc}", file=sys.stderr)
        return 2
    report = build_report(year, rules, cal)
    if args.json:
        json.dump(report, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
