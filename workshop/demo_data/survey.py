"""A DX questionnaire of 12 questions and N generated answers, written for the demo (`demo
load`: the open アンケート with 2,000 answers) and the benches (bench/survey_data.py): options and phrases are our own, combined at random with some plausible links (older
people use a smartphone less, those who never do are less satisfied and write about
counters and paper).

    questionnaire()          the questions in the `questions load` file format
    generate(n, seed)        N answers as CSV rows (a LINE survey export: one cell per
                             question, the multiple choices joined with 「、」)
    write_csv(path, rows)    UTF-8 with BOM, as LINE and Excel write it
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

AGES = ["10代", "20代", "30代", "40代", "50代", "60代", "70代", "80歳以上"]
AGE_WEIGHTS = [3, 9, 13, 16, 17, 17, 16, 9]
DISTRICTS = ["中央地区", "駅前地区", "北山地区", "南浜地区", "東台地区", "西川地区"]
SMARTPHONE = [
    "毎日使っている",
    "ときどき使っている",
    "持っているがほとんど使わない",
    "持っていない",
]
DEVICES = [
    "スマートフォン",
    "パソコン",
    "タブレット",
    "携帯電話（スマートフォン以外）",
    "どれも使っていない",
]
TROUBLES = [
    "窓口の開いている時間に行けない",
    "書類の書き方がわからない",
    "何度も同じことを書かされる",
    "どの窓口に行けばよいかわからない",
    "オンライン申請のやり方がわからない",
    "マイナンバーカードでの本人確認がうまくいかない",
    "特に困ったことはない",
]
ONLINE = [
    "住民票の写しの請求",
    "子育ての手続き",
    "介護保険の申請",
    "粗大ごみの申込み",
    "公共施設の予約",
    "税の証明書の請求",
]
SOURCES = [
    "広報紙",
    "市のウェブサイト",
    "市の公式LINE",
    "回覧板",
    "テレビ・ラジオ",
    "家族や知人から",
]
MYNUMBER = ["持っていて、使っている", "持っているが、使っていない", "持っていない"]
OTHER_TROUBLES = ["駐車場が少ない", "電話がつながらない", "説明が難しい", "土日に開いていない"]

HEADER = [
    "回答ID", "回答日時", "年代", "お住まいの地区", "スマートフォンの利用",
    "普段使っている機器", "行政手続きで困ったこと", "オンラインでしたい手続き",
    "市のデジタル化への満足度", "市の情報を主に知る方法", "マイナンバーカード",
    "1日にスマートフォンを使う時間（分）", "困っていること", "市へのご意見・ご提案",
]  # fmt: skip
QUESTION_COLUMNS = {
    "age": "年代",
    "district": "お住まいの地区",
    "smartphone": "スマートフォンの利用",
    "devices": "普段使っている機器",
    "troubles": "行政手続きで困ったこと",
    "online": "オンラインでしたい手続き",
    "satisfaction": "市のデジタル化への満足度",
    "source": "市の情報を主に知る方法",
    "mynumber": "マイナンバーカード",
    "minutes": "1日にスマートフォンを使う時間（分）",
    "trouble_text": "困っていること",
}
TEXT_COLUMN = "市へのご意見・ご提案"  # the consultation's own free-text comment


def options(labels: list[str], prefix: str) -> list[dict[str, str]]:
    return [{"code": f"{prefix}{n}", "label": label} for n, label in enumerate(labels, start=1)]


def questionnaire(*, with_attributes: bool = True) -> dict[str, Any]:
    """The 12 questions (11 here; the 12th is the consultation's own free-text comment).
    Without attributes: the form's own 年代 and 地区 ask them (the demo's consultation)."""
    questions = _questions()
    if not with_attributes:
        questions = [q for q in questions if q["key"] not in ("age", "district")]
    return {"questions": questions}


def _questions() -> list[dict[str, Any]]:
    return [
            {"key": "age", "type": "single", "text": "年代", "attribute": True,
             "options": options(AGES, "a"), "required": True},
            {"key": "district", "type": "single", "text": "お住まいの地区", "attribute": True,
             "options": options(DISTRICTS, "d")},
            {"key": "smartphone", "type": "single", "text": "スマートフォンを使っていますか",
             "options": options(SMARTPHONE, "s"), "required": True},
            {"key": "devices", "type": "multiple", "text": "普段使っている機器（いくつでも）",
             "options": options(DEVICES, "v")},
            {"key": "troubles", "type": "multiple",
             "text": "市役所の手続きで困ったことは何ですか（いくつでも）",
             "options": options(TROUBLES, "t"), "other": True},
            {"key": "online", "type": "multiple",
             "text": "オンラインでできるようにしてほしい手続き（いくつでも）",
             "options": options(ONLINE, "o")},
            {"key": "satisfaction", "type": "scale", "text": "市のデジタル化にどのくらい満足していますか",
             "min": 1, "max": 5, "labels": ["不満", "満足"]},
            {"key": "source", "type": "single", "text": "市の情報を主に何で知りますか",
             "options": options(SOURCES, "i")},
            {"key": "mynumber", "type": "single", "text": "マイナンバーカードをお持ちですか",
             "options": options(MYNUMBER, "m")},
            {"key": "minutes", "type": "number",
             "text": "1日にスマートフォンを使う時間（分）", "min": 0, "max": 1440},
            {"key": "trouble_text", "type": "free_text",
             "text": "手続きや情報の入手で困っていること、不便に感じていることをお書きください"},
    ]  # fmt: skip


# ---------------------------------------------------------------- free text from phrase pieces

WHERE = ["市役所の窓口", "支所", "市のウェブサイト", "電子申請", "コンビニ交付", "公民館"]
PAPER_TROUBLES = [
    "{where}で書類を何枚も書くのが大変です",
    "{where}に行くのにバスが少なくて困っています",
    "平日しか{where}が開いていないので仕事を休んで行きました",
    "{where}の案内がわかりにくく、どこに並べばよいか迷いました",
    "スマホを持っていないので、{where}で手続きするしかありません",
]
ONLINE_TROUBLES = [
    "{where}の画面が見づらく、途中で入力が消えてしまいました",
    "{where}でマイナンバーカードを読み取れず、結局窓口に行きました",
    "{where}のパスワードを何度も忘れてしまいます",
    "{where}で申請したのに、同じことを窓口でもう一度書かされました",
    "{where}の説明の言葉が難しく、何を選べばよいかわかりません",
]
WISHES = [
    "子育ての手続きをスマホで済ませたいです",
    "高齢者向けのスマホ教室を近くの{where}で開いてほしいです",
    "紙の申請書も残してください",
    "電話で聞ける窓口を増やしてほしいです",
    "LINEで手続きの期限を知らせてほしいです",
    "土日にも{where}を開けてほしいです",
    "書く欄を減らして、一度書いた住所は使い回せるようにしてほしいです",
]
CLOSERS = ["", "", "よろしくお願いします。", "ご検討ください。", "期待しています。"]


def sentence(rng: random.Random, pieces: list[str]) -> str:
    return rng.choice(pieces).format(where=rng.choice(WHERE)) + "。"


def trouble_text(rng: random.Random, offline: bool) -> str:
    pieces = PAPER_TROUBLES if offline or rng.random() < 0.3 else ONLINE_TROUBLES
    text = sentence(rng, pieces)
    if rng.random() < 0.4:
        text += sentence(rng, pieces)
    return text


def idea_text(rng: random.Random) -> str:
    text = sentence(rng, WISHES)
    if rng.random() < 0.3:
        text += sentence(rng, WISHES)
    return text + rng.choice(CLOSERS)


# ---------------------------------------------------------------- one answer per row


def pick_some(rng: random.Random, labels: list[str], chance: float) -> list[str]:
    chosen = [label for label in labels if rng.random() < chance]
    return chosen or [rng.choice(labels)]


def generate(n: int, seed: int = 14) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for number in range(1, n + 1):
        age_index = rng.choices(range(len(AGES)), weights=AGE_WEIGHTS)[0]
        older = age_index >= 5
        phone = rng.choices(range(4), weights=[3, 3, 2, 2] if older else [14, 3, 1, 0.3])[0]
        offline = phone >= 2
        devices = pick_some(rng, DEVICES[1:4], 0.3)
        if phone <= 2:
            devices = ["スマートフォン", *devices]
        if offline and rng.random() < 0.3:
            devices = ["どれも使っていない"]
        troubles = [t for t in TROUBLES[:6] if rng.random() < (0.35 if offline else 0.2)]
        if not offline and rng.random() < 0.3:
            troubles.append("オンライン申請のやり方がわからない")
        if not troubles:
            troubles = ["特に困ったことはない"]
        if rng.random() < 0.03:
            troubles.append(rng.choice(OTHER_TROUBLES))  # an answer that is no option: その他
        satisfaction = min(5, max(1, round(rng.gauss(2.4 if offline else 3.4, 1.0))))
        minutes = "" if phone == 3 else str(max(0, int(rng.gauss(40 if offline else 150, 60))))
        rows.append(
            [
                f"LINE-{number:06d}",
                f"2026/10/{1 + number % 28:02d} {number % 24:02d}:{number % 60:02d}",
                AGES[age_index],
                rng.choice(DISTRICTS) if rng.random() < 0.95 else "",
                SMARTPHONE[phone],
                "、".join(dict.fromkeys(devices)),
                "、".join(dict.fromkeys(troubles)),
                "、".join(pick_some(rng, ONLINE, 0.25)) if rng.random() < 0.8 else "",
                str(satisfaction),
                rng.choices(SOURCES, weights=[5, 3, 4, 3, 1, 2] if older else [2, 4, 6, 1, 1, 2])[
                    0
                ],
                rng.choices(MYNUMBER, weights=[5, 3, 2])[0],
                minutes,
                trouble_text(rng, offline) if rng.random() < 0.6 else "",
                idea_text(rng),
            ]
        )
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        writer.writerows(rows)
