import pytest

from nlp import Analyzer


@pytest.mark.parametrize(
    "term",
    [
        "マイナンバーカード",
        "デジタルデバイド",
        "スマホ教室",
        "電子申請",
        "行政手続き",
        "LINE",
        "子育て支援",
    ],
)
def test_user_dictionary_terms_stay_one_token(term):
    tokens = Analyzer().analyze(f"{term}についての意見です。{term}をもっと使いやすく")
    assert term in tokens


def test_full_width_input_matches_the_dictionary():
    assert "LINE" in Analyzer().analyze("ＬＩＮＥで行政手続きをしたい")


def test_keeps_base_forms_of_content_words_only():
    tokens = Analyzer().analyze("高齢者がスマホ教室で相談できる場所を増やしてほしいと思います。")
    assert tokens == ("高齢者", "スマホ教室", "相談", "場所", "増やす")


def test_boilerplate_of_public_comments_is_dropped():
    tokens = Analyzer().analyze("本市の計画について必要なことを考えるため、ご検討をお願いします")
    assert tokens == ()


def test_stopwords_extend_from_a_file(tmp_path):
    path = tmp_path / "city_stopwords.txt"
    path.write_text("# 当市の定型語\n公民館\n\n", encoding="utf-8")
    text = "公民館でスマホ教室を開いてほしい"
    assert "公民館" in Analyzer().analyze(text)
    tokens = Analyzer(stopword_files=[path]).analyze(text)
    assert "公民館" not in tokens
    assert "スマホ教室" in tokens


def test_extra_stopwords_change_the_version():
    assert Analyzer().version == Analyzer().version
    assert Analyzer(extra_stopwords=["公民館"]).version != Analyzer().version


def test_skipping_user_dictionary_lookups_keeps_janomes_tokens():
    from janome.tokenizer import Tokenizer

    from nlp.tokenize import DEFAULT_USERDIC, shared_tokenizer

    texts = [
        "マイナンバーカードの電子申請とLINEでの行政手続き",
        "高齢者向けスマホ教室、デジタルデバイド対策、子育て支援の窓口",
        "公園の遊具を新しくしてほしい",
    ]
    janome = Tokenizer(str(DEFAULT_USERDIC), udic_type="simpledic")
    ours = shared_tokenizer(str(DEFAULT_USERDIC))
    for text in texts:
        assert [str(t) for t in ours.tokenize(text)] == [str(t) for t in janome.tokenize(text)]
