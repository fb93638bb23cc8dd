from pathlib import Path

import pytest

from nlp import furigana
from nlp.furigana import Segment, align, hiragana, reading, ruby_segments


def joined(segments: list[Segment]) -> str:
    return "".join(s.surface for s in segments)


def rubies(text: str) -> list[tuple[str, str]]:
    return [(s.surface, s.reading) for s in ruby_segments(text) if s.reading is not None]


def test_okurigana_stay_outside_the_ruby():
    assert ruby_segments("会議を行います。") == [
        Segment("会議", "かいぎ"),
        Segment("を", None),
        Segment("行", "おこな"),
        Segment("います。", None),
    ]
    assert rubies("手続きをする") == [("手続", "てつづ")]
    assert rubies("取り扱いに注意") == [("取", "と"), ("扱", "あつか"), ("注意", "ちゅうい")]


def test_kana_inside_a_word_split_its_kanji():
    assert align("書かない窓口", "かかないまどぐち") == [
        Segment("書", "か"),
        Segment("かない", None),
        Segment("窓口", "まどぐち"),
    ]


def test_a_reading_that_does_not_fit_the_kana_goes_over_the_middle():
    # the reading's kana do not match the surface's: the shared ends are taken off only
    assert align("手続き", "てつづきの") == [Segment("手続き", "てつづきの")]
    assert align("お知らせ", "おしらせ") == [
        Segment("お", None),
        Segment("知", "し"),
        Segment("らせ", None),
    ]


def test_mixed_text_joins_back_exactly():
    text = "市では、2026年度から\n電子申請を　始めます！ Wi-Fiも使えます。"
    segments = ruby_segments(text)
    assert joined(segments) == text
    assert ("電子申請", "でんししんせい") in rubies(text)
    assert ("年度", "ねんど") in rubies(text)


def test_latin_numbers_and_kana_get_no_ruby():
    for text in ("ABC 123", "ひらがなとカタカナだけ", "ＷｉーＦｉ　２０２６", "LINE", ""):
        assert all(s.reading is None for s in ruby_segments(text)), text
        assert joined(ruby_segments(text)) == text


def test_counters_after_numbers():
    assert rubies("3月5日に2人で") == [("月", "がつ"), ("5日", "いつか"), ("2人", "ふたり")]

    assert reading("１２日と１５日") == "１２にちと１５にち"
    assert reading("２０日") == "はつか"


def test_an_unknown_reading_gives_no_ruby():
    # a kanji Janome's dictionary does not hold reads '*'
    assert ruby_segments("𠮷") == [Segment("𠮷", None)]


def test_katakana_readings_become_hiragana():
    assert hiragana("ギョウセイ・ヴァイオリン ー") == "ぎょうせい・ゔぁいおりん ー"


def test_place_names_read_from_the_user_dictionary():
    assert rubies("御所見と大庭と六会") == [
        ("御所見", "ごしょみ"),
        ("大庭", "おおば"),
        ("六会", "むつあい"),
    ]


def test_without_the_user_dictionary_the_place_name_is_misread():
    assert reading("御所見", None) != "ごしょみ"


def test_a_city_edits_a_reading_in_its_own_dictionary(tmp_path: Path):
    userdic = tmp_path / "userdic.csv"
    userdic.write_text("大庭,名詞,ダイバ\n梅ヶ丘,名詞,ウメガオカ\n", encoding="utf-8")
    assert reading("大庭の梅ヶ丘", userdic) == "だいばのうめがおか"


def test_html_special_characters_pass_through_as_text():
    text = '<a href="x">藤沢&amp;鎌倉</a> 5 > 3 & "引用"'
    segments = ruby_segments(text)
    assert joined(segments) == text
    assert ("藤沢", "ふじさわ") in rubies(text)
    assert ("鎌倉", "かまくら") in rubies(text)
    # no segment with a reading holds anything but the word
    assert all("<" not in s.surface and "&" not in s.surface for s in segments if s.reading)


@pytest.mark.parametrize("text", ["\u200b漢字\u200b", "漢\u0301字", "🏠住民票🏠", "漢字" * 2000])
def test_odd_unicode_and_long_texts_join_back(text: str):
    assert joined(ruby_segments(text)) == text


def test_results_are_cached_per_text():
    furigana.cached_segments.cache_clear()
    ruby_segments("住民票の写し")
    ruby_segments("住民票の写し")
    info = furigana.cached_segments.cache_info()
    assert (info.hits, info.misses) == (1, 1)


def test_a_caller_changing_its_list_does_not_change_the_cache():
    first = ruby_segments("住民票の写し")
    first.clear()
    assert ruby_segments("住民票の写し") != []


@pytest.mark.parametrize("text", ["  住民票", "\n\n住民票\n", "住民票  ", " & 5 < 6 住民票"])
def test_spaces_around_the_text_are_kept(text: str):
    segments = ruby_segments(text)
    assert joined(segments) == text
    assert ("住民票", "じゅうみんひょう") in [(s.surface, s.reading) for s in segments]
