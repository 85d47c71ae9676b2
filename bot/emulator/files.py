"""File storage of the emulator: ids, PhotoSize sets, getFile paths and tiny generated images."""

from __future__ import annotations

import base64
import random
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024  # getFile refuses larger files, as Telegram does

# Prefixes make ids look like Telegram's (which encode the file type in their first bytes).
_ID_PREFIX = {
    "photo": "AgACAgUAAxkBAAI",
    "document": "BQACAgUAAxkBAAI",
    "sticker": "CAACAgUAAxkBAAI",
    "voice": "AwACAgUAAxkBAAI",
    "video": "BAACAgUAAxkBAAI",
    "audio": "CQACAgUAAxkBAAI",
    "animation": "CgACAgUAAxkBAAI",
}
_UNIQUE_PREFIX = {"photo": "AQAD", "sticker": "AgAD"}
_DIRS = {
    "photo": "photos",
    "document": "documents",
    "sticker": "stickers",
    "voice": "voice",
    "video": "videos",
    "audio": "music",
    "animation": "animations",
}
_EXT = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "audio/ogg": "oga",
    "video/mp4": "mp4",
    "application/pdf": "pdf",
}


@dataclass
class StoredFile:
    """One file known to the emulator (sent by a user or uploaded by the bot)."""

    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_size: int
    mime_type: str | None = None
    file_name: str | None = None
    file_path: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class FileStore:
    """Files by id and by download path; ids are deterministic per emulator instance."""

    def __init__(self, seed: str) -> None:
        self._rng = random.Random(seed)
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self.photo_sets: dict[str, list[dict[str, Any]]] = {}  # any size's file_id -> all sizes
        self._path_counter = 0

    def _token(self, nbytes: int) -> str:
        raw = bytes(self._rng.getrandbits(8) for _ in range(nbytes))
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def add(
        self,
        kind: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        file_name: str | None = None,
        file_size: int | None = None,
    ) -> StoredFile:
        """Register bytes as a new downloadable file and return its record."""
        stored = StoredFile(
            file_id=_ID_PREFIX.get(kind, "BQACAgUAAxkBAAI") + self._token(54),
            file_unique_id=_UNIQUE_PREFIX.get(kind, "AgAD") + self._token(10),
            kind=kind,
            data=data,
            file_size=len(data) if file_size is None else file_size,
            mime_type=mime_type,
            file_name=file_name,
        )
        self.by_id[stored.file_id] = stored
        return stored

    def add_photo(self, data: bytes, width: int, height: int) -> list[dict[str, Any]]:
        """Register a photo; return its PhotoSize list (smallest first, the original last).

        Every size downloads the same bytes (the emulator does not rescale images).
        """
        sizes: list[dict[str, Any]] = []
        longest = max(width, height, 1)
        targets = [side for side in (90, 320, 800) if side < longest] + [longest]
        for side in targets:
            w = max(1, round(width * side / longest))
            h = max(1, round(height * side / longest))
            size = len(data) if side == longest else max(1, len(data) * w * h // (width * height))
            stored = self.add("photo", data, mime_type="image/jpeg", file_size=size)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": size,
                    "width": w,
                    "height": h,
                }
            )
        for item in sizes:
            self.photo_sets[item["file_id"]] = sizes
        return sizes

    def path_for(self, stored: StoredFile) -> str:
        """The getFile ``file_path`` of a file, assigned on first request."""
        if stored.file_path is None:
            ext = _EXT.get(stored.mime_type or "", "")
            if not ext and stored.file_name and "." in stored.file_name:
                ext = stored.file_name.rsplit(".", 1)[1]
            if not ext and stored.kind == "photo":
                ext = "jpg"
            stored.file_path = f"{_DIRS.get(stored.kind, 'documents')}/file_{self._path_counter}"
            if ext:
                stored.file_path += f".{ext}"
            self._path_counter += 1
            self.by_path[stored.file_path] = stored
        return stored.file_path

    def describe(self, stored: StoredFile) -> dict[str, Any]:
        """The Bot API object (Document, Voice, ...) for a stored non-photo file."""
        data: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if stored.file_name:
            data["file_name"] = stored.file_name
        if stored.mime_type:
            data["mime_type"] = stored.mime_type
        data.update(stored.extra)
        return data


def image_kind(data: bytes) -> str | None:
    """The MIME type of JPEG/PNG/GIF/WEBP bytes, or None when not a known image."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG image, when they can be read."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        pos = 2
        while pos + 9 < len(data):
            if data[pos] != 0xFF:
                return None
            marker = data[pos + 1]
            length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
                return int(width), int(height)
            pos += 2 + length
    return None


def make_png(width: int, height: int, rgb: tuple[int, int, int] = (70, 130, 180)) -> bytes:
    """A valid PNG of one colour with a darker diagonal stripe (small thanks to compression)."""
    width, height = max(1, width), max(1, height)
    plain = bytes(rgb)
    dark = bytes(c // 2 for c in rgb)
    rows = []
    for y in range(height):
        x = y * width // height
        rows.append(b"\x00" + plain * x + dark + plain * (width - x - 1))
    raw = b"".join(rows)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )
