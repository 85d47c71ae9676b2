"""``lantian calendar YEAR [--json]`` output for 2026 and 2027, errors and exit codes."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from schedules.calendar_cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str], config: dict | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, config, stdout=out)
    return code, out.getvalue()


def test_text_2027() -> None:
    code, text = run(["2027"])
    assert code == 0
    assert "！警告" in text and "WARNING" in text and "Mon-Fri" in text
    for needle in (
        "2027-02-05  除夕 New Year's Eve",
        "2027-02-06  春节 Spring Festival",
        "2027-02-20  元宵",
        "2027-04-05  清明",
        "2027-08-16  中元",
        "2027-10-29  寒衣",
        "2027-02-05 18:00  2027-02-06 02:00  除夕夜",
        "2027-11-25 00:00  2028-02-29 24:00  秋冬季禁燃禁烧期",
        "no data, Mon-Fri fallback",
    ):
        assert needle in text, needle


def test_json_2027() -> None:
    code, text = run(["2027", "--json"])
    assert code == 0
    report = json.loads(text)
    assert report["year"] == 2027
    assert report["workdays"]["fallback_mon_fri"] is True
    assert report["workdays"]["known_years"] == [2004, 2026]
    festivals = {f["name_zh"]: f["date"] for f in report["festivals"]}
    assert festivals == {
        "除夕": "2027-02-05",
        "春节": "2027-02-06",
        "元宵": "2027-02-20",
        "清明": "2027-04-05",
        "中元": "2027-08-16",
        "寒衣": "2027-10-29",
        "冬至": "2027-12-22",
    }
    windows = {w["key"]: w for w in report["windows"]}
    assert windows["chuxi_night"]["start"] == "2027-02-05T18:00:00+08:00"
    assert windows["chuxi_night"]["end"] == "2027-02-06T02:00:00+08:00"
    assert windows["spring_festival"]["anchor"] == "2027-02-06"
    assert report["non_working_days"] == [] and report["swapped_workdays"] == []


def test_2026_lists_holidays_and_swapped_days() -> None:
    code, text = run(["2026"])
    assert code == 0 and "警告" not in text
    assert "2026-02-14 周六 Sat  春节 Spring Festival" in text
    assert "2026-02-28 周六 Sat  春节 Spring Festival" in text
    report = json.loads(run(["2026", "--json"])[1])
    assert report["workdays"]["fallback_mon_fri"] is False
    assert report["workdays"]["warning_zh"] is None
    swapped = [d["date"] for d in report["swapped_workdays"]]
    assert swapped == [
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"
    ]  # fmt: skip
    assert len(report["non_working_days"]) == 33
    assert report["non_working_days"][3] == {
        "date": "2026-02-15",
        "weekday_zh": "周日",
        "weekday_en": "Sun",
        "name_zh": "春节",
        "name_en": "Spring Festival",
        "from_config": False,
    }


def test_config_overrides_are_shown() -> None:
    config = {
        "calendar": {"holidays": {"2027-02-05": "春节"}, "workdays": ["2027-02-20"]},
        "windows": {"disable": ["dongzhi"]},
    }
    code, text = run(["2027"], config)
    assert code == 0
    assert "覆盖 1 天" not in text and "覆盖 2 天" in text
    assert "2027-02-05 周五 Fri  春节  [配置 / config]" in text
    assert "2027-02-20 周六 Sat  [配置 / config]" in text
    assert "冬至祭扫" not in text


@pytest.mark.parametrize("argv", [["abc"], ["1800"], ["2100"], [], ["2027", "--bogus"]])
def test_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(argv)
    assert code == 2 and text == ""
    assert "error" in capsys.readouterr().err


def test_config_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = {"windows": {"defaults": False, "rule": [{"key": "k", "start": "x"}]}}
    assert run(["2027"], bad)[0] == 2
    assert "config error" in capsys.readouterr().err
    assert run(["2027"], {"calendar": {"holidays": ["tomorrow"]}})[0] == 2
    assert run(["2027", "--config", str(tmp_path / "missing.toml")])[0] == 2
    path = tmp_path / "lantian.toml"
    path.write_text("[calendar]\nholidays = [2027-02-05]\n", encoding="utf-8")
    code, text = run(["2027", "--config", str(path)])
    assert code == 0 and "2027-02-05 周五 Fri" in text


def test_help_goes_to_stdout() -> None:
    code, text = run(["--help"])
    assert code == 0 and "lantian calendar" in text


def test_module_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "schedules.calendar_cli", "2027", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        encoding="utf-8",
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["workdays"]["fallback_mon_fri"] is True
