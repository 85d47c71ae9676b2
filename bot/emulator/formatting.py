"""Message text formatting the way Telegram applies it: ``parse_mode`` to plain text + entities.

* HTML: the tags Telegram supports become entities; unsupported or unbalanced tags are
  rejected with Telegram's "can't parse entities" errors.
* MarkdownV2: formatting characters are removed and escapes undone; an unescaped reserved
  character is rejected exactly like Telegram does. No entities are produced for it.
* Markdown (legacy): ``*``, ``_`` and backticks are removed, ``[text](url)`` becomes ``text``.

Entity offsets and lengths count UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from bot.emulator.errors import ApiError, bad_request

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
}
_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (the unit of entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def _parse_error(detail: str) -> ApiError:
    return bad_request(f"Bad Request: can't parse entities: {detail}")


class _TelegramHtml(HTMLParser):
    """Collects plain text and entities from Telegram's HTML subset."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0  # UTF-16 units so far
        self.stack: list[tuple[str, int, dict[str, Any]]] = []
        self.entities: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise _parse_error(f'Unsupported start tag "{tag}" at byte offset {self._offset()}')
        extra: dict[str, Any] = {}
        attributes = dict(attrs)
        if tag == "a":
            extra["url"] = attributes.get("href") or ""
        if tag == "code" and self.stack and self.stack[-1][0] == "pre":
            language = (attributes.get("class") or "").removeprefix("language-")
            if language:
                self.stack[-1][2]["language"] = language
        self.stack.append((tag, self.length, extra))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            raise _parse_error(f"Unexpected end tag at byte offset {self._offset()}")
        open_tag, start, extra = self.stack.pop()
        if open_tag != tag:
            raise _parse_error(
                f"Unmatched end tag at byte offset {self._offset()}, "
                f'expected "</{open_tag}>", found "</{tag}>"'
            )
        if self.length > start and not (
            tag == "code" and self.stack and self.stack[-1][0] == "pre"
        ):
            entity = {"type": _HTML_TAGS[tag], "offset": start, "length": self.length - start}
            entity.update(extra)
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += utf16_len(data)

    def _offset(self) -> int:
        line, col = self.getpos()
        return col if line == 1 else col + line  # approximate, as useful as Telegram's

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        self.close()
        if self.stack:
            raise _parse_error(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities


def _markdown_v2(text: str) -> str:
    """Strip MarkdownV2 markup, rejecting unescaped reserved characters like Telegram."""
    out: list[str] = []
    i = 0
    in_code = False
    link_depth = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if ch == "`":
            fence = text.startswith("```", i)
            in_code = not in_code
            i += 3 if fence else 1
            continue
        if in_code:
            out.append(ch)
            i += 1
            continue
        if ch in "*_~":
            i += 2 if text.startswith("__", i) else 1
            continue
        if text.startswith("||", i):
            i += 2
            continue
        if ch == "[":
            link_depth += 1
            i += 1
            continue
        if ch == "]" and link_depth:
            link_depth -= 1
            if text.startswith("(", i + 1):
                end = text.find(")", i + 2)
                i = end + 1 if end != -1 else len(text)
            else:
                i += 1
            continue
        if ch == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1
            continue
        if ch in _MDV2_RESERVED:
            raise _parse_error(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        out.append(ch)
        i += 1
    return "".join(out)


def _markdown_legacy(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"(?<!\\)[*_`]", "", text).replace("\\", "")


def render(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """Apply ``parse_mode`` (or explicit ``entities``) to ``text`` like Telegram does."""
    if entities:
        return text, list(entities)
    mode = (parse_mode or "").lower()
    if mode == "html":
        parser = _TelegramHtml()
        parser.feed(text)
        return parser.result()
    if mode == "markdownv2":
        return _markdown_v2(text), []
    if mode == "markdown":
        return _markdown_legacy(text), []
    return text, []


def command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity Telegram adds to a message starting with ``/cmd[@bot]``."""
    match = _COMMAND_RE.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]
