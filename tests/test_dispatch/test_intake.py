"""Rules of a resident's draft, without Telegram: descriptions, poster links, button binding."""

from __future__ import annotations

from datetime import UTC, datetime

from dispatch import intake
from handlers.resident_buttons import parse
from handlers.resident_render import bound

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
    for text in ("是", "是的。", " 对！", "嗯", "Yes", "ok", "👍"):
        assert intake.yes_or_no(text) is True, text
    for text in ("不是", "不对", "No!", "nope", "👎"):
        assert intake.yes_or_no(text) is False, text
    for text in ("是白马社区后面", "有人烧垃圾", "", "yes there is smoke"):
        assert intake.yes_or_no(text) is None, text


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
