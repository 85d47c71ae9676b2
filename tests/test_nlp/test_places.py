"""Place extraction rules and gazetteer matching, including rebuild isolation."""

from __future__ import annotations

import threading

import jieba
import pytest

from nlp import Gazetteer, analyze


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("我家住在阳光小区3栋2单元，楼下有人烧垃圾", "阳光小区3栋2单元"),
        ("幸福里小区对面的工地扬尘严重", "幸福里小区"),
        ("翠湖苑小区门口放鞭炮", "翠湖苑小区"),
        ("东方明珠小区12号楼有人放烟花", "东方明珠小区12号楼"),
        ("锦绣华庭旁边工地灰大", "锦绣华庭"),
        ("城东花园三栋楼下烧纸", "城东花园三栋"),
    ],
)
def test_estates_and_buildings(text: str, place: str) -> None:
    assert place in analyze(text).places


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("人民路与解放路交叉口有人烧纸", "人民路与解放路交叉口"),
        ("长江路和黄河路路口渣土车撒漏", "长江路和黄河路路口"),
        ("中山路上有人放鞭炮", "中山路"),
        ("107国道边上有人烧秸秆", "107国道"),
    ],
)
def test_roads_and_crossings(text: str, place: str) -> None:
    assert place in analyze(text).places


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("王家村有人在田里焚烧秸秆", "王家村"),
        ("红星镇东风村三组有人烧桔杆", "红星镇东风村三组"),
        ("李庄有人烧麦茬", "李庄"),
        ("东湖社区有居民焚烧杂物", "东湖社区"),
        ("万达广场工地扬尘很大", "万达广场工地"),
        ("12345转办：群众反映红星镇东风村一组有人焚烧稻草", "红星镇东风村一组"),
    ],
)
def test_villages_communities_sites(text: str, place: str) -> None:
    assert place in analyze(text).places


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("烟是从墨斗社区飘过来的", "墨斗社区"),
        ("刚才路过解放路看到有人烧纸", "解放路"),
        ("经过阳光小区发现有人烧秸秆", "阳光小区"),
        ("来自新华社区的烟", "新华社区"),
        ("紧挨着阳光小区的工地扬尘", "阳光小区"),
        ("听说东湖社区有人放鞭炮", "东湖社区"),
        ("沿着中山路一直有人烧", "中山路"),
        ("有人烧垃圾，是不是墨斗社区？", "墨斗社区"),
        # Names that begin with such a character stay whole.
        ("沿山村有人烧秸秆", "沿山村"),
        ("北沿村有人烧秸秆", "北沿村"),
        ("朝天村三组有人烧秸秆", "朝天村三组"),
        ("离湖小区有人放鞭炮", "离湖小区"),
        ("隔坡村有人烧纸", "隔坡村"),
        ("沿渡河镇有人烧秸秆", "沿渡河镇"),
        ("朝王村有人烧秸秆", "朝王村"),
    ],
)
def test_a_verb_before_a_place_is_not_part_of_its_name(text: str, place: str) -> None:
    # The card asks "是在墨斗社区吗?", never "是在是从墨斗社区吗?"
    assert analyze(text).places == (place,)


@pytest.mark.parametrize(
    "text",
    [
        "我们村有人烧秸秆",
        "马路上灰尘太大",
        "村民在田里烧秸秆",
        "十字路口有人烧纸",
        "某建设项目施工扬尘",
        "早上起来路上全是泥",
        "老人发高烧，社区医院开门吗",
    ],
)
def test_generic_words_are_not_places(text: str) -> None:
    assert analyze(text).places == ()


def test_gazetteer_matches_grid_codes(gazetteer: Gazetteer) -> None:
    assert analyze("阳光小区3栋楼下有人烧垃圾", gazetteer).grids == ("G01",)
    assert analyze("东风村村口有人烧秸秆", gazetteer).grids == ("G02",)
    # an alias shared by two grids returns both; the crossing names both roads
    crossing = analyze("人民路与解放路交叉口有人烧纸", gazetteer)
    assert set(crossing.grids) == {"G03", "G04"}
    assert crossing.grids[0] == "G03"  # 人民路 is mentioned first
    assert analyze("田里有人烧秸秆", gazetteer).grids == ()


def test_gazetteer_alias_without_suffix_is_a_place(gazetteer: Gazetteer) -> None:
    result = analyze("老街那边有人放鞭炮", gazetteer)
    assert result.grids == ("G06",)
    assert "老街" in result.places


def test_short_alias_needs_a_token_boundary() -> None:
    gaz = Gazetteer.from_grids([("X1", "老街", ["老街"])])
    assert analyze("老街有人烧垃圾", gaz).grids == ("X1",)
    assert analyze("姥姥街坊老街坊都在放鞭炮", gaz).grids == ()


def test_empty_gazetteer_works() -> None:
    empty = Gazetteer.empty()
    assert len(empty) == 0
    result = analyze("阳光小区有人烧垃圾", empty)
    assert result.grids == ()
    assert "阳光小区" in result.places
    assert Gazetteer.from_grids([]).aliases == {}


def test_rebuild_never_touches_the_serving_tokenizers(gazetteer: Gazetteer) -> None:
    before_global = jieba.lcut("翡翠湾畔苑有人烧垃圾", HMM=False)
    before = analyze("翡翠湾畔苑有人烧垃圾", gazetteer)
    fresh = Gazetteer.from_grids([("N1", "翡翠湾畔苑", ["翡翠湾畔苑"])])
    assert analyze("翡翠湾畔苑有人烧垃圾", fresh).grids == ("N1",)
    # the old gazetteer and jieba's global tokenizer are unchanged
    assert analyze("翡翠湾畔苑有人烧垃圾", gazetteer) == before
    assert before.grids == ()
    assert jieba.lcut("翡翠湾畔苑有人烧垃圾", HMM=False) == before_global
    with pytest.raises(TypeError):
        gazetteer.aliases["翡翠湾畔苑"] = ("N1",)  # type: ignore[index]


def test_swap_while_serving(gazetteer: Gazetteer) -> None:
    current = {"gaz": gazetteer}
    errors: list[BaseException] = []

    def serve() -> None:
        try:
            for _ in range(300):
                result = analyze("阳光小区3栋有人烧垃圾", current["gaz"])
                assert result.category == "burning"
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=serve) for _ in range(3)]
    for t in threads:
        t.start()
    current["gaz"] = Gazetteer.from_grids([("Z9", "阳光新网格", ["阳光小区"])])
    for t in threads:
        t.join()
    assert not errors
    assert analyze("阳光小区有人烧垃圾", current["gaz"]).grids == ("Z9",)


def test_gazetteers_never_share_their_words() -> None:
    """Each tokenizer starts from its own copy of jieba's dictionary."""
    first = Gazetteer.from_grids([("A1", "翡翠湾畔苑", [])])
    second = Gazetteer.from_grids([("B1", "琉璃湖畔庭", [])])
    assert "翡翠湾畔苑" in first.cut("翡翠湾畔苑有人烧垃圾")
    assert "琉璃湖畔庭" in second.cut("琉璃湖畔庭有人烧垃圾")
    assert "琉璃湖畔庭" not in first.cut("琉璃湖畔庭有人烧垃圾")
    assert "翡翠湾畔苑" not in second.cut("翡翠湾畔苑有人烧垃圾")
    assert "翡翠湾畔苑" not in jieba.lcut("翡翠湾畔苑有人烧垃圾", HMM=False)
