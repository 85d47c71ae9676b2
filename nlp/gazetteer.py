"""The gazetteer: grid aliases, their jieba user dictionary and alias matching.

A :class:`Gazetteer` is immutable. It owns a private ``jieba.Tokenizer`` that
knows every alias as a word, so the tokenizer that serves is never mutated:
reloading grids means building a new gazetteer and swapping the reference.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from types import MappingProxyType

import jieba

from nlp.normalize import normalize

_lock = threading.Lock()
# jieba's main dictionary as loaded (prefix -> frequency, and the total), kept untouched:
# each gazetteer's tokenizer starts from a copy (25 ms) instead of loading jieba's cache
# file again (1.5 s of CPU on 2026-12-02, on a thread that holds the GIL, so the bot
# stalled on every grid reload and every start). None until `warm_up`.
_base: tuple[dict[str, int], int] | None = None

# Variants derived from an alias: 东风村村委会 -> 东风村, 阳光社区居委会 -> 阳光社区.
_TRIM = ("村民委员会", "居民委员会", "村委会", "居委会", "办事处", "网格")
_MIN_ALIAS = 2


def warm_up() -> None:
    """Load jieba's main dictionary once (idempotent, thread-safe)."""
    global _base
    if _base is not None:
        return
    with _lock:
        if _base is None:
            jieba.initialize()
            with jieba.dt.lock:
                _base = (dict(jieba.dt.FREQ), jieba.dt.total)


def _fresh_tokenizer() -> jieba.Tokenizer:
    """A private tokenizer that knows jieba's main dictionary and nothing else yet."""
    warm_up()
    assert _base is not None
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = dict(_base[0]), _base[1]
    tokenizer.initialized = True
    return tokenizer


def _variants(alias: str) -> set[str]:
    out = {alias}
    for tail in _TRIM:
        if alias.endswith(tail) and len(alias) - len(tail) >= _MIN_ALIAS:
            core = alias[: -len(tail)]
            out.add(core)
            if tail in ("村民委员会", "村委会") and not core.endswith("村"):
                out.add(core + "村")
    return {a for a in out if len(a) >= _MIN_ALIAS}


class Gazetteer:
    """Grid aliases and the tokenizer that knows them. Build with :meth:`from_grids`."""

    __slots__ = ("_aliases", "_names", "_regex", "_tokenizer", "__weakref__")

    def __init__(
        self,
        aliases: dict[str, tuple[str, ...]],
        names: dict[str, str],
        tokenizer: jieba.Tokenizer | None,
    ) -> None:
        self._aliases = MappingProxyType(dict(aliases))
        self._names = MappingProxyType(dict(names))
        self._tokenizer = tokenizer
        self._regex = (
            re.compile("|".join(map(re.escape, sorted(aliases, key=len, reverse=True))))
            if aliases
            else None
        )

    @classmethod
    def empty(cls) -> Gazetteer:
        """A gazetteer without grids: places are still extracted, no grid codes."""
        return cls({}, {}, None)

    @classmethod
    def from_grids(cls, grids: Iterable[tuple[str, str, Sequence[str]]]) -> Gazetteer:
        """Build from (grid_code, grid_name, aliases) tuples; the name is an alias too.

        The private tokenizer starts from a copy of jieba's main dictionary (tens of
        milliseconds); the tokenizer in use elsewhere is not touched.
        """
        index: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for code, name, aliases in grids:
            code = str(code)
            names[code] = name
            for raw in (name, *aliases):
                if not raw:
                    continue
                for alias in _variants(normalize(str(raw)).strip()):
                    codes = index.setdefault(alias, [])
                    if code not in codes:
                        codes.append(code)
        if not index:
            return cls({}, names, None)
        tokenizer = _fresh_tokenizer()
        for alias in sorted(index):
            if not any(ch.isspace() for ch in alias):
                tokenizer.add_word(alias, tag="ns")
        return cls({a: tuple(c) for a, c in index.items()}, names, tokenizer)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"<Gazetteer grids={len(self._names)} aliases={len(self._aliases)}>"

    @property
    def aliases(self) -> MappingProxyType:
        """Normalised alias -> grid codes (read-only)."""
        return self._aliases

    def grid_name(self, code: str) -> str | None:
        """The display name of a grid code, if known."""
        return self._names.get(code)

    def cut(self, text: str) -> list[str]:
        """Segment ``text`` with this gazetteer's tokenizer (jieba's own when empty)."""
        if self._tokenizer is None:
            warm_up()
            return jieba.lcut(text, HMM=False)
        return self._tokenizer.lcut(text, HMM=False)

    def match(self, text: str, places: Sequence[tuple[int, int]] = ()) -> tuple[
        list[str], list[tuple[int, int]]
    ]:
        """Return grid codes named in normalised ``text`` (best first) and alias spans.

        An alias counts when it is at least three characters long, lies inside a
        place found by the rules, or is a whole token when the text around it is
        segmented with the gazetteer's tokenizer (so 东风 does not match 东风路).
        """
        if self._regex is None or not text:
            return [], []
        hits: list[tuple[int, int, int, str]] = []  # (-length, start, end, alias)
        for m in self._regex.finditer(text[:2000]):
            start, end = m.span()
            alias = m.group()
            inside = any(s <= start and end <= e for s, e in places)
            if len(alias) < 3 and not inside and not self._is_token(text, start, end):
                continue
            hits.append((-len(alias), start, end, alias))
        hits.sort()
        codes: list[str] = []
        for _, _, _, alias in hits:
            for code in self._aliases[alias]:
                if code not in codes:
                    codes.append(code)
        return codes, [(s, e) for _, s, e, _ in sorted(hits, key=lambda h: h[1])]

    def _is_token(self, text: str, start: int, end: int) -> bool:
        lo = max(0, start - 4)
        pos = lo
        for token in self.cut(text[lo:end + 4]):
            if pos == start:
                return pos + len(token) == end
            pos += len(token)
            if pos > start:
                return False
        return False
