"""Small Japanese comment sets for the nlp tests, built from random word choices.

Each comment names three of its topic's core words; the rest of the sentence
is shared by both topics, so the two topics are clear and nothing else is.
"""

from __future__ import annotations

import random

SMARTPHONE = ["高齢者", "スマホ教室", "スマートフォン", "操作", "タブレット", "講座"]
PARK = ["公園", "遊具", "子ども", "砂場", "ブランコ", "広場"]
TEMPLATES = [
    "{0}と{1}について、{2}のことを{where}{verb}",
    "{where}{0}の{1}が気になります。{2}も{verb}",
    "{0}や{1}、{2}を{where}{verb}",
]
WHERE = ["近所で", "休日に", "地区ごとに", "もっと", "", "駅の近くで"]
VERB = ["考えてほしい", "改善してほしい", "見直してください", "充実させてほしい", "増やしてほしい"]
OPENERS = ["", "個人的には", "家族で話しましたが、", "以前から感じていますが、"]
CLOSERS = ["。", "と思います。", "。よろしくお願いします。", "。ぜひ検討をお願いします。"]


def make_comments(core_words: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    comments = []
    for _ in range(n):
        body = rng.choice(TEMPLATES).format(
            *rng.sample(core_words, 3), where=rng.choice(WHERE), verb=rng.choice(VERB)
        )
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


BUS = ["コミュニティバス", "バス停", "運行本数", "時刻表", "路線", "通院"]
GARBAGE = ["ごみ収集", "分別", "粗大ごみ", "資源回収", "集積所", "カラス"]
TOPIC_WORDS = {"smartphone": SMARTPHONE, "park": PARK, "bus": BUS, "garbage": GARBAGE}


def four_topics(n_each: int = 15, seed: int = 0) -> tuple[list[str], list[str]]:
    """Texts and their true topic for four topics (smartphone, park, bus, garbage), interleaved."""
    per_topic = {
        topic: make_comments(words, n_each, seed + offset)
        for offset, (topic, words) in enumerate(TOPIC_WORDS.items())
    }
    texts: list[str] = []
    topics: list[str] = []
    for index in range(n_each):
        for topic, comments in per_topic.items():
            texts.append(comments[index])
            topics.append(topic)
    return texts, topics
