"""The public result type and :func:`analyze`."""

from __future__ import annotations

from dataclasses import dataclass, field

from nlp.classifier import classify
from nlp.gazetteer import Gazetteer
from nlp.normalize import normalize
from nlp.places import extract_places

TIP_CONFIDENCE = 0.45  # below this a pollution category is too unsure to start a report

_EMPTY = Gazetteer.empty()


@dataclass(frozen=True, slots=True)
class Analysis:
    """What a message says: category, subcategory, confidence, places and grids."""

    text: str
    category: str
    subcategory: str | None
    confidence: float
    secondary: tuple[str, ...]
    places: tuple[str, ...]
    grids: tuple[str, ...]
    evidence: tuple[str, ...]
    # The grid aliases the text names, as written (not in to_json): what of a place is
    # known to name a grid, and what the place finder took in around it.
    aliases: tuple[str, ...] = ()
    # Each category's score, as the classifier weighed the cues (not in to_json): a text
    # read as one kind may still carry another's cues (烧得满天都是灰: dust, and burning).
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def is_tip(self) -> bool:
        """True when the text reads like a pollution tip worth starting a report for."""
        return self.category != "other" and self.confidence >= TIP_CONFIDENCE

    def to_json(self) -> dict:
        """A JSON-ready dict with exactly the documented keys."""
        return {
            "text": self.text,
            "category": self.category,
            "subcategory": self.subcategory,
            "confidence": self.confidence,
            "secondary": list(self.secondary),
            "places": list(self.places),
            "grids": list(self.grids),
            "evidence": list(self.evidence),
        }


def analyze(text: str, gazetteer: Gazetteer | None = None) -> Analysis:
    """Classify ``text`` and find the places and grid codes it names.

    Never raises on any string; a non-string is converted with ``str``.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    gaz = gazetteer if gazetteer is not None else _EMPTY
    norm = normalize(text)
    verdict = classify(norm)
    spans = extract_places(norm, gaz.cut) if norm.strip() else []
    codes, alias_spans = gaz.match(norm, spans)
    for start, end in alias_spans:  # a known alias that no rule found is a place too
        if not any(s <= start and end <= e for s, e in spans):
            spans.append((start, end))
    spans.sort()
    places: list[str] = []
    for start, end in spans:
        surface = norm[start:end]
        if surface not in places:
            places.append(surface)
    return Analysis(
        text=text,
        category=verdict.category,
        subcategory=verdict.subcategory,
        confidence=verdict.confidence,
        secondary=verdict.secondary,
        places=tuple(places),
        grids=tuple(codes),
        evidence=verdict.evidence,
        aliases=tuple(dict.fromkeys(norm[start:end] for start, end in alias_spans)),
        scores=dict(verdict.scores),
    )
