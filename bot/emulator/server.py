"""The HTTP side: an aiohttp server speaking the Telegram Bot API, plus fault injection."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from bot.emulator import errors
from bot.emulator.injection import InjectionMixin
from bot.emulator.methods_edit import EditMethods
from bot.emulator.methods_misc import MiscMethods
from bot.emulator.methods_send import SendMethods
from bot.emulator.models import FloodLimits
from bot.emulator.params import loggable, read_params
from bot.emulator.registry import lookup

_LOG = logging.getLogger(__name__)
_MAX_BODY = 64 * 1024 * 1024  # Telegram accepts uploads up to 50 MB


@dataclass
class _Fault:
    method: str | None
    status: int
    count: int
    retry_after: int
    description: str | None


def _json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )


class BotApiEmulator(InjectionMixin, SendMethods, EditMethods, MiscMethods):
    """A local Telegram Bot API for the real python-telegram-bot client.

    Point PTB at it with ``base_url=f"{emu.url}/bot"`` and
    ``base_file_url=f"{emu.url}/file/bot"``. Use as ``async with BotApiEmulator() as emu:``.
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "lantian_bot",
        enforce_limits: bool = False,
        limits: FloodLimits | None = None,
    ) -> None:
        super().__init__(token, bot_username, enforce_limits, limits)
        self._faults: list[_Fault] = []
        self._delays: dict[str | None, float] = {}
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._port = 0
        self._host = "127.0.0.1"
        self._session: aiohttp.ClientSession | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self.closing = False

    # --------------------------------------------------------------------------- lifecycle
    @property
    def url(self) -> str:
        """Base URL of the running server, e.g. ``http://127.0.0.1:41234``."""
        return f"http://{self._host}:{self._port}"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Start serving on ``host:port`` (port 0 picks a free one; see :attr:`url`)."""
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,
            handler_cancellation=True,
            shutdown_timeout=0.5,
        )
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, host, port)
        await self._site.start()
        addresses = self._runner.addresses  # the port actually bound when port == 0
        self._host = host
        self._port = int(addresses[0][1]) if addresses else port
        self.closing = False

    async def stop(self) -> None:
        """Stop serving: pending long polls return at once, the webhook worker ends."""
        self.closing = True
        self.wake_pollers(conflict=False)
        await self.stop_webhook_worker()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ---------------------------------------------------------------------- fault injection
    def fail_next(
        self,
        method: str | None,
        status: int,
        count: int = 1,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` (None: any method) with an error.

        429 answers carry ``parameters.retry_after``; other statuses get Telegram-like
        descriptions (``Bad Request``, ``Internal Server Error``...) unless ``description``.
        """
        self._faults.append(_Fault(method, status, count, retry_after, description))

    def set_delay(self, method: str | None, seconds: float) -> None:
        """Delay answers to ``method`` (None: every method) by ``seconds`` (0 removes)."""
        key = method.lower() if method else None
        if seconds > 0:
            self._delays[key] = seconds
        else:
            self._delays.pop(key, None)

    def _take_fault(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.count > 0 and (fault.method is None or fault.method.lower() == method.lower()):
                fault.count -= 1
                if fault.count == 0:
                    self._faults.remove(fault)
                return fault
        return None

    # ------------------------------------------------------------------------ HTTP handlers
    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json_response(errors.ApiError(401, "Unauthorized").body(), 401)
        name = request.match_info["method"]
        try:
            params, files = await read_params(request)
        except (ValueError, aiohttp.ClientError) as exc:
            return _json_response(errors.bad_request(f"Bad Request: {exc}").body(), 400)
        entry = lookup(name)
        method = entry[0] if entry else name
        self.record_call(method, loggable(params, files))
        delay = self._delays.get(method.lower(), self._delays.get(None))
        if delay:
            await asyncio.sleep(delay)
        fault = self._take_fault(method)
        if fault is not None:
            self.stats["faults"] += 1
            err = errors.for_status(fault.status, fault.retry_after, fault.description)
            return _json_response(err.body(), err.error_code)
        if entry is None:
            return _json_response(errors.ApiError(404, "Not Found").body(), 404)
        _, handler, wants_method = entry
        try:
            if wants_method:
                result = await handler(self, params, files, method=method)
            else:
                result = await handler(self, params, files)
        except errors.ApiError as err:
            return _json_response(err.body(), err.error_code)
        except Exception as exc:  # an emulator bug: answer 500 and say what broke
            _LOG.exception("emulator failed on %s %s", method, params)
            body = errors.ApiError(500, f"Internal Server Error: emulator: {exc!r}").body()
            return _json_response(body, 500)
        return _json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _json_response(errors.ApiError(401, "Unauthorized").body(), 401)
        stored = self.files.by_path.get(request.match_info["path"])
        if stored is None:
            return _json_response(errors.ApiError(404, "Not Found").body(), 404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # ------------------------------------------------------------------------ webhook mode
    def start_webhook_worker(self) -> None:
        """Start pushing queued updates to the webhook (one POST at a time, in order)."""
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(
                self._webhook_loop(), name="BotApiEmulator:webhook"
            )
        self._webhook_wake.set()

    async def stop_webhook_worker(self) -> None:
        """Stop the webhook worker and close its HTTP session."""
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _webhook_loop(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        backoff = 0.05
        while self.webhook is not None:
            if not self.updates:
                self._webhook_wake.clear()
                await self._webhook_wake.wait()
                continue
            webhook = self.webhook
            update = self.updates[0]
            headers = {"Content-Type": "application/json"}
            if webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
            try:
                async with self._session.post(
                    webhook["url"], data=json.dumps(update, ensure_ascii=False), headers=headers
                ) as response:
                    ok = 200 <= response.status < 300
                    problem = (
                        f"Wrong response from the webhook: {response.status} {response.reason}"
                    )
            except (aiohttp.ClientError, TimeoutError) as exc:
                ok, problem = False, f"Connection error: {exc!r}"
            if ok:
                if self.updates and self.updates[0] is update:
                    self.updates.pop(0)
                    self._redelivered.discard(update["update_id"])
                backoff = 0.05
            else:
                webhook["last_error_date"] = self.now()
                webhook["last_error_message"] = problem
                _LOG.debug("webhook delivery failed: %s", problem)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 1.0)
