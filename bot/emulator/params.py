"""Decoding of Bot API request parameters as python-telegram-bot (or anyone) sends them.

Telegram accepts parameters as a query string, ``application/x-www-form-urlencoded``,
``application/json`` or ``multipart/form-data``. PTB sends form-encoded bodies, or multipart
ones when it uploads files; in both every non-string value (numbers, booleans, reply markups,
media lists) is a JSON-encoded string. :func:`read_params` turns all of that back into plain
Python values and :class:`UploadedFile` objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

# Parameters whose values are free text: never JSON-decoded even if they look like JSON.
STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "title",
        "address",
        "description",
        "short_description",
        "name",
        "query",
        "callback_query_id",
        "secret_token",
        "url",
        "parse_mode",
        "language_code",
        "file_id",
        "inline_message_id",
        "emoji",
        "question",
        "first_name",
        "last_name",
        "phone_number",
        "vcard",
        "action",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "photo",
        "document",
        "video",
        "audio",
        "voice",
        "animation",
        "video_note",
        "sticker",
        "thumbnail",
    }
)


@dataclass
class UploadedFile:
    """One file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


def decode_value(name: str, value: Any) -> Any:
    """Undo PTB's JSON encoding of one form field (strings in ``STRING_FIELDS`` stay as is)."""
    if not isinstance(value, str) or name in STRING_FIELDS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    if isinstance(decoded, str):
        return value
    return decoded


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Read all parameters and uploaded files of a Bot API request.

    Returns ``(params, files)``: ``files`` maps multipart field names to uploads. A parameter
    that refers to an upload (its own field, or ``attach://<name>``) is *not* resolved here;
    the method implementations do that with :func:`resolve_upload`.
    """
    params: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    for key, value in request.query.items():
        params[key] = decode_value(key, value)
    if request.method != "POST" or not request.body_exists:
        return params, files
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params, files
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            files[key] = UploadedFile(
                field=key,
                filename=value.filename,
                content_type=value.content_type,
                data=value.file.read(),
            )
        elif isinstance(value, bytes | bytearray):
            params[key] = decode_value(key, bytes(value).decode("utf-8", "replace"))
        else:
            params[key] = decode_value(key, value)
    return params, files


def resolve_upload(
    value: Any, field: str, files: dict[str, UploadedFile]
) -> UploadedFile | str | None:
    """Resolve a file parameter: an upload (direct or ``attach://``), or a file_id/URL string."""
    if value is None and field in files:
        return files[field]
    if isinstance(value, str) and value.startswith("attach://"):
        return files.get(value.removeprefix("attach://"))
    if isinstance(value, str):
        return value
    return files.get(field)


def loggable(params: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
    """Parameters for the call log: uploads shown as ``<file name (n bytes)>`` placeholders."""
    shown = dict(params)
    for key, upload in files.items():
        if key not in shown or shown[key] is None:
            shown[key] = f"<file {upload.filename} ({len(upload.data)} bytes)>"
    return shown
