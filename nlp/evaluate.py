"""Evaluate the classifier and the place rules on the labelled sets in tests/data/nlp/.

Run ``python -m nlp.evaluate [FILE ...]``. Without arguments it evaluates the
development set and the held-back set separately. See nlp/README.md for the
data format.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nlp.analysis import analyze
from nlp.classifier import CATEGORIES
from nlp.gazetteer import warm_up

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "nlp"
DEFAULT_SETS = ("dev.jsonl", "heldout.jsonl")


@dataclass
class Report:
    """Figures for one labelled set."""

    name: str
    total: int = 0
    correct: int = 0
    hard_total: int = 0
    hard_correct: int = 0
    confusion: dict[str, dict[str, int]] = field(
        default_factory=lambda: {g: dict.fromkeys(CATEGORIES, 0) for g in CATEGORIES}
    )
    places_expected: int = 0
    places_exact: int = 0
    places_hit: int = 0
    places_spurious: int = 0
    sub_total: int = 0
    sub_correct: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def prf(self, cat: str) -> tuple[float, float, float]:
        """Precision, recall and F1 of one category."""
        tp = self.confusion[cat][cat]
        predicted = sum(self.confusion[g][cat] for g in CATEGORIES)
        actual = sum(self.confusion[cat].values())
        p = tp / predicted if predicted else 0.0
        r = tp / actual if actual else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    @property
    def macro_f1(self) -> float:
        return sum(self.prf(c)[2] for c in CATEGORIES) / len(CATEGORIES)


def load(path: Path) -> list[dict]:
    """Read a JSON Lines set; every record needs ``text`` and ``category``."""
    records = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            if rec.get("category") not in CATEGORIES or not isinstance(rec.get("text"), str):
                raise ValueError(f"{path}:{n}: needs text and a category in {CATEGORIES}")
            records.append(rec)
    return records


def _same_place(expected: str, found: str) -> bool:
    return expected == found or (len(expected) >= 2 and (expected in found or found in expected))


def evaluate(records: Sequence[dict], name: str) -> Report:
    """Run :func:`analyze` over ``records`` and collect the figures."""
    rep = Report(name)
    for rec in records:
        result = analyze(rec["text"])
        gold, got = rec["category"], result.category
        rep.total += 1
        rep.confusion[gold][got] += 1
        hard = bool(rec.get("hard"))
        rep.hard_total += hard
        if gold == got:
            rep.correct += 1
            rep.hard_correct += hard
            if rec.get("subcategory") and gold != "other":
                rep.sub_total += 1
                rep.sub_correct += result.subcategory == rec["subcategory"]
        else:
            rep.errors.append(f"  [{gold} -> {got}] {rec['text']}  evidence={list(result.evidence)}")
        expected = rec.get("places") or []
        rep.places_expected += len(expected)
        rep.places_exact += sum(p in result.places for p in expected)
        rep.places_hit += sum(any(_same_place(p, f) for f in result.places) for p in expected)
        rep.places_spurious += sum(
            not any(_same_place(p, f) for p in expected) for f in result.places
        )
    return rep


def render(rep: Report, show_errors: bool = True) -> str:
    """Format one report as text."""
    lines = [f"== {rep.name}: {rep.total} messages ({rep.hard_total} hard) =="]
    lines.append(f"accuracy        {rep.accuracy:6.1%}   ({rep.correct}/{rep.total})")
    if rep.hard_total:
        lines.append(f"hard cases      {rep.hard_correct / rep.hard_total:6.1%}   "
                     f"({rep.hard_correct}/{rep.hard_total})")
    lines.append(f"macro-F1        {rep.macro_f1:6.3f}")
    lines.append("category        precision  recall     F1   support")
    for cat in CATEGORIES:
        p, r, f = rep.prf(cat)
        lines.append(f"  {cat:<12} {p:9.3f} {r:7.3f} {f:6.3f} {sum(rep.confusion[cat].values()):7d}")
    lines.append("confusion (rows gold, columns predicted)")
    lines.append("  " + " " * 12 + "".join(f"{c[:9]:>10}" for c in CATEGORIES))
    for gold in CATEGORIES:
        lines.append(f"  {gold:<12}" + "".join(f"{rep.confusion[gold][c]:>10}" for c in CATEGORIES))
    if rep.sub_total:
        lines.append(f"subcategory     {rep.sub_correct / rep.sub_total:6.1%}   "
                     f"(of correctly classified with a labelled subcategory, {rep.sub_total})")
    if rep.places_expected:
        lines.append(f"place hit rate  {rep.places_hit / rep.places_expected:6.1%}   "
                     f"({rep.places_hit}/{rep.places_expected}; exact "
                     f"{rep.places_exact}/{rep.places_expected}; spurious places {rep.places_spurious})")
    if show_errors and rep.errors:
        lines.append("misclassified:")
        lines.extend(rep.errors)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate the given files (default: the development and held-back sets)."""
    args = list(sys.argv[1:] if argv is None else argv)
    quiet = "--quiet" in args
    paths = [Path(a) for a in args if a != "--quiet"] or [DATA / n for n in DEFAULT_SETS]
    logging.getLogger("jieba").setLevel(logging.WARNING)
    warm_up()
    for path in paths:
        print(render(evaluate(load(path), path.name), show_errors=not quiet))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
