"""Pictures kept as evidence: downloaded once into the media store, named by their sha256."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from dispatch.clock import to_local
from handlers.services import Services

log = logging.getLogger(__name__)
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/gif")
SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp",
            "image/heic": ".heic", "image/heif": ".heif", "image/gif": ".gif"}
_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg"}
_BY_NAME = {".jpeg": "image/jpeg", **{suffix: mime for mime, suffix in SUFFIXES.items()}}


def image_type(mime_type: str | None, file_name: str | None) -> str | None:
    """The picture type of a file sent as a document, or None when it is not a picture.
    Some phones send `image/jpg`, or no type at all (then the file name tells)."""
    mime = (mime_type or "").lower()
    mime = _ALIASES.get(mime, mime)
    if mime in IMAGE_TYPES:
        return mime
    if mime in ("", "application/octet-stream") and file_name:
        return _BY_NAME.get(Path(file_name).suffix.lower())
    return None


async def store_picture(svc: Services, bot: Bot, file_id: str, unique_id: str | None,
                        mime: str = "image/jpeg") -> dict[str, Any] | None:
    """Download a picture into `media_dir/YYYY/MM/DD/<sha256>` and describe it.

    Returns None when Telegram says the file is too big for bots. On any other failure the
    record keeps the file id without bytes (the evidence can be fetched again later).
    """
    now = svc.clock.now()
    record: dict[str, Any] = {"file_id": file_id, "file_unique_id": unique_id, "mime": mime,
                              "received_at": now.isoformat(), "sha256": None, "path": None,
                              "size": None}
    try:
        tg_file = await bot.get_file(file_id)
        data = bytes(await tg_file.download_as_bytearray())
    except BadRequest as exc:
        if "too big" in exc.message.lower():
            return None
        log.warning("picture %s not downloaded: %s", file_id, exc)
        return record
    except TelegramError as exc:
        log.warning("picture %s not downloaded: %s", file_id, exc)
        return record
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(svc.settings.media_dir) / f"{to_local(now):%Y/%m/%d}"
    path = folder / f"{digest}{SUFFIXES.get(mime, '.jpg')}"
    await asyncio.to_thread(_write_once, path, data)
    record.update(sha256=digest, path=str(path), size=len(data))
    return record


def _write_once(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # A temporary name of its own: two residents may send the same picture at once.
        tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.part")
        try:
            tmp.write_bytes(data)
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
