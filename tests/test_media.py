"""The media store without Telegram: which documents are pictures, and writing one file
for the same picture sent twice at once."""

from __future__ import annotations

import threading
from pathlib import Path

from handlers.media import _write_once, image_type


def test_documents_that_are_pictures() -> None:
    assert image_type("image/jpeg", "a.jpg") == "image/jpeg"
    assert image_type("IMAGE/JPG", "a.jpg") == "image/jpeg"  # a common misspelling
    assert image_type("image/heic", None) == "image/heic"
    assert image_type(None, "IMG_0001.JPEG") == "image/jpeg"  # no type: the name tells
    assert image_type("application/octet-stream", "shot.png") == "image/png"
    assert image_type("application/pdf", "complaint.jpg") is None  # a stated type wins
    assert image_type(None, "notes.txt") is None
    assert image_type(None, None) is None


def test_the_same_picture_written_at_once_lands_whole(tmp_path: Path) -> None:
    path = tmp_path / "2026" / "12" / "02" / "abc.jpg"
    data = bytes(range(256)) * 4096
    errors: list[BaseException] = []

    def write() -> None:
        try:
            _write_once(path, data)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert path.read_bytes() == data
    assert [p.name for p in path.parent.iterdir()] == ["abc.jpg"]  # no .part left behind
