"""python-telegram-bot's HTTP layer on aiohttp instead of httpx.

PTB talks to the Bot API through a `BaseRequest`; its default, `HTTPXRequest`, spends most of
a call's CPU in httpx/httpcore (request models, its connection pool scanning every connection
on each request). The bot already depends on aiohttp for its webhook server, and aiohttp's
client (C-accelerated HTTP parser, a keyed connection pool) costs a fraction of that per
call. Behaviour is the same as PTB's: the same timeouts, multipart with files, and
transport errors raised as `TimedOut` / `NetworkError`, so PTB's error handling,
AIORateLimiter and our outbox work unchanged.

Parameters without files go as one JSON body (the Bot API takes `application/json` for
everything but uploads) rather than form-encoded: one C-accelerated `json.dumps` instead of a
JSON string per parameter, then percent-encoding of each (measured: form encoding was about
a twentieth of the bot's CPU on the intake path, most of it quoting Chinese text).
"""

from __future__ import annotations

import json

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_DEFAULT = BaseRequest.DEFAULT_NONE
_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on an `aiohttp.ClientSession` (one per instance, made on initialize)."""

    __slots__ = ("_connect_timeout", "_media_write_timeout", "_pool_size", "_pool_timeout",
                 "_read_timeout", "_session", "_timeouts", "_write_timeout")

    def __init__(self, connection_pool_size: int = 256, *, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0
                 ) -> None:
        # The defaults are HTTPXRequest's, so swapping the class changes no timing behaviour.
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[tuple, aiohttp.ClientTimeout] = {}

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds it to getUpdates' long-poll timeout)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (idempotent)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0,
                                             keepalive_timeout=30)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT},
                skip_auto_headers=("Accept-Encoding",), auto_decompress=False)

    async def shutdown(self) -> None:
        """Close the session and its connections (idempotent)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def _timeout(self, read, write, connect, pool, files: bool) -> aiohttp.ClientTimeout:
        read = self._read_timeout if read is _DEFAULT else read
        write = (self._media_write_timeout if files else self._write_timeout) \
            if write is _DEFAULT else write
        connect = self._connect_timeout if connect is _DEFAULT else connect
        pool = self._pool_timeout if pool is _DEFAULT else pool
        key = (read, write, connect, pool)
        timeout = self._timeouts.get(key)
        if timeout is None:
            # aiohttp has no write timeout of its own and its `connect` covers waiting for
            # a pooled connection plus connecting: the whole exchange is bounded by the sum
            # of all four, a new connection by `connect`, each read by `read`.
            parts = (read, write, connect, pool)
            total = None if None in parts else sum(parts)
            acquire = None if pool is None or connect is None else pool + connect
            timeout = aiohttp.ClientTimeout(total=total, connect=acquire,
                                            sock_connect=connect, sock_read=read)
            if len(self._timeouts) < 64:  # a handful of distinct combinations in practice
                self._timeouts[key] = timeout
        return timeout

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=_DEFAULT, write_timeout=_DEFAULT,
                         connect_timeout=_DEFAULT, pool_timeout=_DEFAULT) -> tuple[int, bytes]:
        """Send one request; (HTTP status, body)."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        body: aiohttp.FormData | bytes | None = None
        headers = None
        files = bool(request_data and request_data.contains_files)
        if request_data is not None:
            if files:
                form = aiohttp.FormData(quote_fields=False)
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, part in request_data.multipart_data.items():
                    filename, content, mime = _part(part)
                    form.add_field(name, content, filename=filename, content_type=mime)
                body = form
            else:
                parameters = request_data.parameters
                if parameters:
                    # ASCII escapes: a lone surrogate in some text cannot fail to encode.
                    body = json.dumps(parameters).encode()
                    headers = _JSON
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout,
                                files)
        try:
            async with self._session.request(method, url, data=body, headers=headers,
                                             timeout=timeout) as res:
                return res.status, await res.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise NetworkError(f"aiohttp.{exc.__class__.__name__}: {exc}") from exc


def _part(part) -> tuple[str | None, object, str | None]:
    """(filename, content, mime type) of one entry of `RequestData.multipart_data`."""
    if isinstance(part, tuple):
        filename = part[0] if len(part) > 0 else None
        content = part[1] if len(part) > 1 else b""
        mime = part[2] if len(part) > 2 else None
        return filename, content, mime
    return None, part, None
