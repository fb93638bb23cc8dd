from __future__ import annotations

import random

import pytest

from nlp.duplicates import DuplicateGroup, find_near_duplicates, normalize_for_duplicates

TEMPLATE = (
    "{name}です。DX推進計画の素案に反対します。市民への説明が不十分なまま、"
    "行政手続きのオンライン化を急ぐべきではありません。"
    "スマートフォンを持たない高齢者のために、対面の窓口を必ず残してください。"
)

DIFFERENT_OPINIONS_ON_ONE_TOPIC = [
    "オンライン申請は便利ですが、高齢の母には操作が難しく、結局窓口に行きました。"
    "窓口を残しつつ、使い方を教えてくれる人を公民館に置いてほしいです。",
    "窓口のデジタル化に賛成です。平日の昼間に市役所へ行けない共働き世帯にとって、"
    "夜でも申請できるのはとても助かります。早く進めてください。",
    "デジタル化の費用が気になります。システムの導入と保守にいくらかかるのか、"
    "窓口の人件費と比べてどれだけ節約になるのかを示してほしい。",
    "手続きのオンライン化で窓口が減ると、障害のある人や外国籍の住民が困ります。"
    "多言語の案内と、音声で使える画面をお願いします。",
]


def test_same_text_with_spacing_and_punctuation_differences_is_grouped() -> None:
    texts = [
        "対面の窓口を残してください。",
        "対面の窓口を残してください!!",
        "対面の 窓口を 残して ください",
        "対面の窓口を残してください。　",
    ]
    groups = find_near_duplicates(texts, ["a", "b", "c", "d"])
    assert groups == [DuplicateGroup(representative_id="a", ids=("a", "b", "c", "d"))]


def test_template_with_changed_names_and_an_added_sentence_is_grouped() -> None:
    texts = [
        TEMPLATE.format(name="山川一郎"),
        TEMPLATE.format(name="森田花子"),
        TEMPLATE.format(name="小池次郎") + "よろしくお願いいたします。",
        "みどり市在住の" + TEMPLATE.format(name="野村"),
        *DIFFERENT_OPINIONS_ON_ONE_TOPIC,
    ]
    groups = find_near_duplicates(texts, list(range(101, 101 + len(texts))))
    assert [group.ids for group in groups] == [(101, 102, 103, 104)]
    assert groups[0].size == 4


def test_different_opinions_on_the_same_topic_are_not_grouped() -> None:
    ids = list(range(len(DIFFERENT_OPINIONS_ON_ONE_TOPIC)))
    assert find_near_duplicates(DIFFERENT_OPINIONS_ON_ONE_TOPIC, ids) == []


def test_representative_is_the_most_repeated_wording() -> None:
    texts = [
        TEMPLATE.format(name="山川"),
        TEMPLATE.format(name="森田"),
        TEMPLATE.format(name="森田"),
        TEMPLATE.format(name="小池"),
    ]
    (group,) = find_near_duplicates(texts, ["w", "x", "y", "z"])
    assert group.representative_id == "x"
    assert group.ids == ("w", "x", "y", "z")


def test_groups_are_connected_components_sorted_largest_first() -> None:
    first = "公共施設の予約をオンラインでできるようにしてください。空き状況も見られると助かります。"
    second = "図書館の開館時間を延ばしてほしいです。仕事帰りに寄れる時間まで開いていると嬉しい。"
    texts = [
        second,
        first,
        second + "以上です。",
        first,
        "独自の意見です。",
        first + "お願いします。",
    ]
    groups = find_near_duplicates(texts, ["s1", "f1", "s2", "f2", "other", "f3"])
    assert [group.ids for group in groups] == [("f1", "f2", "f3"), ("s1", "s2")]


def test_threshold_one_groups_only_identical_wordings() -> None:
    texts = [
        TEMPLATE.format(name="山川"),
        TEMPLATE.format(name="山川"),
        TEMPLATE.format(name="森田"),
    ]
    groups = find_near_duplicates(texts, [1, 2, 3], threshold=1.0)
    assert [group.ids for group in groups] == [(1, 2)]


def test_empty_texts_never_form_a_group_but_short_identical_texts_do() -> None:
    texts = ["", "　", "。", "賛成", "賛成。", "反対"]
    groups = find_near_duplicates(texts, [1, 2, 3, 4, 5, 6])
    assert [group.ids for group in groups] == [(4, 5)]


def test_few_or_no_texts() -> None:
    assert find_near_duplicates([], []) == []
    assert find_near_duplicates(["一件だけの意見です。"], [1]) == []


@pytest.mark.parametrize("threshold", [0.0, -0.5, 1.5])
def test_threshold_outside_zero_to_one_is_rejected(threshold: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        find_near_duplicates(["あ", "い"], [1, 2], threshold=threshold)


def test_texts_and_ids_must_match_in_length() -> None:
    with pytest.raises(ValueError, match="length"):
        find_near_duplicates(["あ", "い"], [1])


def test_normalization_folds_width_case_spacing_and_symbols() -> None:
    assert normalize_for_duplicates("ＤＸ推進 計画、　賛成です！😊") == "dx推進計画賛成です"


SUBJECTS = ["オンライン申請", "市のホームページ", "防災アプリ", "図書館の電子書籍", "公民館のWi-Fi"]
OPINIONS = [
    "を使いやすくしてほしい",
    "の説明が分かりにくい",
    "は高齢者には難しい",
    "を早く進めてほしい",
]
REASONS = [
    "。費用が心配です",
    "。家族も同じ意見です",
    "。夜間に困っています",
    "。事例を調べてください",
]


def generated_opinions(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for number in range(count):
        sentences = [
            rng.choice(SUBJECTS) + rng.choice(OPINIONS) + rng.choice(REASONS) + "。"
            for _ in range(rng.randint(2, 4))
        ]
        texts.append(f"意見{number}番。" + "".join(sentences) + f"{rng.randint(1, 10**6)}。")
    return texts


def test_twenty_thousand_texts_with_a_planted_campaign() -> None:
    texts = generated_opinions(20_000, seed=1)
    campaign = range(0, 20_000, 40)
    names = ["山川", "森田", "小池", "野村", "石井", "大森"]
    for number, position in enumerate(campaign):
        texts[position] = TEMPLATE.format(name=names[number % len(names)])
    groups = find_near_duplicates(texts, list(range(20_000)))
    assert groups[0].ids == tuple(campaign)
    assert all(group.size >= 2 for group in groups)


def test_result_is_the_same_on_every_run() -> None:
    texts = generated_opinions(500, seed=2) + [TEMPLATE.format(name="山川")] * 3
    ids = list(range(len(texts)))
    assert find_near_duplicates(texts, ids) == find_near_duplicates(texts, ids)


def test_corpus_with_tens_of_thousands_of_distinct_characters() -> None:
    # 70,000 different ideographs and hangul are too many to pack 3-grams
    # losslessly next to 9,000 text numbers, so they are hashed instead.
    alphabet = [
        chr(point)
        for block in (range(0x4E00, 0x9FF0), range(0x20000, 0x2A6D0), range(0xAC00, 0xD7A0))
        for point in block
    ]
    texts = ["".join(alphabet[start : start + 8]) for start in range(0, 72_000, 8)]
    texts += [TEMPLATE.format(name="山川"), TEMPLATE.format(name="森田")]
    groups = find_near_duplicates(texts, list(range(len(texts))))
    assert [group.ids for group in groups] == [(len(texts) - 2, len(texts) - 1)]
