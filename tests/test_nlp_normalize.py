from nlp.normalize import normalize


def test_full_width_letters_and_half_width_katakana_are_unified():
    assert normalize("ＤＸ推進　ｽﾏﾎ教室１２３") == "DX推進 スマホ教室123"


def test_repeated_symbols_are_squeezed():
    assert normalize("困っています！！！・・・本当に？？") == "困っています!・本当に?"


def test_line_breaks_end_a_sentence():
    assert normalize("一行目\r\n\n二行目\n") == "一行目。二行目"


def test_original_text_is_left_as_is():
    original = "ＬＩＮＥで申請！！"
    normalize(original)
    assert original == "ＬＩＮＥで申請！！"


def test_html_character_references_from_a_web_export_become_characters():
    assert normalize("お店が閉まっていた&hellip;残念") == normalize("お店が閉まっていた…残念")
    assert normalize("駐車場&amp;トイレ &#12354;") == "駐車場&トイレ あ"
    assert normalize("A&B社と協議") == "A&B社と協議"  # a bare ampersand stays
