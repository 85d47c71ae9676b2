"""Rules of a resident's draft, without Telegram: descriptions, poster links, button binding."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from dispatch import intake
from dispatch.routing import Router
from handlers.resident_buttons import parse
from handlers.resident_render import bound
from nlp import Gazetteer, analyze

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def test_texts_are_joined_up_to_the_limit_in_all() -> None:
    draft = intake.new_draft(NOW)
    assert intake.add_text(draft, "  有人烧垃圾  ", 20) is False
    assert intake.add_text(draft, "烟很大", 20) is False
    assert draft["text"] == "有人烧垃圾\n烟很大"
    assert intake.add_text(draft, "一" * 30, 20) is True  # only part of it fits
    assert draft["text"] == "有人烧垃圾\n烟很大\n" + "一" * 10 and len(draft["text"]) == 20
    assert intake.add_text(draft, "更多", 20) is True  # full: nothing more is kept
    assert len(draft["text"]) == 20


def test_an_update_handed_out_again_is_recognised() -> None:
    draft = intake.new_draft(NOW)
    assert intake.already_applied(draft, 500) is False  # a draft from before the rule too
    assert intake.already_applied(draft, None) is False
    intake.mark_applied(draft, 500)
    intake.mark_applied(draft, 500)
    intake.mark_applied(draft, None)
    assert draft["applied"] == [500]
    assert intake.already_applied(draft, 500) and not intake.already_applied(draft, 501)
    # Webhooks may hand updates out of order: any remembered id counts, not only the last.
    for update_id in range(500 + intake.APPLIED_KEPT, 500, -1):
        intake.mark_applied(draft, update_id)
    assert len(draft["applied"]) == intake.APPLIED_KEPT
    assert intake.already_applied(draft, 510) and not intake.already_applied(draft, 500)


def test_a_poster_sets_the_grid_unless_a_point_was_shared() -> None:
    draft = intake.new_draft(NOW)
    intake.propose_place(draft, "墨斗", "wx-by-md")
    assert intake.preset_grid(draft, "wx-by-xh") is True
    assert (draft["grid_code"], draft["grid_confirmed"], draft["location_source"],
            draft["address_text"]) == ("wx-by-xh", True, "link", None)
    intake.set_location(draft, 31.4, 109.6, "gps", "wx-by-bm-01", False, None)
    assert intake.preset_grid(draft, "wx-by-xh") is False
    assert draft["grid_code"] == "wx-by-bm-01" and draft["location_source"] == "gps"


def test_each_draft_binds_its_buttons_with_its_own_key() -> None:
    first, second = intake.new_draft(NOW), intake.new_draft(NOW)
    assert first["key"] != second["key"]  # random, not derived from the (frozen) clock
    assert bound(7, first) != bound(7, second)  # the same row id, begun again
    assert parse(f"rp:{bound(7, first)}:cat:dust") == (bound(7, first), "cat", "dust")
    assert bound(7, {}) == "7"  # a draft begun before keys existed keeps working
    assert parse("rp:7:submit") == ("7", "submit", "")
    for forged in ("rp:7.XYZ:submit", "rp:7.:submit", "rp:.abcdef01:submit", "rp:abc:submit",
                   "rp:7.abcdef012:submit", "rp:7", "cs:1:2:3"):
        assert parse(forged) is None, forged


def test_typed_answers_to_a_yes_no_question() -> None:
    for text in ("是", "是的。", " 对！", "嗯", "确认", "Yes", "ok", "👍", "對", "ｏｋ", "对对对",
                 "好的好的", "ok ok", "OK👌", "可以", "👍🏻", "👍️", "好的🙏", "對…", "好的✅",
                 "是的✔️", "好的🫡"):
        assert intake.yes_or_no(text) is True, text
    for text in ("不是", "不对", "No!", "nope", "👎", "不對", "不不", "不是❌", "不对🙅"):
        assert intake.yes_or_no(text) is False, text
    for text in ("是白马社区后面", "有人烧垃圾", "", "yes there is smoke", "好的不是", "，", "🙏",
                 "好的❌", "是🤔", "是🔥", "是❓", "好的🤷",
                 "好大的烟", "可以看到火光", "行人很多"):
        assert intake.yes_or_no(text) is None, text


def test_a_yes_or_no_that_opens_a_longer_text() -> None:
    assert intake.leading_answer("不对，是在新华社区") == (False, "是在新华社区")
    assert intake.leading_answer("是的。就在白马小区门口") == (True, "就在白马小区门口")
    assert intake.leading_answer("no, 新华社区有人在烧秸秆") == (False, "新华社区有人在烧秸秆")
    assert intake.leading_answer("不，不是") == (False, "不是")
    for text in ("不对", "不对，", "不是白马，是新华", "有人烧垃圾，烟很大", "not really",
                 "No one is stopping them",  # set off by a space only: no answer
                 "right next to the school, 新华社区"):
        assert intake.leading_answer(text) == (None, text), text


def test_thanks_and_a_denied_place() -> None:
    for text in ("谢谢", "谢谢啦！", "Thank you!", "thx", "谢谢🙏", "非常感谢", "太感谢了！",
                 "感谢感谢", "辛苦你们了", "真是辛苦你们了", "谢谢大家的帮助", "谢啦",
                 "Thank you so much", "thanks a lot", "收到，谢谢"):
        assert intake.courtesy(text), text
    for text in ("谢谢你们快来，有人在烧垃圾", "不谢", "", "🙏", "太麻烦了", "好麻烦", "好辛苦",
                 "太辛苦了", "tyre", "thanks for nothing", "太多了，谢谢", "很多，谢谢",
                 "好的谢谢", "no thanks"):  # a yes or no with thanks: see leading_answer
        assert not intake.courtesy(text), text
    # Thanks that open or close a text are no part of it, as long as something is left.
    assert intake.without_thanks("感谢，在新华社区") == "在新华社区"
    assert intake.without_thanks("谢谢！河边有人烧纸，辛苦了。") == "河边有人烧纸"
    assert intake.without_thanks("河边有人烧垃圾 谢谢") == "河边有人烧垃圾"
    assert intake.without_thanks("Someone is burning trash, thank you so much!") \
        == "Someone is burning trash"
    assert intake.without_thanks("谢谢，是的") == "是的"  # then a yes
    assert intake.without_thanks("河边有人烧垃圾谢谢") == "河边有人烧垃圾"  # run on
    assert intake.without_thanks("每天都有人烧，太多了，谢谢") == "每天都有人烧，太多了"
    assert intake.without_thanks("There are fireworks again, thanks") \
        == "There are fireworks again"
    assert intake.without_thanks("burning plastic again and again thanks") \
        == "burning plastic again and again"
    assert intake.without_thanks("someone is burning trash thank you!") \
        == "someone is burning trash"
    assert intake.without_thanks("河边有人烧垃圾，你们辛苦了") == "河边有人烧垃圾"
    assert intake.without_thanks("河边有人烧垃圾，先谢谢了") == "河边有人烧垃圾"
    assert intake.without_thanks("河边有人烧垃圾，烟很大谢谢") == "河边有人烧垃圾，烟很大"
    assert intake.without_thanks("执法的人在哪？，谢谢") == "执法的人在哪？"  # still a question
    assert intake.without_thanks("smoke everywhere, ok, thanks") == "smoke everywhere"
    assert intake.without_thanks("是墨斗社区，对的，谢谢") == "是墨斗社区"  # a yes goes too
    for text in ("I heard loud bangs and cheers", "Tell the guard I said thank you",
                 "烟太大了，花都谢了", "院子里的花都凋谢了", "我们表示感谢", "收到，谢谢"):
        assert intake.without_thanks(text) == text, text
    assert intake.without_thanks("是墨斗社区，好的谢谢") == "是墨斗社区"
    for text in ("谢谢", "谢谢，🙂", "谢谢你们快来，有人在烧垃圾", "河边有人烧纸。",
                 "烧了一晚上了，好辛苦", "好的谢谢，烟很大", "烧垃圾，no thanks",
                 "Thanks to the wind the smoke is everywhere"):
        assert intake.without_thanks(text) == text, text
    # A yes or no run together with thanks.
    assert intake.leading_answer("好的谢谢") == (True, "谢谢")
    assert intake.leading_answer("OK thanks!") == (True, "thanks")
    assert intake.leading_answer("no thanks") == (False, "thanks")
    assert intake.leading_answer("好的谢谢，烟很大") == (True, "烟很大")
    assert intake.leading_answer("行，谢谢") == (True, "谢谢")
    for text in ("不谢", "ythanks", "是白马社区"):
        assert intake.leading_answer(text) == (None, text), text

    def denied(text: str) -> tuple[str, str] | None:
        split = intake.denied_first(text)
        return split[:2] if split else None

    assert denied("不是墨斗社区，是新华社区") == ("墨斗社区", "是新华社区")
    assert denied("不在墨斗社区，在新华社区附近") == ("墨斗社区", "在新华社区附近")
    assert denied("Not in 墨斗社区, it's in 新华社区") == ("墨斗社区", "it's in 新华社区")
    assert denied("不是墨斗社区 是新华社区") == ("墨斗社区", "是新华社区")
    assert intake.denied_first("不是墨斗社区是新华社区") == ("墨斗社区", "是新华社区", True)
    assert denied("不是墨斗社区而是新华社区") == ("墨斗社区", "是新华社区")
    assert denied("不在墨斗 在新华") == ("墨斗", "在新华")
    assert denied("不是墨斗社区。") == ("墨斗社区", "")  # the denial alone
    assert denied("不是墨斗社区😡") == ("墨斗社区", "")
    assert denied("不是墨斗社区（新华社区）") == ("墨斗社区", "新华社区）")  # the place trims it
    assert denied("不是墨鬥社區") == ("墨鬥社區", "")  # matched in simplified script
    assert denied("不是墨斗、新华社区，是白马社区") == ("墨斗、新华社区", "是白马社区")
    # The caller checks the clause: here it says more than a place.
    assert denied("不是墨斗社区的人，路过看到") == ("墨斗社区的人", "路过看到")
    assert denied("不是墨斗社区有人在烧") == ("墨斗社区有人", "在烧")
    assert denied("不是很确定，好像是墨斗社区") == ("很确定", "好像是墨斗社区")
    for text in ("不是", "是墨斗社区，新华社区", "不对，是新华社区"):
        assert intake.denied_first(text) is None, text


def test_a_text_that_only_says_where_is_a_place() -> None:
    def words(text: str, *places: str, aliases: tuple[str, ...] = (),
              tip: bool = False) -> str | None:
        aliases = aliases or tuple(place[:4] for place in places)
        return intake.place_words(text, places, aliases, tip, bool(places))

    assert words("在新华社区", "新华社区") == "新华社区"
    assert words("就在白马小区门口。", "白马小区", aliases=("白马",)) == "白马小区门口"
    assert words("不对，是在新华社区", "新华社区") == "新华社区"  # the answer is no place
    assert words("新华社区菜市场旁边", "新华社区菜市场") == "新华社区菜市场旁边"
    assert words("新华社区里", "新华社区") == "新华社区里"
    assert words("墨斗社区外", "墨斗社区") == "墨斗社区外"
    # Hedges, leads and particles stay off the card.
    assert words("墨斗社区吧", "墨斗社区") == "墨斗社区"
    assert words("应该是在墨斗社区吧？", "墨斗社区") == "墨斗社区"
    assert words("（新华社区）", "新华社区") == "新华社区"
    assert words("是新华社区的", "新华社区") == "新华社区"
    assert words("“新华社区”吧", "新华社区") == "新华社区"
    assert words("在新华社区🔥", "新华社区") == "新华社区"
    assert words("新华社区“门口”", "新华社区") == "新华社区“门口”"  # closed inside: kept
    assert words("好像在白马小区门口呢", "白马小区", aliases=("白马",)) == "白马小区门口"
    # Words that say what happens make it a description (which proposes the place too).
    for text in ("新华社区烟好大", "新华社区那边很呛", "新华社区，还在烧", "新华小学门口在烧",
                 "新华社区的垃圾站", "新华社区没有人烧"):
        assert words(text, text[:4]) is None, text
    # The place finder may take in words before a name: only an alias begins a place.
    for text, place in (("好呛啊新华小区门口", "好呛啊新华小区"), ("没人管白马小区", "没人管白马小区"),
                        ("不确定是不是墨斗社区", "不确定是不是墨斗社区")):
        assert words(text, place, aliases=(place[-4:-2],)) is None, text
    assert words("新华社区有人在烧秸秆", "新华社区", tip=True) is None
    assert words("在河边") is None  # no grid named
    assert words("新华社区" + "附近" * intake.PLACE_ONLY_CHARS, "新华社区") is None


def test_the_place_asked_about_is_the_name_alone() -> None:
    # "是在新华社区吗?", not "是在路过新华社区吗?": going past or coming from is no part of it.
    for text, grid, place in (("路过新华社区看到有人烧垃圾", "wx-by-xh", "新华社区"),
                              ("烟是从墨斗社区飘过来的", "wx-by-md", "墨斗社区")):
        draft = intake.new_draft(NOW)
        assert _step(draft, text, exists=False).save
        assert (draft["grid_code"], draft["address_text"]) == (grid, place), text
        assert intake.next_question(draft) == "place_confirm"


def test_a_place_named_again_needs_no_question() -> None:
    draft = intake.new_draft(NOW)
    intake.propose_place(draft, "墨斗社区", "wx-by-md", _contains)
    assert intake.next_question(draft) == "place_confirm"
    intake.propose_place(draft, "墨斗社区", "wx-by-md", _contains)  # a tip naming it again
    assert not draft["grid_confirmed"]  # is no answer
    taken_back = intake.yes_taken_back
    assert taken_back("burning", "dust", "是工地扬尘") and taken_back("burning", "dust", "dust!")
    assert taken_back("burning", None, "其实是工厂排的烟")  # corrected, though no tip
    assert not taken_back("burning", "dust", "还有扬尘")  # one more kind, the guess stands
    assert not taken_back("burning", "dust", "也有扬尘")
    assert taken_back("burning", "dust", "也许是扬尘")  # 也 of a maybe: guess again
    assert taken_back("burning", "dust", "也有可能是扬尘")
    assert not taken_back("burning", "dust", "也许还有扬尘")  # maybe one more kind
    assert not taken_back("burning", "burning", "应该是在烧垃圾")  # the same kind
    assert not taken_back("burning", None, "其实烟很大")  # 其实 as a filler
    assert not taken_back("burning", None, "really bad smoke")
    assert not taken_back("burning", "dust", "烧得满天都是灰", carries_guess=True)  # ash
    intake.propose_place(draft, "墨斗社区", "wx-by-md", _contains, place_only=True)
    assert draft["grid_confirmed"] and draft["grid_code"] == "wx-by-md"  # "是在墨斗社区"
    intake.propose_place(draft, "新华社区", "wx-by-xh", _contains, place_only=True)
    assert not draft["grid_confirmed"] and draft["grid_code"] == "wx-by-xh"  # another: asked

    poster = intake.new_draft(NOW)
    intake.preset_grid(poster, "wx-by-bm-01")
    # "就在白马小区门口" names 白马社区, around the poster's grid: the finer one stays.
    intake.propose_place(poster, "白马小区门口", "wx-by-bm", _contains)
    assert poster["grid_confirmed"] and poster["grid_code"] == "wx-by-bm-01"
    assert poster["address_text"] == "白马小区门口"

    community = intake.new_draft(NOW)
    intake.preset_grid(community, "wx-by-bm")
    intake.propose_place(community, "白马路", "wx-by-bm-02", _contains)  # asked: 第二网格?
    assert intake.next_question(community) == "place_confirm"
    intake.confirm_place(community, False)  # no: back to the poster's community
    assert community["grid_code"] == "wx-by-bm" and community["grid_confirmed"]
    assert community["location_source"] == "link" and "grid_before" not in community
    assert community["address_text"] is None  # not the place just rejected
    # Asked, then settled by naming it again: nothing to go back to any more.
    intake.propose_place(community, "新华社区", "wx-by-xh", _contains)
    intake.propose_place(community, "新华社区", "wx-by-xh", _contains, place_only=True)
    assert community["grid_confirmed"] and "grid_before" not in community

    street = intake.new_draft(NOW)
    intake.preset_grid(street, "wx-by")
    # 墨斗社区 named in a description, inside the confirmed street: asked, never moved.
    intake.propose_place(street, "墨斗社区", "wx-by-md", _contains)
    assert not street["grid_confirmed"] and street["grid_code"] == "wx-by-md"
    intake.preset_grid(street, "wx-by")
    # "在墨斗社区", only that place: the finer grid, whose patrol covers it.
    intake.propose_place(street, "墨斗社区", "wx-by-md", _contains, place_only=True)
    assert street["grid_confirmed"] and street["grid_code"] == "wx-by-md"


def test_a_typed_answer_goes_to_the_question_asked() -> None:
    draft = intake.new_draft(NOW)
    intake.set_location(draft, 31.4, 109.6, "gps", "wx-by-bm-01", False, None)
    intake.apply_guess(draft, "fireworks", None, 0.9)
    assert intake.next_question(draft) == "category"
    assert intake.take_answer(draft, False) is True  # "不是": ask with every category
    assert intake.confident_guess(draft) is None and not draft["category_confirmed"]
    intake.apply_guess(draft, "fireworks", None, 0.9)
    assert intake.take_answer(draft, True) is True  # "对": the guess is taken
    assert draft["category"] == "fireworks" and draft["category_confirmed"]
    assert intake.next_question(draft) == "summary"
    before = dict(draft)
    assert intake.take_answer(draft, True) is True and draft == before  # not a submission
    empty = intake.new_draft(NOW)
    assert intake.take_answer(empty, True) is False  # nothing asked: it is a description
    unsure = intake.new_draft(NOW)
    intake.set_location(unsure, 31.4, 109.6, "gps", "wx-by-bm-01", False, None)
    intake.apply_guess(unsure, "dust", None, 0.3)
    assert intake.take_answer(unsure, True) is False  # no guess offered to say yes to


def test_only_what_the_resident_gave_makes_a_report_unfinished() -> None:
    draft = intake.new_draft(NOW)
    intake.preset_grid(draft, "wx-by-xh")
    assert not intake.has_content(draft)
    intake.add_text(draft, "有人放鞭炮")
    assert intake.has_content(draft)


# The demo district's hierarchy (no shapes needed: only containment is asked).
_TOWN = Router.from_rows([
    (1, "wx", "巫溪县", "district", None, None, None),
    (2, "wx-by", "柏杨街道", "street", 1, None, None),
    (3, "wx-by-bm", "白马社区", "community", 2, None, None),
    (4, "wx-by-bm-01", "白马第一网格", "grid", 3, None, None),
    (5, "wx-by-md", "墨斗社区", "community", 2, None, None),
    (6, "wx-by-fy", "丰益社区", "community", 2, None, None),
    (7, "wx-by-xh", "新华社区", "community", 2, None, None),
    (8, "wx-by-bm-02", "白马第二网格", "grid", 3, None, None),
])
_related, _contains = _TOWN.related, _TOWN.contains
_GAZETTEER = Gazetteer.from_grids([("wx-by-md", "墨斗社区", ["墨斗"]),
                                   ("wx-by-xh", "新华社区", ["新华"]),
                                   ("wx-by-bm", "白马社区", ["白马"])])


def _read(words: str):
    """What the bot reads in `words` in the test town (None when they hold no letters)."""
    return analyze(words, _GAZETTEER) if intake.meaningful_text(words) else None


def _step(draft: dict, text: str, exists: bool = True) -> intake.TextStep:
    """A typed text applied to `draft` (intake.take_text) in the test town."""
    return intake.take_text(draft, text, _read(text), _read, _contains, _related,
                            exists=exists)


def _asked_about_moudou() -> dict:
    """A draft with a description, asked "是在墨斗社区吗?"."""
    draft = intake.new_draft(NOW)
    intake.add_text(draft, "有人烧垃圾")
    intake.take_guess(draft, _read("墨斗社区那边有人烧垃圾"), _contains)
    assert intake.next_question(draft) == "place_confirm"
    return draft


def test_a_new_point_keeps_only_a_place_description_of_the_same_area() -> None:
    named_here = intake.new_draft(NOW)
    intake.propose_place(named_here, "白马小区3栋", "wx-by-bm")  # a place in 白马社区, named
    intake.confirm_place(named_here, True)
    intake.set_location(named_here, 31.4, 109.6, "gps", "wx-by-bm-01", False, None, _related)
    assert named_here["address_text"] == "白马小区3栋"  # 白马第一网格 is in 白马社区

    named_elsewhere = intake.new_draft(NOW)
    intake.propose_place(named_elsewhere, "墨斗社区", "wx-by-md")
    intake.set_location(named_elsewhere, 31.4, 109.6, "gps", "wx-by-bm-01", False, None,
                        _related)
    assert named_elsewhere["address_text"] is None and named_elsewhere["grid_confirmed"]

    venue = intake.new_draft(NOW)
    intake.set_location(venue, 31.3, 109.5, "venue", "wx-by-fy", False, "丰益农贸市场",
                        _related)
    intake.set_location(venue, 31.4, 109.6, "gps", "wx-by-bm-01", False, None, _related)
    assert venue["address_text"] is None  # the market is not where the point is
    intake.set_location(venue, 31.41, 109.61, "venue", "wx-by-bm-01", False, "白马菜市场",
                        _related)
    assert venue["address_text"] == "白马菜市场"  # a venue brings its own description

    far = intake.new_draft(NOW)
    intake.propose_place(far, "白马小区", "wx-by-bm")
    intake.set_location(far, 39.9, 116.4, "gps", "wx", True, None, _related)
    assert far["address_text"] is None  # outside every grid: the name is not that place
    # A venue far away (routed to the top-level desk, "wx"), then the resident's own point:
    # the desk is not an area the new point is in.
    beijing = intake.new_draft(NOW)
    intake.set_location(beijing, 39.9, 116.4, "venue", "wx", True, "天安门", _related)
    intake.set_location(beijing, 31.4, 109.6, "gps", "wx-by-bm-01", False, None, _related)
    assert beijing["address_text"] is None and not beijing["outside"]
    unknown = intake.new_draft(NOW)
    intake.propose_place(unknown, "白马小区", "wx-by-bm")
    intake.set_location(unknown, 31.4, 109.6, "gps", "wx-by-bm-01", False, None)
    assert unknown["address_text"] is None  # nothing to tell: not kept


def test_words_meant_as_buttons() -> None:
    for text in ("提交", "确认！", " 取消 ", "不要了", "修改", "Submit", "cancel."):
        assert intake.control_word(text), text
    for text in ("提交了吗", "有人烧垃圾", "取消订单的人在烧纸", "", "是"):
        assert not intake.control_word(text), text
    for text in ("菜市场后面有人烧垃圾", "smoke", "3栋"):
        assert intake.describes(text), text
    for text in ("", "🙂🙂", "取消", "是的", "submit"):
        assert not intake.describes(text), text


def test_a_typed_text_is_an_answer_a_place_thanks_or_a_description() -> None:
    """intake.take_text, without Telegram: which question a text answers, and what of it
    goes where."""
    asked = intake.new_draft(NOW)
    intake.add_text(asked, "墨斗社区那边有人烧垃圾")
    intake.take_guess(asked, _read("墨斗社区那边有人烧垃圾"), _contains)
    assert intake.next_question(asked) == "place_confirm"
    assert _step(asked, "不对，是在新华社区") == intake.TextStep()  # a no, then the place
    assert (asked["grid_code"], asked["address_text"]) == ("wx-by-xh", "新华社区")
    assert asked["text"] == "墨斗社区那边有人烧垃圾"
    assert _step(asked, "不是新华社区，是墨斗社区") == intake.TextStep()
    assert asked["grid_code"] == "wx-by-md" and not asked["grid_confirmed"]
    assert _step(asked, "在墨斗社区") == intake.TextStep()  # named again: a yes
    assert asked["grid_confirmed"] and intake.next_question(asked) == "category"

    assert _step(asked, "嗯，是工地扬尘").save  # another kind: the yes is taken back
    assert asked["category"] == "dust" and not asked["category_confirmed"]
    assert _step(asked, "对") == intake.TextStep()
    assert asked["category_confirmed"] and intake.next_question(asked) == "summary"
    thanks = _step(asked, "好的，谢谢")
    assert thanks.hint == "use_buttons" and "谢谢" not in asked["text"]
    assert _step(asked, "提交") == intake.TextStep(save=False, hint="use_buttons")

    empty = intake.new_draft(NOW)
    intake.preset_grid(empty, "wx-by-bm")
    assert _step(empty, "谢谢").kind == "begin"  # nothing told yet: what to send
    assert _step(intake.new_draft(NOW), "你好", exists=False).kind == "small_talk"

    pointed = intake.new_draft(NOW)
    intake.set_location(pointed, 31.4, 109.6, "gps", "wx-by-bm-01", False, None)
    told = _step(pointed, "新华社区那边有人在烧秸秆")
    assert told.point_decides == "wx-by-bm-01" and pointed["grid_code"] == "wx-by-bm-01"
    assert pointed["text"] == "新华社区那边有人在烧秸秆"


def test_denied_places_and_thanks_around_words() -> None:
    """A place said not to be it, and thanks around what is said, through take_text."""
    alone = _asked_about_moudou()
    assert _step(alone, "不是墨斗社区") == intake.TextStep()  # a no, nothing more
    assert alone["grid_code"] is None and intake.next_question(alone) == "location"
    spaced = _asked_about_moudou()
    assert _step(spaced, "不是墨斗社区 是新华社区") == intake.TextStep()
    assert spaced["grid_code"] == "wx-by-xh" and not spaced["grid_confirmed"]
    other = _asked_about_moudou()
    assert _step(other, "不是新华社区，是墨斗社区") == intake.TextStep()  # 墨斗 it is
    assert other["grid_code"] == "wx-by-md" and other["grid_confirmed"]
    assert other["text"] == "有人烧垃圾"
    for text in ("不是墨斗社区是新华社区", "不是墨斗是新华", "不是墨斗社区 新华社区"):
        run_on = _asked_about_moudou()
        assert _step(run_on, text) == intake.TextStep(), text
        assert run_on["grid_code"] == "wx-by-xh" and not run_on["grid_confirmed"], text
    run_on = _asked_about_moudou()
    assert _step(run_on, "不是新华社区是墨斗社区") == intake.TextStep()
    assert run_on["grid_code"] == "wx-by-md" and run_on["grid_confirmed"]
    thanked_first = _asked_about_moudou()
    assert _step(thanked_first, "谢谢，是的") == intake.TextStep()  # thanks, then a yes
    assert thanked_first["grid_confirmed"]
    unsure = _asked_about_moudou()
    assert _step(unsure, "不是新华社区") == intake.TextStep(save=False)  # asked again
    assert unsure["grid_code"] == "wx-by-md" and not unsure["grid_confirmed"]

    where = intake.new_draft(NOW)
    intake.add_text(where, "有人烧垃圾")
    assert _step(where, "不是新华社区") == intake.TextStep(save=False)  # no place proposed
    assert where["grid_code"] is None and where["text"] == "有人烧垃圾"
    assert _step(intake.new_draft(NOW), "不是新华社区", exists=False).kind == "small_talk"
    poster = intake.new_draft(NOW)
    intake.preset_grid(poster, "wx-by-bm")
    intake.add_text(poster, "有人烧垃圾")
    assert _step(poster, "不是白马社区") == intake.TextStep()  # the poster's grid goes
    assert poster["grid_code"] is None and intake.next_question(poster) == "location"
    for text in ("不是白马社区是墨斗社区", "不是白马社区，是墨斗社区"):
        moved = intake.new_draft(NOW)
        intake.preset_grid(moved, "wx-by-bm")
        assert _step(moved, text) == intake.TextStep(), text
        assert moved["grid_code"] == "wx-by-md" and "grid_before" not in moved, text
        assert _step(moved, "不") == intake.TextStep()  # not back to the denied 白马
        assert moved["grid_code"] is None and intake.next_question(moved) == "location"
    described = intake.new_draft(NOW)
    intake.preset_grid(described, "wx-by-bm")
    assert _step(described, "不是白马社区，河边有人烧垃圾").save
    assert described["grid_code"] is None  # the words stay as said
    assert described["text"] == "不是白马社区，河边有人烧垃圾"
    # Still a description: the denied clause says more than a place.
    person = intake.new_draft(NOW)
    assert _step(person, "不是墨斗社区的人，路过看到有人烧垃圾").save
    assert person["text"] == "不是墨斗社区的人，路过看到有人烧垃圾"

    thanked = intake.new_draft(NOW)
    assert _step(thanked, "河边有人在烧纸钱，谢谢！", exists=False).save
    assert thanked["text"] == "河边有人在烧纸钱"
    assert _step(thanked, "感谢，在新华社区") == intake.TextStep()
    assert (thanked["grid_code"], thanked["address_text"]) == ("wx-by-xh", "新华社区")
    assert thanked["text"] == "河边有人在烧纸钱"
    assert _step(thanked, "是的谢谢") == intake.TextStep()  # a yes, run together with thanks
    assert thanked["grid_confirmed"] and intake.next_question(thanked) == "category"
    assert _step(thanked, "好的谢谢，烟很大") == intake.TextStep()  # a yes, and more words
    assert thanked["category_confirmed"] and thanked["category"] == "burning"
    assert thanked["text"] == "河边有人在烧纸钱\n烟很大"
    assert _step(thanked, "谢谢🙏").hint == "use_buttons"
    assert _step(thanked, "好的谢谢").hint == "use_buttons"
    assert thanked["text"] == "河边有人在烧纸钱\n烟很大"

    maybe = intake.new_draft(NOW)
    intake.set_location(maybe, 31.4, 109.6, "gps", "wx-by-bm-01", False, None)
    _step(maybe, "河边有人在烧垃圾", exists=False)
    assert intake.next_question(maybe) == "category"
    assert _step(maybe, "嗯，也许是扬尘").save  # 也许: no addition, the yes is taken back
    assert maybe["category"] == "dust" and not maybe["category_confirmed"]


def test_what_a_denial_or_thanks_must_not_take_away() -> None:
    """Spots in a place, words beside thanks and a shared point stay as they were said."""
    def poster() -> dict:
        draft = intake.new_draft(NOW)
        intake.preset_grid(draft, "wx-by-bm")
        intake.add_text(draft, "有人烧垃圾")
        return draft

    first = intake.new_draft(NOW)
    assert _step(first, "不是墨斗社区门口，是后门在烧垃圾", exists=False).save  # a spot
    assert first["text"] == "不是墨斗社区门口，是后门在烧垃圾"
    assert first["grid_code"] == "wx-by-md"
    for text in ("不是白马社区门口，是后门", "不在白马社区楼下，在后面的空地", "不是白马社区在烧"):
        spot = poster()
        assert _step(spot, text).save, text
        assert spot["grid_code"] == "wx-by-bm" and spot["grid_confirmed"], text
        assert spot["text"] == f"有人烧垃圾\n{text}", text

    pointed = intake.new_draft(NOW)
    intake.set_location(pointed, 31.4, 109.6, "gps", "wx-by-bm-01", False, None)
    _step(pointed, "有人烧垃圾", exists=False)
    assert _step(pointed, "不是白马社区").save  # the point decides: the words are kept
    assert pointed["grid_code"] == "wx-by-bm-01" and pointed["text"].endswith("不是白马社区")

    for text in ("是的，謝謝", "好的謝謝", "对对对"):  # traditional script, said again
        confirmed = _asked_about_moudou()
        assert _step(confirmed, text) == intake.TextStep(), text
        assert confirmed["grid_confirmed"] and confirmed["text"] == "有人烧垃圾", text
    angry = _asked_about_moudou()
    assert _step(angry, "不是墨斗社区😡") == intake.TextStep()
    assert angry["grid_code"] is None
    run_on = _asked_about_moudou()
    assert _step(run_on, "不是墨斗是新华谢谢") == intake.TextStep()
    assert (run_on["grid_code"], run_on["address_text"]) == ("wx-by-xh", "新华")
    assert run_on["text"] == "有人烧垃圾"
    listed = _asked_about_moudou()
    assert _step(listed, "不是墨斗、新华社区，是白马社区") == intake.TextStep()
    assert listed["grid_code"] == "wx-by-bm" and listed["text"] == "有人烧垃圾"

    where = intake.new_draft(NOW)
    intake.add_text(where, "有人烧垃圾")
    assert _step(where, "好") == intake.TextStep(save=False)  # no question it answers
    assert where["text"] == "有人烧垃圾"


def test_a_denied_spot_a_place_after_it_and_a_bare_yes() -> None:
    """A spot denied with a place elsewhere after it moves the report there; a denied place
    is never proposed; a yes at the open category question points to its buttons."""
    spot = intake.new_draft(NOW)
    intake.preset_grid(spot, "wx-by-bm")
    intake.add_text(spot, "有人烧垃圾")
    assert _step(spot, "不是白马社区门口，是新华社区") == intake.TextStep()
    assert spot["grid_code"] == "wx-by-xh" and not spot["grid_confirmed"]
    assert spot["grid_before"]["grid_code"] == "wx-by-bm"  # only a spot was denied
    first = intake.new_draft(NOW)
    assert _step(first, "不在白马社区楼下，在新华社区", exists=False).save
    assert first["grid_code"] == "wx-by-xh"

    denied = intake.new_draft(NOW)
    assert _step(denied, "不是墨斗社区在烧垃圾", exists=False).save
    assert denied["grid_code"] is None  # the denied place is not proposed
    assert denied["text"] == "不是墨斗社区在烧垃圾"
    asked = intake.new_draft(NOW)
    intake.add_text(asked, "有人烧垃圾")
    intake.take_guess(asked, _read("墨斗社区那边有人烧垃圾"), _contains)
    assert _step(asked, "不是墨斗社区在烧").save  # a no, and "在烧" noted
    assert asked["grid_code"] is None
    described = intake.new_draft(NOW)
    assert _step(described, "不是墨斗社区，是新华社区(北门)在烧垃圾", exists=False).save
    assert described["grid_code"] == "wx-by-xh"
    assert described["text"] == "不是墨斗社区，是新华社区(北门)在烧垃圾"

    kind = intake.new_draft(NOW)
    intake.preset_grid(kind, "wx-by-bm")
    intake.add_text(kind, "有股怪味")
    assert intake.next_question(kind) == "category" and not intake.confident_guess(kind)
    assert _step(kind, "是") == intake.TextStep(save=False, hint="pick_kind")
    assert kind["text"] == "有股怪味"


def test_real_tips_are_kept_as_typed_at_every_step() -> None:
    """The classifier's labelled tips (tests/data/nlp), typed at any question, are the
    description as typed: none is read as thanks, an answer, a denial or a place only."""
    data = Path(__file__).parents[1] / "data" / "nlp"
    tips = [json.loads(line)["text"] for name in ("dev.jsonl", "heldout.jsonl")
            for line in (data / name).read_text(encoding="utf-8").splitlines() if line]
    def at(step: str) -> dict:
        """A stored draft with a description, waiting at `step`."""
        draft = intake.new_draft(NOW)
        intake.add_text(draft, "有人烧垃圾")
        if step == "place_confirm":
            intake.take_guess(draft, _read("墨斗社区那边有人烧垃圾"), _contains)
        elif step != "location":
            intake.preset_grid(draft, "wx-by-bm")
        if step == "summary":
            intake.choose_category(draft, "burning")
        assert intake.next_question(draft) == step
        return draft

    assert len(tips) > 400
    for tip in tips:
        for step in ("location", "place_confirm", "category", "summary"):
            draft = at(step)
            intake.take_text(draft, tip, _read(tip), _read, _contains, _related, exists=True)
            assert draft["text"].endswith(tip), (step, tip)


def test_a_dropped_poster_grid_is_stored_whatever_follows() -> None:
    """Once a denied poster's grid is dropped, the step stores the draft even when the
    words after the denial are an answer, thanks or a typed button, and the hint is the
    one of the question now asked (the location)."""
    for text, hint in (("不是白马社区，好的", None), ("不是白马社区，提交", "typed_command"),
                       ("不是白马社区，谢谢", None)):
        draft = intake.new_draft(NOW)
        intake.preset_grid(draft, "wx-by-bm")
        intake.add_text(draft, "有股怪味")
        assert intake.next_question(draft) == "category"
        step = _step(draft, text)
        assert step.save and step.hint == hint, text
        assert draft["grid_code"] is None and intake.next_question(draft) == "location"
    assert intake.without_thanks("非常感谢") == "非常感谢"  # thanks only: nothing to take off


def test_what_follows_a_denial_and_where_it_points() -> None:
    """A denial's rest counts on its own only when it is a place or no description; a
    description beginning with a denial proposes the place after it."""
    verb = intake.new_draft(NOW)
    assert _step(verb, "不是在墨斗社区烧的，是在新华社区烧的", exists=False).save
    assert verb["grid_code"] == "wx-by-xh"
    assert verb["text"] == "不是在墨斗社区烧的，是在新华社区烧的"
    asked = _asked_about_moudou()
    assert _step(asked, "不是墨斗社区在烧垃圾").save  # a no, and all of it described
    assert asked["grid_code"] is None
    assert asked["text"] == "有人烧垃圾\n不是墨斗社区在烧垃圾"
    thanked = _asked_about_moudou()
    assert _step(thanked, "是墨斗社区，对的，谢谢") == intake.TextStep()  # named again
    assert thanked["grid_confirmed"] and thanked["text"] == "有人烧垃圾"


def test_answers_thanks_and_denials_in_any_order() -> None:
    """Thanks before a yes, acknowledgements, a yes before a denial, denials in a row."""
    for text in ("谢谢，好的", "thanks, ok", "辛苦了，好的", "多谢，好的👍"):
        asked = _asked_about_moudou()
        assert _step(asked, text) == intake.TextStep(), text
        assert asked["grid_confirmed"] and asked["text"] == "有人烧垃圾", text
    for text in ("不是墨斗社区，谢谢你们，是新华社区", "收到，不是墨斗社区，是新华社区"):
        moved = _asked_about_moudou()
        assert _step(moved, text) == intake.TextStep(), text
        assert moved["grid_code"] == "wx-by-xh" and moved["text"] == "有人烧垃圾", text
    for text in ("不是墨斗社区，收到", "好的，不是墨斗社区"):
        denied = _asked_about_moudou()
        assert _step(denied, text) == intake.TextStep(), text  # a no, nothing described
        assert denied["grid_code"] is None and denied["text"] == "有人烧垃圾", text
    assert _step(intake.new_draft(NOW), "不是墨斗社区，收到", exists=False).kind == "small_talk"

    burning = intake.new_draft(NOW)
    assert _step(burning, "不是墨斗社区在烧垃圾，是新华社区", exists=False).save
    assert burning["category"] == "burning" and burning["grid_code"] == "wx-by-xh"
    nowhere = intake.new_draft(NOW)
    assert _step(nowhere, "不是墨斗社区，也不是新华社区，有人烧秸秆", exists=False).save
    assert nowhere["grid_code"] is None  # both denied: none proposed
    third = intake.new_draft(NOW)
    assert _step(third, "不是墨斗，也不是新华，是白马社区那边烧秸秆", exists=False).save
    assert (third["grid_code"], third["address_text"]) == ("wx-by-bm", "白马社区")

    summary = intake.new_draft(NOW)
    intake.preset_grid(summary, "wx-by-bm")
    intake.add_text(summary, "有人烧垃圾")
    intake.choose_category(summary, "burning")
    assert _step(summary, "好的，收到").hint == "use_buttons"
    assert summary["text"] == "有人烧垃圾"
    for text in ("😡🔥🔥", "", "🙏"):  # emoji alone are neither thanks nor acknowledgement
        assert not intake.polite(text), text
    for text in ("收到", "明白了，谢谢", "谢谢"):
        assert intake.polite(text), text


def test_more_places_than_one_and_a_denial_run_on() -> None:
    """The grid proposed is the most precise name's, shown with its own place; a second
    denial run on is passed over; a yes then a denial of another place keeps the yes."""
    for text in ("不是墨斗也不是新华是白马社区那边在烧", "不是墨斗社区也不是新华社区，是白马社区那边在烧"):
        draft = intake.new_draft(NOW)
        assert _step(draft, text, exists=False).save, text
        assert draft["grid_code"] == "wx-by-bm", text
    labelled = intake.new_draft(NOW)
    intake.take_guess(labelled, _read("墨斗那边有人烧垃圾，新华社区也有"), _contains, read=_read)
    assert labelled["grid_code"] == "wx-by-xh" and labelled["address_text"] == "新华社区"
    # The finest grid named, not the street around it (the longest name here).
    town = Gazetteer.from_grids([("wx-by", "柏杨街道", ["柏杨街道办事处辖区"]),
                                 ("wx-by-md", "墨斗社区", ["墨斗"])])

    def read_town(words: str):
        return analyze(words, town) if intake.meaningful_text(words) else None

    finest = intake.new_draft(NOW)
    said = read_town("墨斗那边有人烧垃圾，烟飘到柏杨街道办事处辖区了")
    assert said.grids[0] == "wx-by"  # the longest alias first
    intake.take_guess(finest, said, _contains, read=read_town)
    assert finest["grid_code"] == "wx-by-md" and finest["address_text"] == "墨斗"
    for text in ("好的，不是新华社区，是墨斗社区", "好的，不是新华社区"):
        asked = _asked_about_moudou()
        assert _step(asked, text) == intake.TextStep(), text
        assert asked["grid_code"] == "wx-by-md" and asked["grid_confirmed"], text
        assert asked["text"] == "有人烧垃圾", text
    where = intake.new_draft(NOW)
    intake.add_text(where, "有人烧垃圾")
    assert _step(where, "好的，不是新华社区") == intake.TextStep(save=False)  # asked again


def test_a_yes_then_a_denial_keeps_what_was_said() -> None:
    """A yes or no followed by a denial of the report's own place is that denial (the
    poster's grid goes, a description stays whole); as a first message it is small talk."""
    assert _step(intake.new_draft(NOW), "好的，不是新华社区", exists=False).kind == "small_talk"
    for text, moved in (("对，不是白马社区", None), ("好的，不是白马社区，是墨斗社区", "wx-by-md"),
                        ("不对，不是白马社区，是墨斗社区", "wx-by-md")):
        poster = intake.new_draft(NOW)
        intake.preset_grid(poster, "wx-by-bm")
        intake.add_text(poster, "有人烧垃圾")
        intake.choose_category(poster, "burning")
        assert _step(poster, text).save, text
        assert poster["grid_code"] == moved and not poster["grid_confirmed"], text
        assert "白马" not in (poster["address_text"] or ""), text
    described = intake.new_draft(NOW)
    intake.preset_grid(described, "wx-by-bm")
    intake.add_text(described, "有人烧垃圾")
    _step(described, "好的，不是白马社区在烧垃圾")
    assert described["text"].endswith("不是白马社区在烧垃圾")  # the words stay
    for text in ("不对，不是墨斗社区，是新华社区", "no，不是墨斗，是新华社区"):
        asked = _asked_about_moudou()
        assert _step(asked, text) == intake.TextStep(), text
        assert asked["grid_code"] == "wx-by-xh" and asked["text"] == "有人烧垃圾", text
    for text in ("对，不是新华社区，在墨斗社区这边烧", "是，不是新华社区，是墨斗社区，烟很大"):
        asked = _asked_about_moudou()
        _step(asked, text)
        assert asked["grid_code"] == "wx-by-md" and asked["grid_confirmed"], text
        assert "烧" in asked["text"].splitlines()[-1] or "烟" in asked["text"], text
    # Never the street around a place named with it.
    street = Gazetteer.from_grids([("wx-by", "柏杨街道", ["柏杨街道"]),
                                   ("wx-by-bm", "白马社区", ["白马"])])
    draft = intake.new_draft(NOW)
    said = analyze("柏杨街道白马社区有人烧垃圾", street)
    assert said.grids[0] == "wx-by"  # the longest name first
    intake.take_guess(draft, said, _contains)
    assert draft["grid_code"] == "wx-by-bm"


