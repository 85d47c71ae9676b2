"""The classify command: text, CSV (with BOM, GB18030), XLSX, per-line errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl

from nlp import Gazetteer
from nlp.cli import main

KEYS = {"text", "category", "subcategory", "confidence", "secondary", "places", "grids", "evidence"}


def run(argv: list[str], stdin: bytes = b"", gazetteer: Gazetteer | None = None):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, gazetteer=gazetteer, stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    return code, rows, err.getvalue()


def test_txt_file_one_json_per_line(tmp_path: Path, gazetteer: Gazetteer) -> None:
    path = tmp_path / "tips.txt"
    path.write_text("阳光小区3栋有人烧垃圾\r\n楼下放鞭炮\n工地扬尘太大\n", encoding="utf-8")
    code, rows, _ = run(["classify", str(path)], gazetteer=gazetteer)
    assert code == 0
    assert [r["category"] for r in rows] == ["burning", "fireworks", "dust"]
    assert all(set(r) == KEYS for r in rows)
    assert rows[0]["grids"] == ["G01"] and rows[0]["places"] == ["阳光小区3栋"]
    assert rows[1]["text"] == "楼下放鞭炮"


def test_stdin_empty_and_bad_lines_do_not_stop_the_run() -> None:
    data = "烧秸秆\n\n".encode() + b"\xff\xfe\xfa bad\n" + "放烟花\n   \n".encode()
    code, rows, _ = run(["-"], stdin=data)
    assert code == 1
    assert rows[0]["category"] == "burning"
    assert rows[1] == {"line": 2, "error": "empty line"}
    assert rows[2]["line"] == 3 and "invalid utf-8" in rows[2]["error"]
    assert rows[3]["category"] == "fireworks"
    assert rows[4] == {"line": 5, "error": "empty line"}


def test_csv_with_bom_and_column(tmp_path: Path) -> None:
    path = tmp_path / "hotline.csv"
    body = "工单号,诉求内容,区域\n1,\"小区楼下有人烧纸, 烟很大\",东区\n2,,西区\n3,渣土车撒漏严重,北区\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    code, rows, _ = run([str(path), "--column", "诉求内容"])
    assert code == 1
    assert rows[0]["category"] == "burning" and rows[0]["text"].startswith("小区楼下有人烧纸")
    assert rows[1] == {"line": 3, "error": "empty cell"}
    assert rows[2]["category"] == "dust"
    # without --column a known hotline column name is picked
    code, rows, _ = run([str(path)])
    assert rows[0]["category"] == "burning"


def test_csv_unknown_column_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    code, rows, err = run([str(path), "--column", "内容"])
    assert code == 2 and rows == [] and "columns are: a, b" in err
    code, rows, err = run([str(path)])
    assert code == 2 and "--column" in err


def test_gb18030_text_file(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("村里有人烧秸秆\n楼下放鞭炮\n".encode("gb18030"))
    code, rows, err = run([str(path)])
    assert code == 0 and "GB18030" in err
    assert [r["category"] for r in rows] == ["burning", "fireworks"]


def test_xlsx_with_column_and_sheet(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "说明"
    ws.append(["无关"])
    data = book.create_sheet("工单")
    data.append(["编号", "反映内容"])
    data.append([1, "有人在河边焚烧垃圾"])
    data.append([2, None])
    data.append([3, "建议取消禁放令"])
    book.save(path)
    code, rows, _ = run([str(path), "--sheet", "工单", "--column", "反映内容"])
    assert code == 1
    assert rows[0]["category"] == "burning"
    assert rows[1] == {"line": 3, "error": "empty cell"}
    assert rows[2]["category"] == "other"
    code, _, err = run([str(path), "--sheet", "没有"])
    assert code == 2 and "sheets are" in err


def test_missing_file_and_bad_arguments(tmp_path: Path) -> None:
    code, _, err = run([str(tmp_path / "nope.txt")])
    assert code == 2 and "no such file" in err
    assert run(["--bogus"])[0] == 2
