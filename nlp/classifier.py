"""Rule-based classification of normalised complaint text.

One scan with the trie regex of :mod:`nlp.lexicon` yields cue tokens; the rules
below then decide negation scope, decoys, pairing of burning verbs with their
objects, opinions about the fireworks ban, similes and water-sprinkling
complaints, and add up a score per category.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from nlp.lexicon import CUE_RE, LEXICON, Cue

CATEGORIES = ("burning", "fireworks", "dust", "other")
POLLUTION = ("burning", "fireworks", "dust")
THRESHOLD = 1.0  # a pollution category needs this score to win
MAX_CHARS = 5000  # longer texts are classified on their beginning

_CONTENT = {"fire", "smoke", "bobj", "burn", "fw", "dust", "dobj", "mitig", "bctx", "fwctx"}
_NEG_GAP = 6  # characters allowed between a negator and the word it negates
_PAIR_GAP = 12  # characters allowed between a burning verb/smoke and its object
_PAIR_GAP_WORDS = 5  # the same in English, counted in words ("burning a huge pile of old tyres")
# Farther apart than this, never a pair (five English words fit easily). It keeps pairing
# linear: a long run of verbs and objects in one sentence ("烧 🔥 垃圾 " a thousand times)
# would otherwise compare each object with every verb.
_PAIR_SPAN = 80
_LATIN = re.compile(r"[a-z]")
# English negators, matched as whole words (the lexicon's trie has no word boundaries, and
# "whenever" hides "never"): "no fireworks tonight", "nobody is burning anything". A negator
# governs a cue at most _EN_NEG_WORDS words on, with no punctuation, "but", "and", "so" or
# "because" between; "no" and "none" only the next word, or the one after a word that
# only qualifies it ("no more fireworks", "no loud fireworks"; "trucks with no covers
# spread dust" is dust). Phrases that look negative but report the nuisance ("nobody
# cares", "can't sleep", "no dust nets", "no fireworks allowed") are not negators, and a gap
# that speaks of stopping ("they never stop burning") negates nothing. "without" is not
# one ("without any dust cover" is dust).
_EN_NEG = re.compile(r"\b(?:no one|nobody|no|not|never|none|(?:is|are|was|were|do|"
                     r"does|did|have|has|had|ca|wo|could)n['’]t|cannot)\b")
_EN_NONNEG = re.compile(r"\b(?:not only|no idea|no end|no matter|(?:nobody|no one) (?:cares|"
                        r"does|did|is doing|came|comes|listens)|"
                        r"(?:ca|could)n['’]t (?:sleep|breathe|stand|open)|"
                        r"cannot (?:sleep|breathe|stand|open)|"
                        r"no (?:dust|smoke) (?:nets?|covers?|control|suppression|screens?|"
                        r"prevention|measures?|filters?)|"
                        r"no \w+ allowed|not allowed|isn['’]t allowed|aren['’]t allowed)\b")
_EN_NEG_CUE = Cue("neg", None, None, 0.0)
_EN_NEG_WORDS = 2
_EN_NEG_NEXT_WORD = {"no", "none"}
_EN_NEG_FILLERS = {"more", "any", "longer", "loud", "big", "real", "serious", "bad", "major",
                   "visible", "actual", "such", "obvious", "much", "large"}
_EN_NEG_BREAK = re.compile(r"[,.!?;:]|\b(?:but|and|so|because)\b|\bstop|\bend|\bquit")
_ACTIVE_FW = {"还放", "还在放", "照放", "照样放", "又放", "又在放", "放上了", "偷偷放", "还有人放"}
_SPRINKLE = {"洒水", "雾炮", "喷淋", "喷雾", "洒水车", "洒水降尘", "洒过水", "洒"}
_OPINION_CUES = {"建议", "希望", "能不能", "可不可以", "为什么", "凭什么", "呼吁", "是否", "可以放吗",
                 "能放吗", "请问"}
_FAR_PAO = re.compile(r"放[^,。!?;\s炮放]{1,6}炮(?![弹兵火])")
_FAR_PAO_CUE = Cue("fw", "fireworks", None, 1.2)
_RHETORICAL = re.compile(r"[^,。!?;]{0,12}(?:吗|是啥|是什么|嘛)")
# 禁止焚烧秸秆的宣传横幅: a cue that names a notice or a campaign is not an event.
_MENTION = re.compile(r"的?(?:宣传|标语|横幅|通知|规定|政策|告示|牌子|公告|工作|条例|文件|专项|整治|"
                      r"管控|补贴|知识|培训)")


@dataclass(slots=True)
class Tok:
    """A cue found in the text, with its clause and sentence numbers."""

    start: int
    end: int
    word: str
    cue: Cue
    clause: int = 0
    sentence: int = 0
    negated: bool = False


@dataclass(slots=True)
class Verdict:
    """What :func:`classify` decided."""

    category: str
    subcategory: str | None
    confidence: float
    secondary: tuple[str, ...]
    evidence: tuple[str, ...]
    scores: dict[str, float] = field(default_factory=dict)


def _tokens(text: str) -> list[Tok]:
    toks: list[Tok] = []
    clause = sentence = 0
    clause_at: list[int] = []  # start of each clause / sentence after the first
    sentence_at: list[int] = []
    for m in CUE_RE.finditer(text):
        word = m.group()
        cue = LEXICON[word]
        kind = cue.kind
        if kind in ("strong", "sep"):
            sentence += 1
            clause += 1
            clause_at.append(m.start())
            sentence_at.append(m.start())
            continue
        if kind == "weak":
            clause += 1
            clause_at.append(m.start())
            continue
        toks.append(Tok(m.start(), m.end(), word, cue, clause, sentence))
    if "炮" in text:  # 放那么多炮, 放了一晚上的炮: verb and object apart
        for m in _FAR_PAO.finditer(text):
            inside = [t for t in toks if t.start < m.end() and m.start() < t.end]
            if any(t.cue.kind == "fw" and t.cue.weight >= 1.2 for t in inside):
                continue
            toks = [t for t in toks if t not in inside or t.cue.kind != "fw"]
            toks.append(Tok(m.start(), m.end(), m.group(), _FAR_PAO_CUE,
                            bisect.bisect_right(clause_at, m.start()),
                            bisect.bisect_right(sentence_at, m.start())))
        toks.sort(key=lambda t: t.start)
    if _LATIN.search(text):
        affirmed = [(m.start(), m.end()) for m in _EN_NONNEG.finditer(text)]
        for m in _EN_NEG.finditer(text):
            if any(a <= m.start() < b for a, b in affirmed):
                continue
            toks.append(Tok(m.start(), m.end(), m.group(), _EN_NEG_CUE,
                            bisect.bisect_right(clause_at, m.start()),
                            bisect.bisect_right(sentence_at, m.start())))
        toks.sort(key=lambda t: t.start)
    return toks


def _mark_negation(text: str, toks: list[Tok]) -> None:
    """Flag content cues that a negator governs (没有放鞭炮, 一个火点都没有)."""
    last_neg: Tok | None = None
    blocked = False
    for i, tok in enumerate(toks):
        kind = tok.cue.kind
        if kind == "neg":
            if tok.word in ("不是", "并不是") and _RHETORICAL.match(text, tok.end):
                continue  # 不是禁放了吗, 不是鞭炮是啥: a rhetorical question affirms
            last_neg, blocked = tok, False
            continue
        if kind == "breaker":
            blocked = True
            continue
        if kind == "postneg":
            for prev in reversed(toks[:i]):
                if prev.clause != tok.clause or tok.start - prev.end > 4:
                    break
                if prev.cue.kind in _CONTENT:
                    prev.negated = True
            # 都没洒过: a post-negator right before a mitigation negates it as well
            last_neg, blocked = tok, False
            continue
        if kind not in _CONTENT or last_neg is None or blocked:
            continue
        if last_neg.clause != tok.clause:
            continue
        gap = text[last_neg.end:tok.start]
        if last_neg.cue is _EN_NEG_CUE:
            between = gap.split()
            if len(between) > _EN_NEG_WORDS or _EN_NEG_BREAK.search(gap) or (
                    last_neg.word in _EN_NEG_NEXT_WORD and between
                    and not (len(between) == 1 and between[0] in _EN_NEG_FILLERS)):
                continue
        elif len(gap) > _NEG_GAP:
            continue
        if "不" in gap or "没" in gap:  # double negation: 没有一天不烧
            continue
        tok.negated = True


def _opinion_sentences(text: str, toks: list[Tok]) -> set[int]:
    """Sentences that voice an opinion on the fireworks ban rather than report one.

    Praise (支持禁放, 空气好多了) always counts; policy words (取消, 放开, 年味) count
    when two meet in a sentence, or one meets a request (建议, 为什么). A sentence
    with a live event (还有人, 半夜, 还在放) never counts.
    """
    policy: dict[int, int] = {}
    praise: set[int] = set()
    active: set[int] = set()
    for tok in toks:
        kind = tok.cue.kind
        if kind == "policy":
            policy[tok.sentence] = policy.get(tok.sentence, 0) + (2 if "不让" in tok.word else 1)
        elif kind == "praise":
            praise.add(tok.sentence)
        elif kind == "active" or tok.word in _ACTIVE_FW:
            active.add(tok.sentence)
    requested = any(word in text for word in _OPINION_CUES)
    opinion = praise | {s for s, n in policy.items() if n >= 2 or requested}
    return opinion - active


def _fold(scores: dict[str, float], ev: dict[str, list[tuple[int, str]]], cat: str,
          weight: float, *words: tuple[int, str]) -> None:
    scores[cat] += weight
    ev[cat].extend(words)


def classify(text: str) -> Verdict:
    """Classify normalised ``text`` into burning, fireworks, dust or other."""
    text = text[:MAX_CHARS]
    toks = _tokens(text)
    _mark_negation(text, toks)
    for tok in toks:
        if tok.cue.kind in _CONTENT and _MENTION.match(text, tok.end):
            tok.negated = True
    opinion = _opinion_sentences(text, toks)

    scores = dict.fromkeys(CATEGORIES, 0.0)
    ev: dict[str, list[tuple[int, str]]] = {c: [] for c in CATEGORIES}
    subs: dict[str, list[tuple[float, int, str]]] = {c: [] for c in CATEGORIES}
    steps: dict[str, list[tuple[int, float]]] = {c: [] for c in CATEGORIES}
    kinds = {t.cue.kind for t in toks}
    quarry = "quarry" in kinds
    smoky_context = "factory" in kinds or any(
        t.cue.sub in ("cooking_fumes", "bbq", "exhaust") for t in toks
    )
    wet = "wet" in kinds

    def note(cat: str, tok: Tok, weight: float, sub: str | None = None) -> None:
        _fold(scores, ev, cat, weight, (tok.start, tok.word))
        if weight > 0:
            steps[cat].append((tok.start, weight))
        if sub:
            subs[cat].append((weight, tok.start, sub))

    # --- burning: verbs and smoke paired with what burns ---------------------------
    objects = [t for t in toks if t.cue.kind == "bobj" and not t.negated]
    signals = [
        t for t in toks
        if t.cue.kind in ("fire", "smoke") or (t.cue.kind == "burn" and t.cue.sub is None)
    ]
    paired: set[int] = set()
    signal_starts = [t.start for t in signals]  # tokens come in order
    for obj in objects:
        best: tuple[float, Tok] | None = None
        near = signals[bisect.bisect_left(signal_starts, obj.start - _PAIR_SPAN):
                       bisect.bisect_right(signal_starts, obj.end + _PAIR_SPAN)]
        for sig in near:
            if sig.negated or sig.sentence != obj.sentence:
                continue
            gap = text[sig.end:obj.start] if sig.start < obj.start else text[obj.end:sig.start]
            if (len(gap.split()) > _PAIR_GAP_WORDS if _LATIN.search(gap)
                    else len(gap) > _PAIR_GAP):
                continue
            weight = 0.8 + sig.cue.weight if sig.cue.kind == "smoke" else 2.0
            if best is None or weight > best[0]:
                best = (weight, sig)
        if best is not None:
            paired.add(id(best[1]))
            note("burning", best[1], 0.0)
            note("burning", obj, best[0], obj.cue.sub)
    loose_fire = loose_smoke = 0.0
    for sig in signals:
        if sig.negated or id(sig) in paired or sig.cue.kind == "burn":
            continue
        if sig.cue.kind == "fire":
            loose_fire += sig.cue.weight
            note("burning", sig, 0.0)
        elif smoky_context:
            note("other", sig, sig.cue.weight * 0.5)
        else:
            loose_smoke += sig.cue.weight
            note("burning", sig, 0.0)
    loose = min(loose_fire, 0.9) + min(loose_smoke, 1.0)
    if loose:
        scores["burning"] += loose
        steps["burning"].append((max(s.start for s in signals if not s.negated), loose))

    # --- everything else token by token ---------------------------------------------
    sprinkled = False
    for i, tok in enumerate(toks):
        cue, kind = tok.cue, tok.cue.kind
        if tok.negated and kind != "mitig":
            continue
        if kind == "burn" and cue.weight > 0 and id(tok) not in paired:
            note("burning", tok, cue.weight, cue.sub)
        elif kind == "bctx":
            subs["burning"].append((0.1, tok.start, cue.sub or ""))
        elif kind == "fw":
            if tok.sentence in opinion:
                note("other", tok, 0.3, "policy")
            elif quarry and cue.weight <= 1.2:  # blasting: 放炮 without 鞭炮/烟花
                note("other", tok, 1.5, "blasting")
            elif _is_simile(text, toks, i):
                note("other", tok, 1.0, "noise")
            else:
                note("fireworks", tok, cue.weight)
        elif kind == "fwctx" and cue.sub and tok.sentence not in opinion:
            subs["fireworks"].append((0.1, tok.start, cue.sub))
        elif kind == "dust":
            note("dust", tok, cue.weight, cue.sub)
        elif kind == "dobj":
            note("dust", tok, cue.weight, cue.sub)
        elif kind == "mitig":
            if cue.weight > 0 and not tok.negated:
                note("dust", tok, cue.weight, cue.sub)
            elif cue.weight == 0 and tok.negated:
                note("dust", tok, 1.3, cue.sub)
            elif tok.word in _SPRINKLE:
                sprinkled = True
        elif kind in ("other", "decoy", "factory") and cue.weight > 0:
            note("other", tok, cue.weight, cue.sub)
            if tok.word in _SPRINKLE:
                sprinkled = True
        elif kind == "quarry":
            note("other", tok, 0.5, "blasting")
    if sprinkled and wet:
        scores["other"] += 1.5
        subs["other"].append((1.5, 0, "sprinkling"))
        scores["dust"] = max(0.0, scores["dust"] - 1.5)
    if opinion:
        subs["other"].append((0.5, 0, "praise" if _praise(toks, opinion) else "policy"))
        scores["other"] += 1.0
    return _decide(scores, ev, subs, steps)


def _established(steps: list[tuple[int, float]]) -> int:
    """Where, reading left to right, a category's score first reaches the threshold."""
    total = 0.0
    for pos, weight in sorted(steps):
        total += weight
        if total >= THRESHOLD:
            return pos
    return 1 << 30


