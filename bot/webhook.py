"""Webhook transport: an aiohttp server that checks Telegram's secret header and feeds PTB.

Polling (`Updater.start_polling`) and this server are two interchangeable ways to fill the
same `Application.update_queue`; nothing else in the bot knows which one runs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import text
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings
from handlers.services import Services

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_secret(settings: Settings) -> str:
    """The configured secret, or one derived from the token (stable across instances)."""
    if settings.webhook_secret:
        return settings.webhook_secret
    digest = hashlib.sha256(f"lantian-webhook:{settings.require_token()}".encode()).hexdigest()
    return digest[:48]


def webhook_path(settings: Settings) -> str:
    """The path part of LANTIAN_WEBHOOK_URL (where Telegram posts), default /telegram."""
    path = urlsplit(settings.webhook_url or "").path
    return path if path and path != "/" else "/telegram"


def build_webhook_app(application: Application, svc: Services) -> web.Application:
    """The aiohttp app: POST <path> for updates, GET /healthz for load balancers."""
    secret = webhook_secret(svc.settings)

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given, secret):
            log.warning("webhook call with a wrong secret token from %s", request.remote)
            return web.json_response({"ok": False, "description": "Forbidden"}, status=403)
        try:
            payload = await request.json()
            update = Update.de_json(payload, application.bot)
        except (json.JSONDecodeError, ValueError, TypeError, KeyError):
            return web.json_response({"ok": False, "description": "Bad Request"}, status=400)
        await application.update_queue.put(update)
        return web.json_response({"ok": True})

    async def healthz(_request: web.Request) -> web.Response:
        try:
            async with svc.db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # health must answer, whatever broke
            return web.json_response({"ok": False, "database": str(exc)[:200]}, status=503)
        return web.json_response({"ok": True, "database": "ok", "running": application.running})

    app = web.Application(client_max_size=10 * 1024 * 1024)
    app.router.add_post(webhook_path(svc.settings), receive)
    app.router.add_get("/healthz", healthz)
    return app
