"""Property tests: analyze never raises and always returns a well-formed result."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp import Gazetteer, analyze
from nlp.classifier import CATEGORIES

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
LEXICAL = st.sampled_from(
    ["烧", "秸秆", "没有", "放鞭炮", "工地", "灰", "，", "小区", "3栋", "路", "与", "交叉口", "村", "不是", "吗"]
)


def _check(result, text: str) -> None:
    assert result.text == text
    assert result.category in CATEGORIES
    assert 0.0 <= result.confidence <= 1.0
    assert result.category not in result.secondary
    data = result.to_json()
    json.dumps(data, ensure_ascii=False)
    assert all(isinstance(p, str) and p for p in result.places)


@FAST
@given(st.text())
def test_any_string(text: str) -> None:
    _check(analyze(text), text)


@FAST
@given(st.lists(st.one_of(LEXICAL, HAN, st.characters()), max_size=60).map("".join))
def test_cue_soup(text: str) -> None:
    _check(analyze(text), text)


@FAST
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F)))
def test_control_characters(text: str) -> None:
    result = analyze(text)
    _check(result, text)
    assert result.category == "other"


@FAST
@given(st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=50))
def test_emoji(text: str) -> None:
    _check(analyze(text + "楼下有人放鞭炮🧨"), text + "楼下有人放鞭炮🧨")


def test_empty_and_whitespace() -> None:
    for text in ("", " ", "\n\t", "\u3000"):
        result = analyze(text)
        assert result.category == "other" and result.places == () and not result.is_tip


def test_100_kb_string(gazetteer: Gazetteer) -> None:
    text = ("阳光小区3栋楼下有人烧垃圾，人民路与解放路交叉口放鞭炮。" * 4000)[:100_000]
    result = analyze(text, gazetteer)
    _check(result, text)
    assert result.category == "burning"
    random_text = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(100_000))
    _check(analyze(random_text, gazetteer), random_text)


def test_lone_surrogates_and_odd_code_points() -> None:
    for text in ("\ud800烧秸秆", "\udcff", "\uffff\ufffe", "\x00放鞭炮\x00", "烧\u200b秸秆"):
        _check(analyze(text), text)


def test_non_string_input_is_tolerated() -> None:
    assert analyze(None).category == "other"  # type: ignore[arg-type]
    assert analyze(12345).text == "12345"  # type: ignore[arg-type]


def test_traditional_script() -> None:
    assert analyze("村東頭有人燒秸稈，煙很大").category == "burning"
    assert analyze("樓下有人放鞭炮，吵死了").category == "fireworks"
    assert analyze("工地揚塵太大，灰塵漫天").category == "dust"
    assert analyze("孩子發燒了").category == "other"
    assert "陽光小區" not in analyze("陽光小區3棟有人燒垃圾").places
    assert "阳光小区3栋" in analyze("陽光小區3棟有人燒垃圾").places
