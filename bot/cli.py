"""The `lantian` command (also `python -m bot`).

Every failure the user can fix (a bad setting, an unmigrated database, a bad import file)
ends with one clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.settings import Settings, SettingsError, load_settings

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lantian", description="Lantian (蓝天) grid patrol bot")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("run", help="run the bot (long polling, or webhook when LANTIAN_WEBHOOK_URL is set)")
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade", "current"])
    imp = sub.add_parser("import", help="import grids (GeoJSON) or a roster (CSV/XLSX)")
    imp.add_argument("kind", choices=["grids", "roster"])
    imp.add_argument("file", type=Path)
    sub.add_parser("classify", help="classify complaint texts (one per line) into JSON lines",
                   add_help=False)
    sub.add_parser("calendar", help="show a year's sensitive windows and working days",
                   add_help=False)
    sub.add_parser("export", help="export cases and figures to XLSX or CSV", add_help=False)
    sub.add_parser("demo", help="run a scripted demo session against the built-in emulator")
    return parser


def _setup_logging() -> None:
    level = os.environ.get("LANTIAN_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=getattr(logging, level, logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "apscheduler.executors.default", "aiohttp.access",
                  "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    import jieba  # jieba sets its own logger to DEBUG on import: import first, then quiet it

    jieba.setLogLevel(logging.WARNING)


async def _db_action(settings: Settings, action: str) -> int:
    from storage.db import Database
    from storage.migrate import current_revision, head_revision, upgrade

    db = Database(settings.database_url)
    try:
        if action == "upgrade":
            await upgrade(db)
            print(f"database upgraded to {head_revision()}")
        else:
            revision = await current_revision(db)
            print(f"database at {revision or 'nothing (never migrated)'}; code needs {head_revision()}")
    finally:
        await db.dispose()
    return 0


async def _import(settings: Settings, kind: str, path: Path) -> int:
    from bot.runtime import check_database
    from dispatch.importing import ImportFailed, import_grids, import_roster
    from storage.db import Database

    db = Database(settings.database_url)
    try:
        await check_database(db)
        try:
            result = await (import_grids if kind == "grids" else import_roster)(db, path)
        except ImportFailed as exc:
            print(f"lantian: import failed: {exc}", file=sys.stderr)
            return 1
    finally:
        await db.dispose()
    print(result)
    return 0


async def _gazetteer(settings: Settings):
    """The NLP gazetteer from the database's grids (empty when there is no usable database)."""
    from dispatch.importing import load_gazetteer_rows
    from nlp import Gazetteer
    from storage.db import Database
    from storage.migrate import is_up_to_date

    db = Database(settings.database_url)
    try:
        if not await is_up_to_date(db):
            return Gazetteer.empty()
        return Gazetteer.from_grids(await load_gazetteer_rows(db))
    except Exception:  # no database is fine for classifying text
        return Gazetteer.empty()
    finally:
        await db.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `lantian` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _setup_logging()
    # Sub-commands with their own parsers get the rest of the line untouched.
    if argv and argv[0] in ("classify", "calendar", "export"):
        return _delegate(argv[0], argv[1:])
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "run":
            from bot.runtime import run_until_signalled

            settings.require_token()
            asyncio.run(run_until_signalled(settings))
            return 0
        if args.command == "db":
            return asyncio.run(_db_action(settings, args.action))
        if args.command == "import":
            return asyncio.run(_import(settings, args.kind, args.file))
        if args.command == "demo":
            from bot.demo import main as demo_main

            return asyncio.run(demo_main())
    except SettingsError as exc:
        print(f"lantian: setting error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        from bot.runtime import NotMigrated

        if isinstance(exc, NotMigrated):
            print(f"lantian: {exc}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(exc, SQLAlchemyError | ConnectionError | TimeoutError):
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            print(f"lantian: setting error: LANTIAN_DATABASE_URL: cannot open the database: "
                  f"{reason}", file=sys.stderr)
            return EXIT_USAGE
        raise
    return EXIT_USAGE


def _delegate(command: str, rest: list[str]) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"lantian: setting error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if command == "export":
        from dispatch.exports import export_cli

        return asyncio.run(export_cli(rest, settings))
    if command == "classify":
        from nlp import cli as nlp_cli
        from nlp import warm_up

        warm_up()
        return nlp_cli.main(rest, gazetteer=asyncio.run(_gazetteer(settings)))
    from schedules import calendar_cli

    return calendar_cli.main(rest, config=dict(settings.sections))


if __name__ == "__main__":
    sys.exit(main())
