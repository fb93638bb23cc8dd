"""Time nlp.duplicates.find_near_duplicates on generated opinions.

Usage: .venv/bin/python bench/bench_duplicates.py [count ...]   (default: 5000 50000)

A tenth of the generated opinions are three campaign templates, each copy
with the sender's name changed and sometimes a sentence added; the rest are
individual opinions assembled at random from 2-4 of 1,800 opinion sentences
and up to two detail sentences, so they overlap in topic but rarely in wording.
"""

from __future__ import annotations

import random
import sys
import time

from nlp.duplicates import find_near_duplicates

_SUBJECTS = [
    "オンライン申請",
    "窓口のデジタル化",
    "マイナンバーカード",
    "公共施設の予約システム",
    "市のホームページ",
    "防災アプリ",
    "子育て支援のアプリ",
    "図書館の電子書籍",
    "キャッシュレス決済",
    "公民館のWi-Fi",
    "高齢者向けのスマホ教室",
    "ごみ収集の通知",
    "オープンデータ",
    "電子回覧板",
    "行政手続きの押印廃止",
]
_OPINIONS = [
    "をもっと使いやすくしてほしいです",
    "の説明が分かりにくいと感じました",
    "には賛成ですが費用が心配です",
    "は高齢者には難しいと思います",
    "を早く進めてください",
    "について若い世代の意見も聞いてほしい",
    "の利用状況を公開してほしいです",
    "は紙の手続きも残してほしいです",
    "の個人情報の扱いが不安です",
    "に地域の事業者も参加できるようにしてほしい",
]
_REASONS = [
    "、理由は手続きに時間がかかるからです",
    "。仕事の合間に使えると助かります",
    "。家族も同じように感じています",
    "、特に夜間や休日に困っています",
    "。去年の説明会でも話題になりました",
    "、費用対効果を示してほしいです",
    "。他の自治体の事例も調べてください",
    "、障害のある方への配慮も必要です",
    "。子どもと一緒でも使えるようにしてほしい",
    "、地域の集会所でも相談できるとよいです",
    "。分かりやすい言葉で説明してください",
    "、段階的に進めるのがよいと思います",
]
_DETAILS = [
    "先月{n}回ほど利用しましたが、途中でエラーになりました。",
    "{district}地区では回線が遅いという声をよく聞きます。",
    "家族の{n}人のうち使いこなせるのは私だけです。",
    "説明会には{n}人くらいしか来ていませんでした。",
    "駅前の掲示板でも案内してもらえると助かります。",
    "近所の方と話すと同じ意見の人が多いです。",
    "隣の市の取り組みも参考になると思います。",
    "予算の使い方を分かりやすく示してほしいです。",
    "職員の方の対応はとても丁寧でした。",
    "スマートフォンを持っていない人への配慮もお願いします。",
]
_DISTRICTS = ["北", "南", "東", "西", "中央", "緑", "本町", "みなと"]
_NAMES = ["山川", "森田", "小池", "野村", "石井", "大森", "竹内", "川口", "松本", "岡田"]
_TEMPLATES = [
    "{name}です。DX推進計画の素案に反対します。市民への説明が不十分なまま"
    "行政手続きのオンライン化を進めるべきではありません。対面の窓口を必ず残してください。",
    "私たち{name}一同は、公共施設の予約システムの導入に賛成します。"
    "早期の導入と、操作の講習会の開催を求めます。",
    "意見：子育て支援アプリについて。{name}より。保育園の空き状況を毎日更新し、"
    "申請から入園決定までを一つの画面で確認できるようにしてください。",
]
_ADDITIONS = ["よろしくお願いします。", "ぜひ検討してください。", "以上です。"]


def generate(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        if rng.random() < 0.1:
            text = rng.choice(_TEMPLATES).format(name=rng.choice(_NAMES))
            if rng.random() < 0.3:
                text += rng.choice(_ADDITIONS)
        else:
            sentences = [
                rng.choice(_SUBJECTS) + rng.choice(_OPINIONS) + rng.choice(_REASONS) + "。"
                for _ in range(rng.randint(2, 4))
            ]
            sentences += [
                rng.choice(_DETAILS).format(n=rng.randint(2, 40), district=rng.choice(_DISTRICTS))
                for _ in range(rng.randint(0, 2))
            ]
            rng.shuffle(sentences)
            text = "".join(sentences)
        texts.append(text)
    return texts


def main(counts: list[int]) -> None:
    for count in counts:
        texts = generate(count)
        started = time.perf_counter()
        groups = find_near_duplicates(texts, range(count))
        seconds = time.perf_counter() - started
        largest = [group.size for group in groups[:3]]
        print(f"{count:>6} texts: {seconds:6.2f} s, {len(groups)} groups, largest {largest}")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [5_000, 50_000])