def test_a_yes_or_no_then_a_denial_with_a_point_a_guess_or_a_street() -> None:
    """With a shared point the words of a denial stay whole; a yes to the kind is taken
    before the denial that follows it; a street-wide name denied leaves the place."""
    pointed = intake.new_draft(NOW)
    intake.set_location(pointed, 31.4, 109.6, "gps", "wx-by-bm-01", False, None)
    intake.add_text(pointed, "河边有人在烧垃圾")
    intake.take_guess(pointed, _read("河边有人在烧垃圾"))
    _step(pointed, "对，不是白马社区，是新华社区")
    assert pointed["grid_code"] == "wx-by-bm-01"
    assert pointed["text"].endswith("不是白马社区，是新华社区")

    angry = _asked_about_moudou()
    assert _step(angry, "是😡") == intake.TextStep() and angry["grid_confirmed"]

    guessed = intake.new_draft(NOW)
    intake.preset_grid(guessed, "wx-by-bm")
    intake.add_text(guessed, "河边有人在烧垃圾")
    intake.take_guess(guessed, _read("河边有人在烧垃圾"))
    assert intake.next_question(guessed) == "category"
    assert _step(guessed, "是，不是白马社区是墨斗社区").save
    assert guessed["category_confirmed"] and guessed["category"] == "burning"
    assert guessed["grid_code"] == "wx-by-md" and not guessed["grid_confirmed"]

    town = Gazetteer.from_grids([("wx-by", "柏杨街道", ["大宁河"]),
                                 ("wx-by-bm", "白马社区", ["白马"])])

    def read_town(words: str):
        return analyze(words, town) if intake.meaningful_text(words) else None

    river = intake.new_draft(NOW)
    intake.preset_grid(river, "wx-by-bm")
    intake.add_text(river, "有人烧垃圾")
    intake.choose_category(river, "burning")
    text = "好的，不是大宁河那边"
    intake.take_text(river, text, read_town(text), read_town, _contains, _related, exists=True)
    assert river["grid_code"] == "wx-by-bm" and river["grid_confirmed"]  # the place stays


