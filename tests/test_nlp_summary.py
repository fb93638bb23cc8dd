from nlp.masking import mask_personal_data
from nlp.pipeline import analyze
from nlp.summary import split_sentences, summarize
from tests.test_nlp_phrases import BUS, COUNTER

KEYWORDS = [("窓口", 1.0), ("待ち時間", 0.8), ("混雑", 0.5)]


def test_sentences_end_at_punctuation_and_line_breaks_not_inside_a_quotation():
    text = "「窓口を増やす。」とあります。本当に増えますか？\nとにかく予約制を。とても困っています"
    assert split_sentences(text) == [
        "「窓口を増やす。」とあります。",
        "本当に増えますか？",
        "とにかく予約制を。",
        "とても困っています",
    ]


def test_summary_quotes_two_or_three_distinct_sentences_of_the_theme():
    summary = summarize(COUNTER, list(range(len(COUNTER))), KEYWORDS)
    assert 2 <= len(summary) <= 3
    assert len(set(summary)) == len(summary)
    for sentence in summary:
        assert any(sentence in text for text in COUNTER)


def test_summary_does_not_repeat_a_sentence_written_twice():
    texts = [COUNTER[1], COUNTER[1], COUNTER[1] + "よろしくお願いします。", COUNTER[2]]
    summary = summarize(texts, [0, 1, 2, 3], KEYWORDS)
    assert summary.count(COUNTER[1]) <= 1


def test_summary_masks_phone_numbers_and_email_addresses():
    texts = [
        "窓口の待ち時間について、090-1234-5678まで折り返しの電話をください。",
        "窓口の混雑の件は taro.machida@example.jp に回答をお願いします。",
        "窓口の待ち時間が長いので、結果を 03-1234-5678 に連絡してほしいです。",
    ]
    summary = summarize(texts, [0, 1, 2], KEYWORDS)
    assert len(summary) >= 2
    joined = "".join(summary)
    assert "090-1234-5678" not in joined
    assert "03-1234-5678" not in joined
    assert "taro.machida@example.jp" not in joined
    assert "〔電話番号〕" in joined or "〔メールアドレス〕" in joined


def test_a_very_long_sentence_is_cut_at_a_comma():
    long = "窓口の待ち時間について、" + "、".join(["番号札の呼び出しが遅い"] * 15) + "と感じます。"
    summary = summarize([long, COUNTER[1]], [0, 1], KEYWORDS)
    assert any(sentence.endswith("…") and long.startswith(sentence[:-1]) for sentence in summary)


def test_each_theme_of_an_analysis_is_summarized_from_its_own_comments():
    texts = [*COUNTER, *BUS]
    texts[1] = "窓口の待ち時間を減らすために予約制を入れてほしい。連絡は 090-1234-5678 へ。"
    result = analyze(texts, k=2)
    for theme in result.themes:
        if theme.is_other:
            continue
        masked = [mask_personal_data(texts[int(i)]).text for i in theme.comment_ids]
        assert 2 <= len(theme.summary) <= 3
        assert all(any(sentence in text for text in masked) for sentence in theme.summary)
        assert all("090-1234-5678" not in sentence for sentence in theme.summary)


def test_a_page_reference_is_quoted_after_a_sentence_about_the_theme():
    texts = [
        "【P.36 窓口の待ち時間と混雑の状況について（第3章）】",
        "窓口の待ち時間が長いので、予約制を取り入れてほしいです。",
        *BUS,
    ]
    summary = summarize(texts, list(range(len(texts))), KEYWORDS, n_sentences=1)
    assert summary == (texts[1],)


def test_names_and_summaries_do_not_depend_on_the_order_of_the_comments():
    texts = [*COUNTER, *BUS]
    forward = analyze(texts, k=2)
    backward = analyze(texts[::-1], list(range(len(texts)))[::-1], k=2)

    def described(result):
        return sorted((t.label, t.summary, sorted(t.comment_ids)) for t in result.themes)

    assert described(forward) == described(backward)
