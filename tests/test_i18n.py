"""Every text exists in every language with the same placeholders."""

from handlers.i18n import CATALOGUES, language_for, language_named, placeholders, t


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    zh, en = CATALOGUES["zh"], CATALOGUES["en"]
    assert set(zh) == set(en), sorted(set(zh) ^ set(en))
    for key in zh:
        assert placeholders(zh[key]) == placeholders(en[key]), key


def test_language_choice() -> None:
    assert language_for("en-GB") == "en"
    assert language_for("zh-hans") == "zh"
    assert language_for(None) == "zh"
    assert language_for("en", chosen="zh") == "zh"
    assert language_for("ru") == "zh"
    assert t("xx", "lang.set") == CATALOGUES["zh"]["lang.set"]


def test_languages_named_after_lang() -> None:
    for word, code in (("en", "en"), ("English", "en"), (" 英文 ", "en"), ("中文", "zh"),
                       ("ZH-CN", "zh")):
        assert language_named(word) == code, word
    for word in ("klingon", "", "fr"):
        assert language_named(word) is None, word
