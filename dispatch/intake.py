"""Resident intake rules: what a draft report holds and what to ask for next.

A draft is plain data (stored as JSON in `drafts.data`), changed only through the functions
here, so the conversation's rules are tested without Telegram. The handler feeds it what the
resident sent (text, photo, location, venue, button presses) and renders `next_question`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, NamedTuple

from nlp.normalize import normalize

CATEGORIES = ("burning", "fireworks", "dust", "other")
MAX_PHOTOS = 5
MAX_TEXT_CHARS = 1000
CONFIDENT = 0.7  # at or above: show the guess for confirmation rather than ask open


@dataclass(frozen=True)
class IntakeRules:
    """Configurable limits of the intake flow (`[intake]` in the TOML file)."""

    draft_ttl: timedelta = timedelta(hours=2)
    max_photos: int = MAX_PHOTOS
    max_photo_bytes: int = 20 * 1024 * 1024  # Telegram's download cap for bots
    max_text_chars: int = MAX_TEXT_CHARS
    flood_messages: int = 20
    flood_window: timedelta = timedelta(seconds=30)


def new_draft(now: datetime) -> dict[str, Any]:
    """An empty draft. Its random `key` binds the buttons shown for it: a row id alone is
    not enough, as SQLite gives a deleted draft's id to the next one and "start again"
    keeps the row."""
    return {
        "key": secrets.token_hex(4), "text": None, "category": None, "subcategory": None,
        "confidence": None, "category_confirmed": False, "latitude": None, "longitude": None,
        "location_source": None, "address_text": None, "grid_code": None,
        "grid_confirmed": False, "outside": False, "photos": [], "allow_contact": False,
        "asked": None, "started_at": now.isoformat(),
    }


def meaningful_text(text: str) -> bool:
    """False for texts with no letters or digits at all (emoji, punctuation, blanks)."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)


def add_text(draft: dict[str, Any], text: str, max_chars: int = MAX_TEXT_CHARS) -> bool:
    """Append a description: texts sent one after another are joined, up to `max_chars`
    in all (the summary and the receipt show all of it, and a Telegram message holds 4,096
    characters). True when some of `text` did not fit."""
    text = text.strip()
    joined = f"{draft['text']}\n{text}" if draft.get("text") else text
    draft["text"] = joined[:max_chars]
    return len(joined) > max_chars


# Telegram hands an update out again when the bot's confirmation did not reach it: the bot
# was killed before its next getUpdates, a webhook answer failed, or two instances were
# given the same update. A draft remembers the updates it took, so none is taken twice (a
# description written twice on the patrol's card, "允许联系我" ticked and then unticked).
# Only the last few are kept: an update handed out again is one of the last handed out.
APPLIED_KEPT = 40


def already_applied(draft: dict[str, Any], update_id: int | None) -> bool:
    """Has this update (by its Telegram update_id) already changed the draft?"""
    return update_id is not None and update_id in draft.get("applied", ())


def mark_applied(draft: dict[str, Any], update_id: int | None) -> None:
    """Remember that this update changed the draft (the last APPLIED_KEPT are kept)."""
    if update_id is None or already_applied(draft, update_id):
        return
    draft["applied"] = [*draft.get("applied", ()), update_id][-APPLIED_KEPT:]


def apply_guess(draft: dict[str, Any], category: str, subcategory: str | None,
                confidence: float) -> None:
    """Take the classifier's guess unless the resident already chose a category."""
    if draft.get("category_confirmed"):
        return
    if category == "other" and draft.get("category") not in (None, "other"):
        return  # a vague follow-up text must not overwrite a clear earlier guess
    draft.update(category=category, subcategory=subcategory, confidence=round(confidence, 3))


