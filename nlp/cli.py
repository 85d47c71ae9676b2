"""``lantian classify``: classify messages from a text, CSV or XLSX file into JSON Lines.

Usage: ``classify [FILE|-] [--column NAME] [--sheet NAME]`` (the word ``classify``
itself may lead ``argv``). Each input message gives one JSON object per line with
the keys text, category, subcategory, confidence, secondary, places, grids,
evidence. An empty line, an empty cell or undecodable bytes give
``{"line": N, "error": "..."}`` instead, and processing goes on.

Exit status: 0 all messages classified, 1 some lines had errors, 2 usage or file error.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from nlp.analysis import analyze
from nlp.gazetteer import Gazetteer, warm_up

# Column names that hotline exports commonly use for the complaint text.
TEXT_COLUMNS = ("text", "message", "内容", "诉求内容", "反映内容", "工单内容", "来电内容", "问题描述",
                "事件描述", "投诉内容", "留言内容", "描述")

Item = tuple[int, str | None, str | None]  # (line or row number, text, error)


class UsageError(Exception):
    """A problem with the arguments or the whole input file."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lantian classify", description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default="-", help="a .txt, .csv or .xlsx file, or - for stdin")
    parser.add_argument("--column", help="the column holding the text (CSV/XLSX)")
    parser.add_argument("--sheet", help="the worksheet (XLSX; default the active one)")
    return parser


def _decode_lines(data: bytes, stderr: IO[str]) -> Iterator[Item]:
    """Split bytes into lines; decode UTF-8 (BOM allowed), or GB18030 for a whole GBK file."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    encoding = "utf-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        bad = sum(1 for line in raw_lines if not _decodes(line, "utf-8"))
        if bad * 2 > len([x for x in raw_lines if any(b > 0x7F for b in x)]) and _decodes(data, "gb18030"):
            encoding = "gb18030"
            print("note: input is not UTF-8; read as GB18030", file=stderr)
    for n, raw in enumerate(raw_lines, 1):
        try:
            text = raw.rstrip(b"\r").decode(encoding)
        except UnicodeDecodeError as exc:
            yield n, None, f"invalid {encoding} bytes at column {exc.start + 1}"
            continue
        yield n, text, None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _pick_column(header: list[str], wanted: str | None) -> int:
    names = [h.strip() if isinstance(h, str) else ("" if h is None else str(h)) for h in header]
    if wanted is not None:
        if wanted in names:
            return names.index(wanted)
        if wanted.isdigit() and 1 <= int(wanted) <= len(names):
            return int(wanted) - 1
        raise UsageError(f"no column {wanted!r}; columns are: {', '.join(names)}")
    if len(names) == 1:
        return 0
    for candidate in TEXT_COLUMNS:
        if candidate in names:
            return names.index(candidate)
    raise UsageError(f"say which column holds the text with --column; columns are: {', '.join(names)}")


def _csv_items(data: bytes, column: str | None, stderr: IO[str]) -> Iterator[Item]:
    text: str
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if _decodes(data, "utf-8"):
        text = data.decode("utf-8")
    elif _decodes(data, "gb18030"):
        text = data.decode("gb18030")
        print("note: input is not UTF-8; read as GB18030", file=stderr)
    else:  # keep going: rows with bad bytes are reported one by one
        text = data.decode("utf-8", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise UsageError("the CSV file is empty")
    index = _pick_column(header, column)
    for row in reader:
        line = reader.line_num
        if index >= len(row):
            yield line, None, "row has no such column"
            continue
        cell = row[index]
        if any("\udc80" <= ch <= "\udcff" for ch in cell):
            yield line, None, "invalid UTF-8 bytes in this row"
            continue
        yield line, cell, None


def _xlsx_items(path: Path, column: str | None, sheet: str | None) -> Iterator[Item]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for bad files
        raise UsageError(f"cannot read {path}: {exc}") from exc
    try:
        if sheet is not None:
            if sheet not in book.sheetnames:
                raise UsageError(f"no sheet {sheet!r}; sheets are: {', '.join(book.sheetnames)}")
            ws = book[sheet]
        else:
            ws = book.active
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise UsageError("the worksheet is empty")
        index = _pick_column(list(header), column)
        for n, row in enumerate(rows, 2):
            value = row[index] if index < len(row) else None
            yield n, None if value is None else str(value), None
    finally:
        book.close()


def _read_input(source: Any) -> bytes:
    buffer = getattr(source, "buffer", None)
    data = (buffer if buffer is not None else source).read()
    return data.encode("utf-8") if isinstance(data, str) else data


def _items(args: argparse.Namespace, stdin: Any, stderr: IO[str]) -> Iterator[Item]:
    if args.file == "-":
        data = _read_input(stdin)
        return _csv_items(data, args.column, stderr) if args.column else _decode_lines(data, stderr)
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_items(path, args.column, args.sheet)
    data = path.read_bytes()
    if suffix == ".csv":
        return _csv_items(data, args.column, stderr)
    return _decode_lines(data, stderr)


def main(
    argv: list[str],
    gazetteer: Gazetteer | None = None,
    stdin: Any = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run ``classify`` with ``argv``; return the exit status."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    argv = list(argv)
    if argv[:1] == ["classify"]:
        argv = argv[1:]
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the message
        return 0 if exc.code == 0 else 2
    logging.getLogger("jieba").setLevel(logging.WARNING)
    warm_up()
    failed = 0
    tabular = Path(args.file).suffix.lower() in (".csv", ".xlsx", ".xlsm") or (
        args.file == "-" and args.column is not None
    )
    try:
        for line, text, error in _items(args, stdin, stderr):
            if error is None and (text is None or not text.strip()):
                error = "empty cell" if tabular else "empty line"
            if error is not None:
                failed += 1
                record: dict = {"line": line, "error": error}
            else:
                record = analyze(text, gazetteer).to_json()
            stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    except UsageError as exc:
        print(f"classify: {exc}", file=stderr)
        return 2
    except OSError as exc:
        print(f"classify: {exc}", file=stderr)
        return 2
    stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
