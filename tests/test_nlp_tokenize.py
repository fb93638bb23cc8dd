import threading
from importlib import metadata

import pytest
from janome.dic import UserDictionary
from janome.tokenizer import Tokenizer

from nlp import Analyzer, tokenize
from nlp.tokenize import DEFAULT_USERDIC, _PrefixFilteredDictionary, janome_tokens, shared_tokenizer


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


PREFIX_FILTER_TEXTS = [
    "マイナンバーカードの電子申請とLINEでの行政手続き",
    "高齢者向けスマホ教室、デジタルデバイド対策、子育て支援の窓口",
    "公園の遊具を新しくしてほしい",
    # starts like user words without being one: マイナス (マイナ…), デジタル (デジタル化)
    "マイナスの影響が心配です。デジタルは苦手",
    "AIとWi-Fi、SNSで情報を。𠮷田さんの窓口",
]


def test_skipping_user_dictionary_lookups_keeps_janomes_tokens():
    janome = Tokenizer(str(DEFAULT_USERDIC), udic_type="simpledic")
    ours = shared_tokenizer(str(DEFAULT_USERDIC))
    for text in PREFIX_FILTER_TEXTS:
        assert [str(t) for t in ours.tokenize(text)] == [str(t) for t in janome.tokenize(text)]


def test_user_dictionary_is_searched_only_where_a_user_word_can_start(monkeypatch):
    # The filter replaces Janome internals (Tokenizer.user_dic); if a Janome release
    # stores or searches its user dictionary differently, this fails.
    tokenizer = shared_tokenizer(str(DEFAULT_USERDIC))
    assert type(tokenizer.user_dic) is _PrefixFilteredDictionary
    asked: list[bytes] = []
    searched: list[bytes] = []
    filtered_lookup = _PrefixFilteredDictionary.lookup
    janome_lookup = UserDictionary.lookup

    def ask(self, s, *args):
        asked.append(s)
        return filtered_lookup(self, s, *args)

    def search(self, s, *args):
        searched.append(s)
        return janome_lookup(self, s, *args)

    monkeypatch.setattr(_PrefixFilteredDictionary, "lookup", ask)
    monkeypatch.setattr(UserDictionary, "lookup", search)

    list(tokenizer.tokenize("公園の遊具を新しくしてほしい"))
    assert asked
    assert not searched
    tokens = [t.surface for t in janome_tokens(tokenizer, "公園でスマホ教室を")]
    assert "スマホ教室" in tokens
    assert [s.decode()[:2] for s in searched] == ["スマ"]


def test_janome_tokens_refuses_a_wakati_tokenizer():
    with pytest.raises(TypeError):
        list(janome_tokens(Tokenizer(wakati=True), "公園"))


def test_janome_version_is_part_of_the_version(monkeypatch):
    version = Analyzer().version
    monkeypatch.setattr(metadata, "version", lambda name: "0.0.0")
    assert Analyzer().version != version


def test_threads_asking_at_once_share_one_tokenizer(monkeypatch: pytest.MonkeyPatch) -> None:
    # a gunicorn worker's first posts arrive together: Janome's user-dictionary compiler is not
    # thread-safe (a module-level set changed during iteration: HTTP 500 in bench/board_load.py)
    monkeypatch.setattr(tokenize, "_tokenizers", {})  # as in a worker that has not built one
    start = threading.Barrier(8)
    built: list[object] = []
    errors: list[BaseException] = []

    def first_post() -> None:
        start.wait()
        try:
            built.append(shared_tokenizer(str(DEFAULT_USERDIC)))
        except BaseException as error:  # the test reports it below
            errors.append(error)

    threads = [threading.Thread(target=first_post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({id(tokenizer) for tokenizer in built}) == 1
    words = [
        t.surface for t in janome_tokens(shared_tokenizer(str(DEFAULT_USERDIC)), "駅前の駐輪場")
    ]
    assert "".join(words) == "駅前の駐輪場"