def choose_category(draft: dict[str, Any], category: str) -> None:
    """The resident picked (or confirmed) a category."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if draft.get("category") != category:
        draft["subcategory"] = None
    draft.update(category=category, category_confirmed=True)


def set_location(draft: dict[str, Any], latitude: float, longitude: float, source: str,
                 grid_code: str | None, outside: bool, address: str | None = None,
                 related: Callable[[str, str], bool] | None = None) -> None:
    """A point (GPS, venue): its grid is known exactly, no confirmation needed.

    The place description goes with the point: a venue brings its own. One given earlier
    (a venue, or a place named in text) stays only when it names the same area as the new
    point, that is when `related(earlier grid, new grid)` (one of them contains the other):
    "白马小区3栋" stays beside a point in 白马第一网格, but a market in 丰益 or a text naming
    墨斗社区 must not travel to the patrol of a point in 白马."""
    earlier = None if draft.get("outside") else draft.get("grid_code")  # the desk: no area
    same_area = (not outside and related is not None and earlier is not None
                 and grid_code is not None and related(earlier, grid_code))
    draft.update(latitude=latitude, longitude=longitude, location_source=source,
                 grid_code=grid_code, grid_confirmed=True, outside=outside)
    draft.pop("grid_before", None)
    if address:
        draft["address_text"] = address
    elif not same_area:
        draft["address_text"] = None


def propose_place(draft: dict[str, Any], place: str | None, grid_code: str,
                  contains: Callable[[str, str], bool] | None = None,
                  place_only: bool = False) -> None:
    """A place named in text matched a grid: to be confirmed by the resident. No question
    when the grid is confirmed already and the place is in it or around it (`contains`, by
    grid codes): "是的，就在白马小区门口" says more precisely where. With `place_only` (the
    caller found the text names only this one place and asks nothing), two more: a place
    inside the confirmed grid (在墨斗社区 after a street's poster) takes the finer grid, so
    the case reaches the patrol that covers it; and the grid asked about, named again
    ("是在墨斗社区"), is confirmed. A place mentioned in a description never moves a
    confirmed report without a question ("从白马路那边飘过来的烟")."""
    if draft.get("latitude") is not None:
        return  # a shared point beats a place name
    current = draft.get("grid_code")
    confirmed = bool(draft.get("grid_confirmed")) and current is not None \
        and contains is not None
    if confirmed and contains(grid_code, current):
        pass  # the same grid, or one around it: the confirmed one is as fine or finer
    elif confirmed and place_only and contains(current, grid_code):
        draft.update(grid_code=grid_code, location_source="text")
        draft.pop("grid_before", None)
    elif place_only and current == grid_code and not draft.get("grid_confirmed") \
            and draft.get("location_source") == "text":
        draft["grid_confirmed"] = True
        draft.pop("grid_before", None)
    else:
        if draft.get("grid_confirmed") and current is not None:
            # Asked about another grid, a no goes back to this one, as it was described
            # (confirm_place).
            draft["grid_before"] = {"grid_code": current,
                                    "location_source": draft.get("location_source"),
                                    "address_text": draft.get("address_text")}
        draft.update(grid_code=grid_code, grid_confirmed=False, location_source="text")
    if place:
        draft["address_text"] = place


# A text that only says where is the report's place, not part of its description: "在新华
# 社区", "就在白马小区门口", typed when asked where or after "不对，" to "是在墨斗社区吗?".
# What is left once the places it names, these words and punctuation are taken out must be
# nothing: "新华社区烟好大" or "新华小学门口在烧" say what happens, and are descriptions
# (which also propose the place). At most PLACE_ONLY_CHARS long.
PLACE_ONLY_CHARS = 30
_PLACE_LEAD = ("大概", "应该", "好像", "可能", "估计", "就是在", "就在", "是在", "位于", "在", "就是",
               "是")  # taken off the front in this order
_PLACE_TAIL = "吧呢啊呀哦嘛啦的"
_PLACE_WORDS = sorted((
    "就是在 就在 是在 位于 在 就是 是 那个 这个 的 地点 位置 地址 门口 大门口 附近 旁边 边上 "
    "后面 后边 前面 前边 对面 那边 这边 那里 这里 那儿 这儿 一带 路口 里面 里边 里 内 外 "
    "楼下 楼上 周边 周围 隔壁 东边 西边 南边 北边 东侧 西侧 南侧 北侧 东面 西面 南面 北面 "
    "边 处 附近的 那块 这块 一块 大概 应该 好像 可能 估计 呢 啊 吧 呀 哦 嘛 啦").split(), key=len, reverse=True)


def place_words(text: str, places: Sequence[str], aliases: Sequence[str], is_tip: bool,
                names_grid: bool) -> str | None:
    """The words for the report's place when `text` says only where (see above); None when
    it says more, or names no grid: then it is a description like any other. `places` are
    the places the text names, `aliases` the grid aliases among them (nlp.analysis), and
    `is_tip` the classifier's verdict. Every place must begin with an alias: the place
    finder may take in words before a name ("好呛啊新华小区", "没人管白马小区")."""
    words = leading_answer(text)[1].strip(_ANSWER_PUNCTUATION)
    if is_tip or not names_grid or not places or not words or len(words) > PLACE_ONLY_CHARS:
        return None
    if not all(any(place.startswith(alias) for alias in aliases) for place in places):
        return None
    if meaningful_text(_without(words, places, _PLACE_WORDS)):
        return None  # punctuation, brackets and emoji may stay: "（新华社区）"
    # What goes on the card: without the hedges, leads and particles around the place
    # ("应该是在墨斗社区吧" is 墨斗社区).
    words = _trim_place(_trim_place(words).rstrip(_PLACE_TAIL)) or words
    for lead in _PLACE_LEAD:
        if words.startswith(lead) and len(words) > len(lead):
            words = _trim_place(words[len(lead):])
    return words


def _without(words: str, places: Sequence[str], fillers: Sequence[str]) -> str:
    """`words` with the `places` and then the `fillers` taken out (longest first)."""
    for piece in (*sorted(places, key=len, reverse=True), *fillers):
        words = words.replace(piece, " ")
    return words


def preset_grid(draft: dict[str, Any], grid_code: str) -> bool:
    """A deep link from a community poster pre-selects the grid, unless the draft already
    has a shared point (the point is more precise than the poster). True when applied."""
    if draft.get("latitude") is not None:
        return False
    draft.update(grid_code=grid_code, grid_confirmed=True, location_source="link",
                 address_text=None, outside=False)
    draft.pop("grid_before", None)
    return True


_YES = frozenset({"是", "是的", "是啊", "对", "对的", "对啊", "没错", "嗯", "嗯嗯", "好", "好的",
                  "好嘞", "好滴", "行", "可以", "没问题", "确认", "确定", "👍", "👌", "yes", "y", "yeah", "yep", "right", "correct", "ok",
                  "okay"})
_NO = frozenset({"不是", "不对", "不", "否", "错了", "不是的", "👎", "no", "n", "nope",
                 "wrong", "not really"})
_ANSWER_PUNCTUATION = " \t\n,.!?;:~，。！？；：～…、"
_ANSWER_WORDS = sorted(_YES | _NO, key=len, reverse=True)
_ANSWER_MARKS = frozenset(_ANSWER_PUNCTUATION) - frozenset(" \t\n")


def yes_or_no(text: str) -> bool | None:
    """A typed answer to a yes/no question ("是" / "不是", "yes" / "no", "對", "对对对",
    "ok ok"), or None when the text says something else (then it is a description like
    any other)."""
    word = "".join(c for c in _plain(text.strip(_ANSWER_PUNCTUATION))
                   if unicodedata.category(c) not in ("Mn", "Sk", "Cf")
                   and c not in "♀♂").strip(_ANSWER_PUNCTUATION)  # 👍🏻 is 👍, 🙆‍♀️ is 🙆
    if word in _YES or word in _NO:
        return word in _YES
    said = [w for w in _ANSWER_TOKENS.findall(word) if w not in _ANSWER_MARKS]
    # The same answer said again ("对对对", "好的👌", "ok ok"), maybe with an emoji of
    # feeling ("好的🙏").
    for words, beside in ((_YES, _FRIENDLY), (_NO, _FRIENDLY | _REFUSING)):
        answered = False
        for w in said:  # stops at the first word that is neither (a long text: at once)
            if w in words or _repeats(w, words):
                answered = True
            elif w not in beside:
                break
        else:
            if answered:
                return words is _YES
    return None


# Emoji that may stand beside an answer without changing it: friendly ones beside a yes
# or a no ("好的🙏", "是的✅"), refusing ones beside a no ("不是❌"). Others may be what the
# resident saw ("是🔥") or a doubt ("是🤔"): then the text is no bare answer.
_DOUBTING = frozenset("🤔😕😟🙁☹😒🙄🤨😐😑🤷❓❔")
_REFUSING = frozenset("❌✖❎🚫⛔🙅🙎👎😡😠😤")
_FRIENDLY = frozenset(
    {chr(c) for c in range(0x1F600, 0x1F650)} - _DOUBTING - set("🙅🙎")  # faces, hands
    | set("☺🤣🙏🙇🙆🤝💪❤💕💖👏🌹🌸✨🎉🤞✌✅✔☑🫡🤗🥰🤩🥺🥹👌👍💯🆗👀"))

_ANSWER_TOKENS = re.compile(r"[a-z0-9]+|[^\x00-\x7f\W]+|[^\w\s]")


def _repeats(token: str, words: frozenset[str]) -> bool:
    return any(len(token) > len(word) and token == word * (len(token) // len(word))
               for word in words)


def _plain(text: str) -> str:
    """`text` in the matching form (nlp.normalize: width, script, case) when that keeps its
    length, so what is found in one is where it is in the other; else only lower case
    (which keeps it too, but for a few letters outside Chinese and English)."""
    plain = normalize(text)
    return plain if len(plain) == len(text) else text.lower()


def leading_answer(text: str) -> tuple[bool | None, str]:
    """A yes or no that opens a longer text, set off by a punctuation mark ("不对，是在新华
    社区", "no, it's …"; not by a space: "No one is stopping them" is no answer), or run
    together with thanks ("好的谢谢", "ok thanks", "是的谢谢，在河边"): (the answer, the words
    after it). (None, text) when there is none."""
    stripped = text.strip(_ANSWER_PUNCTUATION)
    for i, char in enumerate(stripped):
        if char in _ANSWER_MARKS:
            rest = stripped[i:].lstrip(_ANSWER_PUNCTUATION)
            answer = _answer_with_thanks(stripped[:i])
            if answer is None:
                break
            return answer[0], rest
    answer = _answer_with_thanks(stripped)
    return answer if answer and answer[1] else (None, text)


def _answer_with_thanks(clause: str) -> tuple[bool, str] | None:
    """A yes or no ("好的"), maybe followed by thanks ("好的谢谢"): (the answer, the thanks)."""
    answer = yes_or_no(clause)
    if answer is not None:
        return answer, ""
    lowered = _plain(clause)
    if _complains(lowered):
        return None  # "好辛苦" is no yes
    for word in _ANSWER_WORDS:
        rest = clause[len(word):]
        if lowered.startswith(word) and not (word.isascii() and rest[:1].isalnum()) \
                and courtesy(rest):
            return word in _YES, rest.lstrip(_ANSWER_PUNCTUATION)
    return None


# Words that are meant as a button press, typed instead: never part of a description.
_CONTROL_WORDS = frozenset({
    "提交", "确认", "确定", "发送", "提交举报", "确认提交", "完成", "好了",
    "取消", "不要了", "算了", "不报了", "撤销", "修改", "更改", "编辑", "改",
    "submit", "send", "confirm", "done", "cancel", "stop", "edit", "change"})


# At "看起来是焚烧，对吗?", a yes with more words: "对，烟很大" is a yes and a description.
# It is taken back when the words say it is another kind and carry nothing of the guessed
# one ("嗯，是工地扬尘"; but "对，烧得满天都是灰" reads as dust and still speaks of the
# burning; and "是，还有扬尘" adds a kind), or when they correct the guess ("嗯，其实是
# 工厂排的烟"). The words after "嗯" or "对" often carry the answer; the yes is filler.
_CORRECTIONS = ("其实是", "而是", "应该是", "实际上是", "准确说是", "确切说是", "actually",
                "rather", "instead")
_ADDITIONS = ("还有", "也", "另外", "而且", "并且", "同时", "also", "and ", "plus")
_MAYBE = ("也有可能", "也可能", "也许")  # begin with 也, but guess again: "嗯，也许是扬尘"


def yes_taken_back(guess: str | None, kind: str | None, words: str,
                   carries_guess: bool = False) -> bool:
    """Is a yes to the category `guess` taken back by the `words` after it? `kind` is what
    the words read as when they read as a tip (the classifier), else None; `carries_guess`:
    the classifier found cues of the guessed kind in them too."""
    lowered = words.lower().lstrip()
    maybe = next((word for word in _MAYBE if lowered.startswith(word)), None)
    if maybe:  # "也许还有扬尘" adds a kind, "也许是扬尘" guesses again
        adds = any(word in lowered[len(maybe):] for word in ("还有", "也有", "也是"))
    else:
        adds = lowered.startswith(_ADDITIONS)
    other_kind = kind not in (None, guess) and not carries_guess and not adds
    corrected = kind != guess and any(word in lowered for word in _CORRECTIONS)
    return other_kind or corrected


# Thanks and the like: said to the bot, never part of a description ("谢谢🙏", "非常感谢",
# "thank you so much"; with a yes or no, see leading_answer). A text is thanks when, once
# punctuation, emoji and spaces are set aside, it is made of these words only, and at
# least one of them thanks. Latin words count whole ("tyre" is no "ty"). "好辛苦", "太麻烦了"
# complain, unless someone is addressed ("真是辛苦你们了").
_THANKS = frozenset({
    "谢谢", "多谢", "感谢", "谢了", "谢啦", "感激", "感恩", "辛苦了", "辛苦", "麻烦了", "麻烦你了",
    "麻烦您了", "麻烦你们了", "thanks", "thank", "thx", "tks", "ty", "tq", "cheers"})
_THANKS_WITH = frozenset({
    "你们", "您们", "你", "您", "大家", "各位", "领导", "师傅", "了", "啦", "啊", "呀", "哈", "哦",
    "喔", "呢", "非常", "十分", "特别", "太", "真是", "真的", "真", "万分", "很", "多", "再次", "先",
    "的", "帮忙", "帮助", "收到", "知道了", "明白", "you", "u", "so", "very", "much", "a", "lot",
    "many", "again", "guys", "all", "for", "your", "help"})
_THANKS_PIECES = sorted(_THANKS | _THANKS_WITH, key=len, reverse=True)
_ACKNOWLEDGED = frozenset({"收到", "收到了", "知道了", "明白", "明白了", "了解", "了解了", "noted",
                           "got it"})  # a yes (好的, ok) answers: see leading_answer
_COMPLAINT = re.compile(r"(太|好|很|真是?|非常|特别|十分)(麻烦|辛苦)")
_ADDRESSED = ("你", "您", "大家", "各位", "领导", "师傅")


def _complains(text: str) -> bool:
    return bool(_COMPLAINT.search(text)) and not any(word in text for word in _ADDRESSED)


def courtesy(text: str) -> bool:
    """The text only thanks ("谢谢", "谢谢🙏", "Thank you so much!", "收到，谢谢"): each of
    its clauses thanks, or only acknowledges (收到, 明白); "太多了，谢谢" says more."""
    verdicts = _politeness(text)
    return bool(verdicts) and None not in verdicts and any(verdicts)


def polite(text: str) -> bool:
    """The text only thanks or acknowledges ("收到", "明白了，谢谢"): nothing to describe."""
    verdicts = _politeness(text)
    return meaningful_text(text) and None not in verdicts  # "😡🔥🔥" is no politeness


def _politeness(text: str) -> list[bool | None]:
    clauses = [c for c in _CLAUSES.split(text.strip(_ANSWER_PUNCTUATION))[::2] if c.strip()]
    return [_thanks_clause(clause) for clause in clauses]


def _thanks_clause(clause: str) -> bool | None:
    """True when the clause thanks, False when it only acknowledges, None otherwise."""
    kept = "".join(char if unicodedata.category(char)[0] in "LN" else " "
                   for char in normalize(clause))
    if not kept.strip():
        return False  # an emoji beside the thanks
    if kept.strip() in _ACKNOWLEDGED:
        return False
    if _complains(kept):
        return None
    thanked = False
    for run in re.findall(r"[a-z0-9]+|[^a-z0-9\s]+", kept):
        if run.isascii():  # a Latin word counts whole
            if run not in _THANKS_WITH and run not in _THANKS:
                return None
            thanked = thanked or run in _THANKS
            continue
        i = 0
        while i < len(run):
            piece = next((p for p in _THANKS_PIECES if run.startswith(p, i)), None)
            if piece is None:
                return None
            thanked = thanked or piece in _THANKS
            i += len(piece)
    return True if thanked else None


def without_thanks(text: str) -> str:
    """`text` without the thanks that open or close it ("感谢，在新华社区" is 在新华社区; "河边
    在烧垃圾，谢谢！", "…，你们辛苦了", "河边在烧垃圾谢谢" and "smoke everywhere thank you"
    are the words before the thanks), when something else is left; else `text` itself.
    Each clause taken off thanks ("太多了，谢谢" keeps 太多了), and a space parts clauses
    only beside Chinese ("Thanks to the wind …" is no thanks). A yes or no with thanks
    that opens a text is an answer (leading_answer)."""
    if polite(text):
        return text  # thanks only: nothing else is left
    stripped = text.strip(_ANSWER_PUNCTUATION)
    parts = _CLAUSES.split(stripped)  # clause, marks, clause, ...
    last = len(parts) - 1
    # Clauses begin at even indexes; at most four come off at either end.
    front = 0
    while front + 2 <= min(last, 8) and polite(parts[front]):  # "收到，不是墨斗社区"
        front += 2
    back = last + 2
    while back - 2 > max(front, last - 8) and yes_or_no(parts[back - 4]) is not False \
            and (_thanks_at_end(parts[back - 2])  # "…，no thanks" keeps its no
                 or (back <= last and yes_or_no(parts[back - 2]))):  # "…，好的，谢谢"
        back -= 2
    kept = parts[front:back - 1]
    # Thanks run on at the end of the last clause: "烟很大谢谢", "… trash thank you".
    tail = _RUN_ON_THANKS.search(kept[-1]) or _ENGLISH_THANKS.search(kept[-1])
    if tail and meaningful_text(kept[-1][:tail.start()]) and yes_or_no(
            kept[-1][:tail.start()].split()[-1]) is None:  # "no thanks" is a no
        kept[-1] = kept[-1][:tail.start()].rstrip(_ANSWER_PUNCTUATION)
    elif back <= last:  # "执法的人在哪？谢谢": the question stays one
        kept[-1] = _keep_asking(kept[-1], parts[back - 1])
    left = "".join(kept)
    if left == stripped or not meaningful_text(left):
        return text
    return left


def _keep_asking(words: str, cut: str) -> str:
    """`words` before the clauses of thanks, with the ? or ! they ended with (`cut`: the
    marks between them)."""
    words = words.rstrip(_ANSWER_PUNCTUATION)
    mark = cut.lstrip(" ")[:1]
    return words + mark if mark in ("?", "？", "!", "！") else words


def _thanks_at_end(words: str) -> bool:
    """A clause of thanks or acknowledgement, maybe after a yes ("…，好的谢谢")."""
    if polite(words):
        return True
    answer = _answer_with_thanks(words)
    return answer is not None and answer[0] and bool(answer[1])


_ENGLISH_THANKS = re.compile(r"(?i)(?<!\bsaid)(?<!\bsay)(?<!\bno)(?<!\bto)(?<!\bnot)"
                             r"(?<=[a-z0-9]) +(thanks|thank you|thank u|thx)"
                             r"( (so|very) much| a lot)?[\s!.~]*$")
# Run on at the end of Chinese: 谢谢, 多谢, 谢啦, or a strong 感谢 (非常感谢); not 谢了 (花都谢了)
# nor a plain 感谢 (表示感谢).
_RUN_ON_THANKS = re.compile(r"(?<=[\u4e00-\u9fff])((先|再次|非常|十分|太|真是|万分)?(谢谢|多谢|谢啦)"
                            r"|(非常|十分|万分|太)感谢)"
                            r"(你们|您们|你|您|大家|各位|啦|了|啊|呀|哈|哦)*[\s\W]*$")
# Clauses part at punctuation, and at spaces beside a character that is not Latin.
_CLAUSES = re.compile(f"([{re.escape(''.join(sorted(_ANSWER_MARKS)))}]+\\s*|"
                      f"(?<=[^\\x00-\\x7f])\\s+|\\s+(?=[^\\x00-\\x7f]))")


class Denial(NamedTuple):
    """A text that begins with a denial ("不是墨斗社区，是新华社区"), split."""

    clause: str  # what is denied, without the denial ("墨斗社区")
    rest: str  # what follows ("是新华社区"); "" when the denial is all there is
    run_on: bool  # the rest follows without a break ("不是墨斗社区是新华社区")


def denied_first(text: str) -> Denial | None:
    """`text` split at the end of the denial it begins with; None without a denial, or
    when nothing is denied ("不是"). The clause ends at punctuation (an enumeration's 、
    aside: "不是墨斗、新华社区"), a space, a bracket or an emoji, or at a 是, 在 or 而. The
    caller checks that the clause only names a place ("不是墨斗社区的人，路过看到…" says
    more)."""
    stripped = text.strip(_ANSWER_PUNCTUATION)
    plain = _plain(stripped)
    denial = next((d for d in _DENIALS if plain.startswith(d)), None)
    if denial is None:
        return None
    start = len(stripped) - len(stripped[len(denial):].lstrip())
    end = next((i for i in range(start + 1, len(stripped)) if _clause_ends(plain[i])
                or plain.startswith(_DENIED_TOO, i)), len(stripped))
    clause = stripped[start:end].strip()
    run_on = end < len(stripped) and plain[end] in "是在而"
    rest = _lead_trim(stripped[end:])
    rest = rest[1:] if rest.startswith("而是") else rest  # "不是X而是Y": 是Y
    return Denial(clause, rest, run_on) if clause else None


def _lead_trim(text: str) -> str:
    """`text` without the punctuation, symbols (emoji) and spaces it begins with."""
    start = next((i for i, c in enumerate(text) if not _loose_end(c)), len(text))
    return text[start:].rstrip()


_PAIRS = {"(": ")", "（": "）", "[": "]", "【": "】", "「": "」", "『": "』", "《": "》",
          "“": "”", "‘": "’", '"': '"', "'": "'", "<": ">"}
_OPENERS, _CLOSERS = frozenset(_PAIRS), frozenset(_PAIRS.values())


def _trim_place(words: str) -> str:
    """A place as the card shows it: without punctuation, symbols (emoji) and spaces at its
    ends ("墨斗社区——"), nor brackets or quotes around the whole or left open ("（新华
    社区）", "“新华社区”吧"), but with those that close inside it ("新华社区(北门)")."""
    while True:
        before = words
        while words and _loose_end(words[0]) and words[0] not in _OPENERS:
            words = words[1:]
        while words and _loose_end(words[-1]) and words[-1] not in _CLOSERS:
            words = words[:-1]
        if len(words) > 1 and _PAIRS.get(words[0]) == words[-1]:
            words = words[1:-1]
        if words and words[0] in _OPENERS and _PAIRS[words[0]] not in words[1:]:
            words = words[1:]
        if words and words[-1] in _CLOSERS and not any(
                opener in words[:-1] for opener, closer in _PAIRS.items()
                if closer == words[-1]):
            words = words[:-1]
        if words == before:
            return words


def _loose_end(char: str) -> bool:
    return unicodedata.category(char)[0] in "PSZ"


def _clause_ends(char: str) -> bool:
    return char in "是在而" or char.isspace() or (
        char != "、" and unicodedata.category(char)[0] in "PS")


_DENIED_TOO = ("也不是", "也不在", "又不是")  # "不是墨斗也不是新华是白马社区": a second denial
_DENIALS = ("并不是在", "并不在", "并不是", "不是在", "不是", "不在", "not in", "not at")


def control_word(text: str) -> bool:
    """The text is only a word like "提交", "取消" or "修改" (what the buttons do)."""
    return text.strip(_ANSWER_PUNCTUATION).lower() in _CONTROL_WORDS


def describes(text: str) -> bool:
    """Words that can start a report's description (after /report): not blank or emoji
    only, not a button's word ("/report 取消" is only /report), not a bare yes or no."""
    return meaningful_text(text) and not control_word(text) and yes_or_no(text) is None


def confident_guess(draft: dict[str, Any]) -> str | None:
    """The guessed category when it is sure enough to be offered for confirmation."""
    guess = draft.get("category")
    sure = guess and guess != "other" and (draft.get("confidence") or 0) >= CONFIDENT
    return guess if sure else None


def take_answer(draft: dict[str, Any], yes: bool) -> bool:
    """A typed yes or no to the question now asked; True when it answered one (then it is
    not part of the description). "是白马社区吗?" is confirmed or denied; "看起来是烟花爆竹，对吗?"
    takes the guess, or asks with every category; at the summary nothing is submitted
    (that takes the button), and nothing is added to the description either."""
    step = next_question(draft)
    if step == "place_confirm":
        confirm_place(draft, yes)
        return True
    if step == "category" and (guess := confident_guess(draft)):
        if yes:
            choose_category(draft, guess)
        else:
            draft["confidence"] = 0.0
        return True
    return step == "summary"


def confirm_place(draft: dict[str, Any], yes: bool) -> None:
    """The resident answered "是X社区吗?". A no goes back to the grid confirmed before the
    question, if there was one (a poster's community), else asks where."""
    before = draft.pop("grid_before", None)
    if yes:
        draft["grid_confirmed"] = True
    elif before:
        draft.update(before, grid_confirmed=True)
    else:
        draft.update(grid_code=None, grid_confirmed=False, location_source=None)


def can_add_photo(draft: dict[str, Any], max_photos: int = MAX_PHOTOS) -> bool:
    """Room for one more photo?"""
    return len(draft.get("photos", [])) < max_photos


def has_photo(draft: dict[str, Any], file_unique_id: str | None) -> bool:
    """The same Telegram file is in the draft already (checked before downloading it)."""
    return bool(file_unique_id) and any(
        p.get("file_unique_id") == file_unique_id for p in draft.get("photos", []))


def add_photo(draft: dict[str, Any], photo: dict[str, Any]) -> bool:
    """Add a photo record; False when the same picture (file_unique_id or sha256) is there."""
    for existing in draft.setdefault("photos", []):
        same_file = photo.get("file_unique_id") and existing.get("file_unique_id") == photo.get(
            "file_unique_id")
        same_bytes = photo.get("sha256") and existing.get("sha256") == photo.get("sha256")
        if same_file or same_bytes:
            return False
    draft["photos"].append(photo)
    return True


def has_location(draft: dict[str, Any]) -> bool:
    """A point or a confirmed grid."""
    return draft.get("latitude") is not None or bool(
        draft.get("grid_code") and draft.get("grid_confirmed"))


def next_question(draft: dict[str, Any]) -> str:
    """What to ask now: `place_confirm`, `location`, `category` or `summary`.

    Where comes first: it decides which patrol gets the case, and a resident who walks on
    cannot share the spot later. The category, often already guessed from the text, is
    confirmed last, right before the summary (both are answered with buttons on one
    message that is edited in place)."""
    if draft.get("grid_code") and not draft.get("grid_confirmed"):
        return "place_confirm"
    if not has_location(draft):
        return "location"
    if not draft.get("category_confirmed"):
        return "category"
    return "summary"


def has_content(draft: dict[str, Any]) -> bool:
    """The resident said something: a description, a photo or a point."""
    return bool(draft.get("text") or draft.get("photos") or draft.get("latitude") is not None)


def is_empty(draft: dict[str, Any]) -> bool:
    """Nothing collected yet."""
    return not (has_content(draft) or draft.get("grid_code") or draft.get("category_confirmed"))


def anonymous_id(user_id: int, salt: str) -> str:
    """A stable pseudonym for a reporter: officials can count and block, not identify."""
    digest = hashlib.sha256(f"{salt}:{user_id}".encode()).hexdigest()
    return f"R{digest[:9].upper()}"


def plausible_point(latitude: float, longitude: float) -> bool:
    """Rejects 0,0 ("null island"), out-of-range and non-finite coordinates."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return False
    return not (abs(latitude) < 1e-6 and abs(longitude) < 1e-6)


# --------------------------------------------------------------------------- a typed text
@dataclass(frozen=True)
class TextStep:
    """What a resident's text did to the draft (`take_text`), for the handler to store and
    answer. `kind`: "asked" (store the draft if `save`, ask the next question), "emoji"
    (only emoji), "small_talk" (no report begun), "begin" (thanks before anything was told:
    say what to send); the last three store nothing."""

    kind: str = "asked"
    save: bool = True
    hint: str | None = None  # "use_buttons", "pick_kind" or "typed_command" (`word`)
    word: str = ""
    truncated: bool = False  # the description did not fit whole
    point_decides: str | None = None  # a place named away from the shared point (its grid)
    noted: bool = False  # a description taken while the place is still to be asked


_EMOJI, _SMALL_TALK, _BEGIN = (TextStep(kind, save=False) for kind in ("emoji", "small_talk",
                                                                       "begin"))
_QUESTION_MARKS = ("?", "？", "吗")


def take_text(draft: dict[str, Any], text: str, analysis: Any, read: Callable[[str], Any],
              contains: Callable[[str, str], bool], related: Callable[[str, str], bool], *,
              exists: bool, start: bool = False,
              max_chars: int = MAX_TEXT_CHARS) -> TextStep:
    """Apply a typed text to the draft: an answer to the question asked, thanks, a typed
    button, where the report is, or a description (see README, "What the bot does").
    `analysis` is the text's (nlp.analyze; None when it has no letters), `read` analyses
    other words, `contains`/`related` compare grid codes (dispatch.routing.Router);
    `exists`: the draft is stored already; `start`: the resident asked for a report."""
    asked = next_question(draft)
    if (trimmed := without_thanks(text)) != text:
        text, analysis = trimmed, read(trimmed)  # "感谢，在新华社区": the thanks go
    # "是" alone answers the yes/no question asked; "不对，是在新华社区" or "对，烟很大"
    # answers it and goes on: the words after the answer are taken on their own.
    lead, rest = leading_answer(text)
    if lead is not None and not meaningful_text(rest):
        lead, rest = None, text
    lead_where = None  # after a yes or no, the place a denial points to
    pointless = draft.get("latitude") is None  # with a shared point, the point decides
    own = draft.get("grid_code")
    if lead is not None and pointless and own and _denies(
            rest, own, read, contains if asked == "place_confirm" else _same):
        # "好的，不是墨斗社区", "不对，不是墨斗社区，是新华社区", "好的，不是白马社区" after
        # the poster of 白马: the denial of the report's own place answers. A yes or no to
        # another question answers it first ("是，不是白马社区是墨斗社区" takes the guess).
        if asked != "place_confirm" and exists:
            take_answer(draft, lead)
        lead, text = None, rest
        analysis = read(text)
    elif lead is not None and pointless \
            and (inner := _denied_elsewhere(rest, read, own, contains)) is not None:
        rest, lead_where = inner  # "好的，不是新华社区，是墨斗社区": what follows the denial
    # "不是墨斗社区，是新华社区": a denial of a place, or of a spot in it when the place
    # is elsewhere ("不是白马社区门口，是新华社区"); "不是墨斗社区门口，是后门" is a
    # description. With a shared point the point decides. A denied place is never proposed.
    split = denied_first(text) if lead is None and pointless else None
    denied = read(split.clause) if split else None
    if not (split and denied is not None and denied.grids):
        split = None
    tail = without_thanks(split.rest) if split else ""  # "…，谢谢你们，是新华社区"
    after = read(tail) if split and meaningful_text(tail) else None
    # A description that begins with a denial proposes the place after it, if any ("不是在
    # 墨斗社区烧的，是在新华社区烧的" is about 新华社区), past more denials ("不是墨斗社区，
    # 也不是新华社区": none); its kind is read there too ("不是墨斗社区在烧垃圾").
    pointed = _past_denials(tail, read, denied.grids, contains) if split else _NOWHERE
    where = pointed if pointed.grids else None
    kind = after if after is not None and after.is_tip else None
    dropped = False  # a denied grid was dropped: the draft is to be stored whatever follows
    if split and place_only(split.clause, denied) is not None:
        names = _names_only(split.clause, denied)
        moved = after is not None and bool(after.grids) and not any(
            related(a, d) for a in after.grids for d in denied.grids)
        one = denied.grids[0] if len(set(denied.grids)) == 1 else None
        if names:
            where = pointed  # the place itself denied: never proposed ("不是墨斗社区在烧")
        # "不是白马社区在烧" away from the place asked is no denial: a place must follow.
        placed = not split.run_on or (after is not None and bool(after.grids))
        # What follows the denial counts on its own when it is a place, an answer, thanks
        # or a typed button; a description is all that was said ("不是墨斗社区在烧垃圾" is
        # a no and that description, not "在烧垃圾").
        rest_only = after is None or place_only(tail, after) is not None \
            or not describes(tail) or polite(tail)
        if asked == "place_confirm" and one and contains(one, draft["grid_code"]) \
                and (names or moved):
            lead, rest = False, tail if rest_only else text  # a no
        elif (names and placed) or moved:
            dropped = names and exists and drop_denied(draft, denied.grids, contains)
            if after is None:
                if dropped:
                    return TextStep()  # "不是白马社区" after the poster of 白马: where, then?
                if not exists:
                    return TextStep() if start else _SMALL_TALK
                return TextStep(save=False)  # "不是新华社区" alone: no place, asked again
            asked = next_question(draft)
            if rest_only:  # "不是新华社区，是墨斗社区": the place that follows
                text, analysis = tail, after
    said = analysis if lead is None else read(rest) if meaningful_text(rest) else None
    words = text if lead is None else rest
    answer = yes_or_no(text) if lead is None else lead
    if lead is not None and asked == "category" and said is not None:
        guess = confident_guess(draft)
        if lead and yes_taken_back(guess, said.category if said.is_tip else None, rest,
                                   said.scores.get(guess or "", 0) > 0):
            answer = False  # "嗯，是工地扬尘": no yes; a new guess, or every kind
        elif not lead and place_only(rest, said) is not None:
            answer = None  # "不对，是在新华社区": the no is about the place
    answered = exists and answer is not None and take_answer(draft, answer)
    if answered and (lead is None or said is None or yes_or_no(rest) is not None
                     or polite(rest)):  # "是", "不，不是", "好的，谢谢", "不是墨斗社区，😡"
        return TextStep(hint="use_buttons" if asked == "summary" else None)
    if lead is not None and said is None:  # "好的，不是新华社区" with no question it answers
        return TextStep(save=False) if exists else _SMALL_TALK
    if exists and polite(words):  # thanks, "收到": never a description
        if not has_content(draft) and not dropped:
            return _BEGIN  # nothing told yet: say what to send
        return TextStep(save=dropped, hint="use_buttons" if asked == "summary" else None)
    if exists and control_word(words):  # "提交" typed, not pressed
        if asked == "summary":
            return TextStep(save=answered or dropped, hint="use_buttons")
        return TextStep(save=answered or dropped, hint="typed_command", word=words.strip())
    if said is None:
        return _EMOJI
    if exists and lead is None and answer is not None:
        # "好" with no question it answers: asked again (the kind takes a button)
        return TextStep(save=dropped, hint="pick_kind" if asked == "category" else None)
    if lead is not None and not answered:
        words = text  # no question it answers: the 不对 is part of what was said
    if not exists and not (start or said.is_tip or said.grids):
        return _SMALL_TALK
    place = place_only(words, said)
    if place is not None and draft.get("latitude") is None:
        # Says only where: moves the report, not its description. Naming one place and
        # asking nothing, it may settle the place without a question.
        single = len(set(said.grids)) == 1 and not any(m in words for m in _QUESTION_MARKS)
        # After a denial, a place named with the denied one: the other ("不是墨斗社区，是墨斗
        # 社区对面的新华社区")
        grids = where.grids if where is not None and where.grids \
            and set(where.grids) < set(said.grids) else said.grids
        propose_place(draft, place, pick_grid(grids, contains, draft), contains, single)
        return TextStep()
    # With a shared point, a place named elsewhere stays words for the patrol, and the
    # resident is told the point decides (a point outside the town is no area).
    point = draft.get("grid_code") if draft.get("latitude") is not None else None
    elsewhere = point is not None and bool(said.grids) and (draft.get("outside") or not any(
        related(point, code) for code in said.grids))
    cut = add_text(draft, words, max_chars)
    if lead_where is None and where is None:
        where = _denied_further_on(draft, words, read, contains, exists=exists)
    take_guess(draft, said, contains, lead_where if lead_where is not None else where, kind,
               read)
    return TextStep(truncated=cut, point_decides=point if elsewhere else None,
                    noted=next_question(draft) == "location")


# What a denied clause may hold besides the place it names ("不是在墨斗社区那边").
_DENIAL_FILLERS = sorted("在 是 就是 的 那个 这个 那边 这边 那里 这里 那儿 这儿 一带 附近 吧 呢 啊".split(),
                         key=len, reverse=True)


def _names_only(clause: str, analysis: Any) -> bool:
    """The clause names places and nothing more: no spot in them (门口, 东边, 楼下)."""
    return place_only(clause, analysis) is not None and not meaningful_text(
        _without(normalize(clause), analysis.places, _DENIAL_FILLERS))


def drop_denied(draft: dict[str, Any], grids: Sequence[str],
                contains: Callable[[str, str], bool]) -> bool:
    """The resident said the report is not in `grids` (the grids one place names): a grid
    confirmed without a point that they cover (a poster's, or a place named and confirmed
    earlier) is dropped, to be asked again, and so is one kept aside to go back to. True
    when either was."""
    if draft.get("latitude") is not None:
        return False  # the point decides
    dropped = False
    before = draft.get("grid_before")
    if before and any(contains(code, before["grid_code"]) for code in grids):
        draft.pop("grid_before")
        dropped = True
    current = draft.get("grid_code")
    if current and draft.get("grid_confirmed") and len(set(grids)) == 1 \
            and contains(grids[0], current):
        draft.update(grid_code=None, grid_confirmed=False, location_source=None,
                     address_text=None)
        draft.pop("grid_before", None)
        dropped = True
    return dropped


def take_guess(draft: dict[str, Any], analysis: Any,
               contains: Callable[[str, str], bool] | None = None,
               where: Any = None, kind: Any = None,
               read: Callable[[str], Any] | None = None) -> None:
    """A description's category guess (`kind`'s when given: the words after a denial),
    and the place it names to be asked about: `where`'s (the words after a denial, when
    the text begins with one; _NOWHERE: none), else the text's; of several, `pick_grid`'s,
    shown (with `read`) with a place of that grid."""
    guess = kind or analysis
    apply_guess(draft, guess.category, guess.subcategory, guess.confidence)
    named = analysis if where is None else where
    if not named.grids:
        return
    grid = pick_grid(named.grids, contains, draft)
    place = named.places[0] if named.places else None
    if read is not None and len(named.places) > 1:  # shown with a place of that grid
        place = next((p for p in named.places if (own := read(p)) is not None
                      and grid in own.grids), place)
    propose_place(draft, place, grid, contains)


def pick_grid(grids: Sequence[str], contains: Callable[[str, str], bool] | None,
              draft: dict[str, Any]) -> str:
    """Of the grids a text names (longest name first), the one to propose: the finest
    ("柏杨街道白马社区", "墨斗那边…，烟飘到大宁河上了": not the street around them), and of
    those, one that is not the report's confirmed grid when there is such ("白马小区旁边
    的新华社区工地" after the poster of 白马: asked about 新华社区, never kept silently)."""
    if contains is None or len(grids) < 2:
        return grids[0]
    finest = [g for g in grids if not any(g != h and contains(g, h) for h in grids)]
    current = draft.get("grid_code") if draft.get("grid_confirmed") else None
    elsewhere = [g for g in finest if current is None
                 or not (contains(g, current) or contains(current, g))]
    return (elsewhere or finest or list(grids))[0]


_NOWHERE = SimpleNamespace(grids=(), places=())  # take_guess's `where`: propose nothing


def _denies(words: str, grid_code: str, read: Callable[[str], Any],
            contains: Callable[[str, str], bool]) -> bool:
    """`words` begin by denying the place of `grid_code`, and only it ("不是墨斗社区…")."""
    split = denied_first(words)
    named = read(split.clause) if split else None
    return bool(named is not None and named.grids and len(set(named.grids)) == 1
                and contains(named.grids[0], grid_code) and _names_only(split.clause, named))


def _same(code: str, other: str) -> bool:
    return code == other


def _denied_elsewhere(words: str, read: Callable[[str], Any], own: str | None,
                      contains: Callable[[str, str], bool]) -> tuple[str, Any] | None:
    """After a yes or no, `words` that begin by denying a place (not the report's own:
    see _denies): (what to take, where it points). What follows the denial is taken when
    it only says where, or nothing ("不是新华社区，是墨斗社区", "不是新华社区"); a
    description is taken whole ("不是新华社区，在墨斗社区这边烧"), pointing past the
    denial. None without such a denial, or when the place denied covers the report's own
    (`own`; "好的，不是大宁河" names the whole street): the words stay."""
    split = denied_first(words)
    named = read(split.clause) if split else None
    if not (named is not None and named.grids and _names_only(split.clause, named)):
        return None
    if own and any(contains(code, own) for code in named.grids):
        return None
    rest = without_thanks(split.rest)
    after = read(rest) if meaningful_text(rest) else None
    pointed = _past_denials(rest, read, named.grids, contains)
    if after is None or (not split.run_on and place_only(rest, after) is not None) \
            or not describes(rest) or polite(rest):
        return rest, pointed
    return words, pointed


def _past_denials(words: str, read: Callable[[str], Any], denied: Sequence[str],
                  contains: Callable[[str, str], bool]) -> Any:
    """What `words` (the rest after a denial of the grids `denied`) point to, past any
    further denials ("也不是新华社区，是白马社区" points to 白马社区): their analysis, or
    _NOWHERE. A denied grid named again is left out when another is named too ("是墨斗社区
    对面的新华社区" after 不是墨斗社区 points to 新华社区)."""
    for _ in range(5):
        split = denied_first(words.removeprefix("也").removeprefix("又"))
        if split is None:
            break
        words = split.rest
    return _other_than(read(words) if meaningful_text(words) else None, denied, contains)


def _other_than(named: Any, denied: Sequence[str], contains: Callable[[str, str], bool]) -> Any:
    """What `named` (an analysis, or None) points to: _NOWHERE without grids; without the
    grids inside `denied` when it names others too."""
    if named is None or not named.grids:
        return _NOWHERE
    others = tuple(g for g in named.grids if not any(contains(d, g) for d in denied))
    if others and len(others) < len(named.grids):
        return SimpleNamespace(grids=others, places=named.places)
    return named


# Words that may open a clause before its denial ("…，但不是墨斗社区", "…，也不在新华社区").
_CONNECTIVES = ("但是", "可是", "不过", "其实", "应该", "肯定", "绝对", "确实", "但", "可", "而",
                "也", "又", "and ", "but ")


def _denied_further_on(draft: dict[str, Any], words: str, read: Callable[[str], Any],
                       contains: Callable[[str, str], bool], *, exists: bool) -> Any:
    """take_guess's `where` for a description that denies places after its first clause
    ("有人烧秸秆，不是墨斗社区"): what the rest names, without a denied grid when another is
    named (None: no such denial). A place said and then denied ("我住墨斗社区，…，不是墨斗
    社区") is not proposed either, nor kept as the report's: it answers no to a proposal it
    covers and drops a poster's grid (asked again). A spot denied in a place named ("白马
    社区有人烧垃圾，但不是白马小学") leaves that place."""
    later = _outside_denials(words, read)
    if later is None:
        return None
    outside, denials = later
    named = read(outside) if meaningful_text(outside) else None
    where = _other_than(named, [code for d in denials for code in d.grids], contains)
    said = named if named is not None else _NOWHERE
    firm = [d.grids for d in denials if set(d.places) & set(said.places) or not any(
        contains(code, other) for code in d.grids for other in said.grids)]
    if where.grids and all(any(contains(code, grid) for grids in firm for code in grids)
                           for grid in where.grids):
        where = _NOWHERE
    if exists and draft.get("latitude") is None:
        current = draft.get("grid_code")
        if current and not draft.get("grid_confirmed") and any(
                contains(code, current) for grids in firm for code in grids):
            confirm_place(draft, False)
        for grids in firm:
            drop_denied(draft, grids, contains)
    return where


def _outside_denials(words: str, read: Callable[[str], Any]
                     ) -> tuple[str, list[Any]] | None:
    """(`words` without the places they deny after their first clause, the analysis of
    each denied clause), for what they propose: "有人烧秸秆，不是墨斗社区，也不是新华社区" leaves "有人
    烧秸秆"; "墨斗社区有人烧垃圾，但不是墨斗小学" still names 墨斗社区. None when they deny
    none there. A denial at the start is take_text's (`denied_first`); a spot denied ("不是
    墨斗社区门口") is no place denied. Linear in the length of `words`: each clause is
    looked at once, and only its first _DENIAL_WINDOW characters."""
    if not any(d in words.lower() for d in _DENIALS):
        return None
    kept: list[str] = []
    denied: list[Any] = []
    starts = [m.end() for m in _CLAUSES.finditer(words)]
    kept_from, at, index = 0, None, 0  # `at`: right after a denial ("…墨斗也不是新华")
    while len(denied) < MAX_DENIALS:
        if at is None:
            while index < len(starts) and starts[index] < kept_from:
                index += 1
            if index == len(starts):
                break
            start, index = starts[index], index + 1
        else:
            start, at = at, None
        found = _denial_at(words, start, read)
        if found is not None:
            kept.append(words[kept_from:start])
            kept_from = at = found[0]
            denied.append(found[1])
    if not kept:
        return None
    if len(denied) < MAX_DENIALS:  # after that many, nothing that follows counts
        kept.append(words[kept_from:])
    return "，".join(kept), denied


MAX_DENIALS = 5
_DENIAL_WINDOW = 40  # a denied place is short (PLACE_ONLY_CHARS at most)


def _denial_at(words: str, start: int, read: Callable[[str], Any]
               ) -> tuple[int, Any] | None:
    """(where it ends, its analysis) when a clause denying a place and naming
    nothing more begins at `start` of `words` (after a connective: "但不是墨斗社区")."""
    window = words[start:start + _DENIAL_WINDOW]
    skip = next((len(c) for c in _CONNECTIVES if window.lower().startswith(c)), 0)
    split = denied_first(window[skip:])
    named = read(split.clause) if split else None
    if named is None or not named.grids or not _names_only(split.clause, named):
        return None
    end = window.find(split.clause, skip) + len(split.clause)
    if end >= len(window) and start + len(window) < len(words):
        return None  # the clause goes on past the window: no place alone
    return start + end, named


def place_only(words: str, analysis: Any) -> str | None:
    """`place_words` for `words` as `analysis` read them: matched in normalised script, as
    the places were found (在墨斗社區 is 在墨斗社区)."""
    return place_words(normalize(words), analysis.places, analysis.aliases, analysis.is_tip,
                       bool(analysis.grids))
