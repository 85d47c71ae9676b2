"""NLP: start-up cost, memory and classification throughput of nlp.analyze on one core.

Start-up and memory are measured in a fresh interpreter (so that nothing loaded by
other benchmarks hides the cost): import time, ``warm_up()`` (jieba's dictionary),
building a 300-grid gazetteer (its private tokenizer) and the resident set size
after each step. Throughput is measured in this process, single-threaded, over the
messages of the development set (realistic tips and non-tips, 5-80 characters),
with and without a gazetteer; the best of three rounds is reported.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "nlp" / "dev.jsonl"
MESSAGES = 20_000
ROUNDS = 3

_STARTUP = r"""
import json, logging, resource, sys, time
logging.getLogger("jieba").setLevel(logging.WARNING)
def rss():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = {"rss_start": rss()}
t = time.perf_counter()
import nlp
out["import_s"] = time.perf_counter() - t
out["rss_import"] = rss()
t = time.perf_counter()
nlp.warm_up()
out["warm_up_s"] = time.perf_counter() - t
out["rss_warm"] = rss()
t = time.perf_counter()
nlp.analyze("村东头有人烧秸秆，烟很大")
out["first_ms"] = (time.perf_counter() - t) * 1000
grids = [(f"G{i:03d}", f"第{i}网格", [f"幸福{i}号小区", f"东风{i}村", f"建设{i}路"]) for i in range(300)]
t = time.perf_counter()
gaz = nlp.Gazetteer.from_grids(grids)
out["gazetteer_s"] = time.perf_counter() - t
out["rss_gazetteer"] = rss()
print(json.dumps(out))
"""


def _texts() -> list[str]:
    with DATA.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def _rate(texts: list[str], gazetteer: Any) -> float:
    from nlp import analyze

    batch = (texts * (MESSAGES // len(texts) + 1))[:MESSAGES]
    best = 0.0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for text in batch:
            analyze(text, gazetteer)
        best = max(best, len(batch) / (time.perf_counter() - started))
    return best


async def run(report: Any) -> None:
    """Measure and add the figures to ``report``."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _STARTUP, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"start-up probe failed: {err.decode()[-2000:]}")
    s = json.loads(out.decode().strip().splitlines()[-1])
    report.add("nlp start-up: import nlp", s["import_s"] * 1000, "ms")
    report.add("nlp start-up: warm_up() (jieba dictionary)", s["warm_up_s"] * 1000, "ms",
               "once per process, at bot start")
    report.add("nlp start-up: first analyze() after warm-up", s["first_ms"], "ms")
    report.add("nlp gazetteer build (300 grids, 900 aliases)", s["gazetteer_s"] * 1000, "ms",
               "own jieba tokenizer")
    report.add("nlp memory: RSS after import", s["rss_import"] - s["rss_start"], "MB", "delta")
    report.add("nlp memory: RSS added by warm_up()", s["rss_warm"] - s["rss_import"], "MB")
    report.add("nlp memory: RSS added by the gazetteer", s["rss_gazetteer"] - s["rss_warm"], "MB")

    from nlp import Gazetteer, warm_up

    logging.getLogger("jieba").setLevel(logging.WARNING)
    warm_up()
    texts = _texts()
    report.add("nlp throughput, no gazetteer", _rate(texts, None), "msg/s",
               f"{len(texts)} dev messages, one core")
    gaz = Gazetteer.from_grids(
        [(f"G{i:03d}", f"第{i}网格", [f"幸福{i}号小区", f"东风{i}村"]) for i in range(50)]
        + [("G900", "阳光社区", ["阳光小区", "解放路", "新华路", "东风村", "王家村"])]
    )
    report.add("nlp throughput, 51-grid gazetteer", _rate(texts, gaz), "msg/s", "one core")

    # The bot reads at most 2,000 characters of a message (handlers.resident.reader): the
    # slowest of such texts built to be hard (cues packed into one long sentence, spaces
    # and emoji between them, denials, commas) bounds how long one message holds the loop.
    worst = max(((_slowest(text, gaz), label) for label, text in _HARD.items()))
    report.add("nlp worst case: slowest 2,000-character hard text", worst[0], "ms",
               f"{worst[1]}; {len(_HARD)} texts, best of {ROUNDS}")


_HARD = {
    "verbs and objects apart by emoji": "烧 🔥 垃圾 " * 300,
    "one sentence of cues": "放鞭炮烧秸秆工地扬尘烧纸" * 200,
    "denials and commas": "烧，不是，" * 400,
    "places and denials": "有人烧垃圾，不是墨斗社区，" * 200,
    "English": "burning trash and fireworks dust " * 70,
}


def _slowest(text: str, gazetteer: Any) -> float:
    from nlp import analyze

    text = text[:2000]
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        analyze(text, gazetteer)
        best = min(best, (time.perf_counter() - started) * 1000)
    return best
