"""Small Japanese comment sets for the nlp tests, built from random word choices."""

from __future__ import annotations

import random

SMARTPHONE = {
    "who": ["高齢者", "お年寄り", "高齢の親", "祖父母", "一人暮らしの高齢者"],
    "what": [
        "スマホ教室",
        "スマートフォンの講座",
        "スマホの相談会",
        "操作の練習会",
        "タブレット講座",
    ],
    "where": ["公民館", "図書館", "地区センター", "集会所", "市役所の窓口"],
    "verb": [
        "開いてほしい",
        "増やしてください",
        "続けてほしい",
        "無料にしてほしい",
        "予約しやすくして",
    ],
}
PARK = {
    "who": ["子ども", "小学生", "幼児", "親子", "近所の子どもたち"],
    "what": ["公園の遊具", "公園のトイレ", "広場のベンチ", "公園の砂場", "ブランコや滑り台"],
    "where": ["駅前の公園", "近所の公園", "河川敷の広場", "団地の公園", "中央公園"],
    "verb": [
        "新しくしてほしい",
        "点検してください",
        "安全にしてほしい",
        "きれいにしてほしい",
        "増やしてほしい",
    ],
}
TEMPLATES = [
    "{where}で{who}のために{what}を{verb}",
    "{who}が使える{what}を{where}に{verb}",
    "{where}の{what}は{who}に人気なので{verb}",
]
OPENERS = ["", "個人的には", "家族で話しましたが、", "以前から感じていますが、"]
CLOSERS = ["。", "と思います。", "。よろしくお願いします。", "。ぜひ検討をお願いします。"]


def make_comments(words: dict[str, list[str]], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    comments = []
    for _ in range(n):
        body = rng.choice(TEMPLATES).format(**{slot: rng.choice(w) for slot, w in words.items()})
        comments.append(rng.choice(OPENERS) + body + rng.choice(CLOSERS))
    return comments


def two_topics(n_each: int = 20, seed: int = 0) -> tuple[list[str], list[str]]:
    """Texts and their true topic ("smartphone" or "park"), interleaved."""
    smartphone = make_comments(SMARTPHONE, n_each, seed)
    park = make_comments(PARK, n_each, seed + 1)
    texts: list[str] = []
    topics: list[str] = []
    for a, b in zip(smartphone, park, strict=True):
        texts += [a, b]
        topics += ["smartphone", "park"]
    return texts, topics
