"""`lantian export --from YYYY-MM-DD --to YYYY-MM-DD --out FILE.xlsx|.csv [--grid CODE]
[--lang zh|en]`: the /export workbook from the command line (CSV: the cases sheet only)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path
from typing import Any

from dispatch.figures_period import Period

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line, exit 2 (no usage dump)
        raise _Usage(message)


class _Usage(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="lantian export", add_help=True,
                     description="Export cases, per-grid figures and attendance.")
    parser.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="last", required=True, help="last day, YYYY-MM-DD")
    parser.add_argument("--out", required=True, type=Path, help="FILE.xlsx or FILE.csv")
    parser.add_argument("--grid", help="grid code (default: every grid)")
    parser.add_argument("--lang", default="zh", choices=["zh", "en"], help="header language")
    return parser


def _day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _Usage(f"{name}: expected a date YYYY-MM-DD, got {text!r}") from None


async def run(argv: list[str], settings: Any) -> int:
    """Parse, export, print one line; 2 on bad arguments, 1 on a database problem."""
    from bot.runtime import NotMigrated, check_database
    from bot.settings import SettingsError
    from dispatch.catalog import load_catalog
    from dispatch.clock import Clock
    from dispatch.exports import collect, write_csv, write_xlsx
    from dispatch.figures_scope import scope_for
    from handlers.i18n import t
    from storage.db import Database

    try:
        args = _parser().parse_args(argv)
        first, last = _day(args.first, "--from"), _day(args.last, "--to")
        if last < first:
            raise _Usage("--to: must not be before --from")
        suffix = args.out.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise _Usage(f"--out: expected a .xlsx or .csv file, got {args.out.name!r}")
    except _Usage as exc:
        print(f"lantian export: {exc}", file=sys.stderr)
        return EXIT_USAGE
    db = Database(settings.database_url)
    try:
        try:
            await check_database(db)
        except (SettingsError, NotMigrated) as exc:
            print(f"lantian export: {exc}", file=sys.stderr)
            return 1
        router = (await load_catalog(db)).router
        if args.grid:
            node = router.by_code(args.grid)
            if node is None:
                print(f"lantian export: --grid: unknown grid code {args.grid!r}", file=sys.stderr)
                return EXIT_USAGE
            roots = [node.id]
        else:
            roots = [router.root.id] if router.root else []
        if not roots:
            print("lantian export: no grids imported yet (lantian import grids FILE)",
                  file=sys.stderr)
            return 1
        scope = scope_for(router, roots)
        period = Period("range", first, last)

        def label(key: str) -> str:
            return t(args.lang, key)

        async with db.report_sessions() as session:
            data = await collect(session, router, scope, period, Clock().now(), label)
        writer = write_xlsx if suffix == ".xlsx" else write_csv
        await asyncio.to_thread(writer, data, args.out, label)
        print(f"exported {len(data.cases)} case(s), {len(data.grids)} grid(s), "
              f"{len(data.attendance)} patrol member(s) to {args.out}")
        return 0
    finally:
        await db.dispose()
