"""`lantian` as a real subprocess: refuses an unmigrated database, runs, stops on SIGTERM;
and the webhook transport with its secret-token check and /healthz."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from dataclasses import replace
from pathlib import Path

import aiohttp

from bot.emulator import BotApiEmulator
from bot.runtime import BotRuntime
from storage.db import Database
from tests.e2e.harness import ALICE, ZHANG, settings_for

ROOT = Path(__file__).resolve().parents[2]
PYTHONPATH = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), str(ROOT)) if p)


def _env(emulator: BotApiEmulator, db_url: str, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTIAN_")}
    env.update(LANTIAN_BOT_TOKEN=emulator.token, LANTIAN_TELEGRAM_API_URL=emulator.url,
               LANTIAN_DATABASE_URL=db_url, LANTIAN_MEDIA_DIR=str(tmp / "media"),
               PYTHONPATH=PYTHONPATH)
    return env


async def _lantian(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, output.decode()


async def test_run_refuses_unmigrated_database_then_serves_after_upgrade(
        empty_db_url: str, tmp_path: Path) -> None:
    async with BotApiEmulator() as emulator:
        env = _env(emulator, empty_db_url, tmp_path)
        code, output = await _lantian("run", env=env, cwd=tmp_path)
        assert code == 2
        assert "lantian db upgrade" in output and "Traceback" not in output

        code, output = await _lantian("db", "upgrade", env=env, cwd=tmp_path)
        assert code == 0, output

        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            emulator.send_text(ZHANG, "/start")
            [welcome] = await emulator.wait_for(chat_id=ZHANG.id, timeout=30)
            assert "蓝天" in welcome["text"]
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, output.decode()
        assert "Traceback" not in output.decode()


async def test_bad_settings_stop_startup_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTIAN_")}
    env["PYTHONPATH"] = PYTHONPATH
    code, output = await _lantian("run", env=env, cwd=tmp_path)
    assert code == 2 and output.strip() == (
        "lantian: setting error: LANTIAN_BOT_TOKEN: not set (the token @BotFather gave you)")
    env.update(LANTIAN_BOT_TOKEN="123:abc", LANTIAN_DATABASE_URL="mysql://x/y")
    code, output = await _lantian("run", env=env, cwd=tmp_path)
    assert code == 2 and "LANTIAN_DATABASE_URL" in output and "Traceback" not in output
    config = tmp_path / "bad.toml"
    config.write_text("[sla]\nack = \n", encoding="utf-8")
    env.update(LANTIAN_CONFIG=str(config), LANTIAN_DATABASE_URL="sqlite:///x.db")
    code, output = await _lantian("run", env=env, cwd=tmp_path)
    assert code == 2 and "LANTIAN_CONFIG" in output and "not valid TOML" in output


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_mode_checks_the_secret_and_answers_health(db_url: str,
                                                                 tmp_path: Path) -> None:
    port = _free_port()
    async with BotApiEmulator() as emulator:
        settings = replace(settings_for(emulator, db_url, tmp_path / "media"),
                           webhook_url=f"http://127.0.0.1:{port}/tg-hook",
                           webhook_listen="127.0.0.1", webhook_port=port,
                           webhook_secret="s3cret-token")
        db = Database(db_url)
        runtime = BotRuntime(settings, db=db)
        try:
            await runtime.start()
            set_calls = [p for m, p in emulator.calls if m == "setWebhook"]
            assert set_calls and set_calls[-1]["secret_token"] == "s3cret-token"
            emulator.send_text(ALICE, "/start")  # pushed by the emulator to our webhook
            [welcome] = await emulator.wait_for(chat_id=ALICE.id, timeout=10)
            assert welcome["text"].startswith("Hello Alice")
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
                    assert (await response.json())["database"] == "ok"
                forged = {"update_id": 1, "message": {"message_id": 1, "date": 0,
                          "chat": {"id": 1, "type": "private"}, "text": "/start"}}
                async with http.post(f"http://127.0.0.1:{port}/tg-hook", json=forged,
                                     headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as r:
                    assert r.status == 403
        finally:
            await runtime.stop()
            await db.dispose()
