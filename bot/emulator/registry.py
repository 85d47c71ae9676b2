"""Registry of implemented Bot API methods (names are case-insensitive, as in Telegram)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Handler = Callable[..., Awaitable[Any]]

API_METHODS: dict[str, tuple[str, Handler, bool]] = {}


def api_method(*names: str) -> Callable[[Handler], Handler]:
    """Register a coroutine ``(emulator, params, files) -> result`` under Bot API name(s).

    A handler registered under several names also gets ``method=<canonical name>``.
    """

    def register(handler: Handler) -> Handler:
        for name in names:
            API_METHODS[name.lower()] = (name, handler, len(names) > 1)
        return handler

    return register


def lookup(method: str) -> tuple[str, Handler, bool] | None:
    """(canonical name, handler, wants ``method=``) of a method, or None if not implemented."""
    return API_METHODS.get(method.lower())