def _is_simile(text: str, toks: list[Tok], i: int) -> bool:
    tok = toks[i]
    opened = any(
        t.cue.kind == "simopen" and t.clause == tok.clause and 0 <= tok.start - t.end <= 3
        for t in toks[max(0, i - 3):i]
    )
    if not opened:
        return False
    return any(
        t.cue.kind == "simclose" and t.clause == tok.clause and 0 <= t.start - tok.end <= 3
        for t in toks[i + 1:i + 4]
    )


def _praise(toks: list[Tok], opinion: set[int]) -> bool:
    return any(t.cue.kind == "praise" and t.sentence in opinion for t in toks)


def _decide(scores: dict[str, float], ev: dict[str, list[tuple[int, str]]],
            subs: dict[str, list[tuple[float, int, str]]],
            steps: dict[str, list[tuple[int, float]]]) -> Verdict:
    live = [
        c for c in POLLUTION
        if scores[c] >= THRESHOLD
        and (scores[c] >= scores["other"] or max(w for _, w in steps[c]) >= 1.2)
    ]
    if live:
        live.sort(key=lambda c: _established(steps[c]))
        top = live[0]
        for cat in live[1:]:
            if scores[cat] > 2 * scores[top]:
                top = cat
        s = scores[top]
        rival = max((scores[c] for c in POLLUTION if c != top), default=0.0)
        base = 1 - 0.4**s
        confidence = base * s / (s + 0.5 * rival + 0.3 * scores["other"])
        secondary = [c for c in sorted(live, key=lambda c: -scores[c]) if c != top]
        if scores["other"] >= THRESHOLD:
            secondary.append("other")
    else:
        top = "other"
        p = max(scores[c] for c in POLLUTION)
        confidence = 1 - 0.6 * p / THRESHOLD + 0.1 * min(scores["other"], 2.0)
        secondary = []
    confidence = round(min(0.99, max(0.05, confidence)), 3)
    sub_list = sorted(subs[top], key=lambda x: (-x[0], x[1]))
    subcategory = next((s for _, _, s in sub_list if s), None)
    seen: set[str] = set()
    evidence: list[str] = []
    for _, word in sorted(ev[top]):
        if word not in seen:
            seen.add(word)
            evidence.append(word)
    return Verdict(top, subcategory, confidence, tuple(secondary), tuple(evidence[:12]),
                   {k: round(v, 3) for k, v in scores.items()})