def test_a_place_denied_further_on_is_never_proposed() -> None:
    def asked(draft: dict, text: str) -> tuple[str, str | None]:
        assert _step(draft, text).save and draft["text"].endswith(text), text
        return intake.next_question(draft), draft["grid_code"]

    # Denied after what happens: the place is asked, not "是在墨斗社区吗?".
    assert asked(intake.new_draft(NOW), "有人烧秸秆，不是墨斗社区，也不是新华社区") == ("location", None)
    assert asked(intake.new_draft(NOW), "someone burning trash, not in 墨斗社区") == ("location", None)
    # The place named, and not the one denied.
    assert asked(intake.new_draft(NOW), "在新华社区烧秸秆，不是墨斗社区")[1] == "wx-by-xh"
    assert asked(intake.new_draft(NOW), "有人放鞭炮，不在墨斗社区，在新华社区")[1] == "wx-by-xh"
    assert asked(intake.new_draft(NOW), "有人烧垃圾，不是墨斗社区是新华社区")[1] == "wx-by-xh"
    # A spot, a building or the people denied: the place stands.
    for text in ("墨斗社区有人烧垃圾，但不是墨斗小学", "有人烧垃圾，不是墨斗社区门口",
                 "有人烧垃圾，不是墨斗社区的人烧的"):
        assert asked(intake.new_draft(NOW), text) == ("place_confirm", "wx-by-md"), text
    # Asked "是在墨斗社区吗?": a description denying it is a no; denying another place is not.
    assert asked(_asked_about_moudou(), "有人烧秸秆，不是墨斗社区") == ("location", None)
    assert asked(_asked_about_moudou(), "烟很大，不是新华社区") == ("place_confirm", "wx-by-md")
    # A poster's community denied further on is dropped, as at the start ("不是白马社区").
    poster = intake.new_draft(NOW)
    intake.preset_grid(poster, "wx-by-bm")
    assert asked(poster, "有人烧秸秆，不是白马社区") == ("location", None)
    poster = intake.new_draft(NOW)
    intake.preset_grid(poster, "wx-by-bm")  # a spot denied in the place named: it stays
    assert asked(poster, "白马社区有人烧垃圾，但不是白马小学") == ("category", "wx-by-bm")
    assert poster["grid_confirmed"]
    # Said, then denied: the other place, or none; and a poster's community said and denied
    # is no place to go back to.
    assert asked(intake.new_draft(NOW), "墨斗社区有人放鞭炮，不在墨斗社区，在新华社区")[1] \
        == "wx-by-xh"
    assert asked(intake.new_draft(NOW), "我住墨斗社区，有人在烧垃圾，不是墨斗社区") \
        == ("location", None)
    poster = intake.new_draft(NOW)
    intake.preset_grid(poster, "wx-by-bm")
    assert asked(poster, "我是白马社区的，有人放鞭炮，不在白马社区，在墨斗社区") \
        == ("place_confirm", "wx-by-md")
    assert "grid_before" not in poster


def test_a_denied_place_named_again_beside_another() -> None:
    # "不是墨斗社区，是墨斗社区对面的新华社区": 新华社区 is meant, whether typed new or asked
    # about 墨斗社区; the denied place alone named again stays ("是墨斗小学": in it).
    for draft in (intake.new_draft(NOW), _asked_about_moudou()):
        assert _step(draft, "不是墨斗社区，是墨斗社区对面的新华社区").save
        assert (intake.next_question(draft), draft["grid_code"]) == ("place_confirm", "wx-by-xh")
    draft = intake.new_draft(NOW)
    _step(draft, "有人烧垃圾，不是墨斗社区，是墨斗社区旁边的新华社区那边")
    assert draft["grid_code"] == "wx-by-xh"
    draft = intake.new_draft(NOW)
    _step(draft, "不是墨斗社区，是墨斗小学")
    assert draft["grid_code"] == "wx-by-md" and draft["address_text"] == "墨斗小学"
