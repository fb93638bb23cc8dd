"""Which language a comment is written in, offline, from its characters and a few words.

Six languages are told apart: Japanese (やさしい日本語 included), English, Simplified
Chinese, Korean, Vietnamese and Portuguese. Everything else, and what cannot be told
(too short, only digits, symbols or emoji, kanji that Japanese and Chinese write alike
such as 市役所, Spanish or Tagalog), is ``und``. No model and no download: the counts below are
the whole method.

1. Scripts. Letters are counted by script; a kana or kanji counts as much as 2.5 Latin
   letters (a Japanese sentence is that much shorter than an English one), so an
   English word in a Japanese comment ("LINEで申請") does not make it English.
   Hangul is Korean; another script (Cyrillic, Thai, ...) is ``und``.
2. Kana and kanji: Japanese or Chinese. Hiragana, katakana and 々 are Japanese; kanji
   that Simplified Chinese writes otherwise (窓 駅 続 県 災) are Japanese too, and the
   simplified (们 这 灾 续) or traditional-only (們 這 說) forms and the Chinese
   particles (的 了 是 呢) are Chinese. A Chinese comment quoting a katakana word
   (マイナンバーカード) stays Chinese: a run of katakana weighs as much as one hiragana.
3. Latin letters: English, Portuguese or Vietnamese. The letters of Vietnamese tones
   (ơ ư ă đ ế ộ ...) are Vietnamese, ç ã õ Portuguese; then the most common function
   words of each language, written with or without their accents, decide. Vietnamese
   typed without its marks is told by its syllables: when nearly every word is one
   (toi muon hoc), and the English endings -ing -ly -ed help short English. Words
   typical of Spanish, French, German, Indonesian or Tagalog count for ``und``.

``Detection.confidence`` is the winner's share of the evidence, lowered when there is
little of it (a word or two): a figure for sorting and for a 要確認 mark, not a
probability.

How the app uses it: call ``detect_language(comment.text)`` when a comment is saved
and keep ``detection.code`` in a column of its own beside the text, which stays as
written; ``LANGUAGE_NAMES`` gives the Japanese name for the staff pages. Only
comments tagged ``ja`` go to Janome and the themes; the others form one group per
language, ``und`` included, so that none is dropped. A short comment of shared kanji
only (温泉, 交通) is ``und`` though in a Japanese city it is most likely Japanese: the
app may send ``und`` comments with kanji to the themes as well. ``DETECTION_VERSION``
changes with the rules: tags made under an older version may be made again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

# Bump when a rule or a list below changes, so that stored tags can be made again.
DETECTION_VERSION = "1"

UNDETERMINED = "und"
LANGUAGE_NAMES = {
    "ja": "日本語",
    "en": "英語",
    "zh": "中国語",
    "ko": "韓国語",
    "vi": "ベトナム語",
    "pt": "ポルトガル語",
    UNDETERMINED: "判定できない",
}

# A kana, kanji or hangul carries about as much as 2.5 Latin letters.
_LATIN_WEIGHT = 2
_CJK_WEIGHT = 5
# Fewer (weighted) letters than two kana is too short to tell: "OK", "Hi", "あ".
_MIN_LETTERS = 2 * _CJK_WEIGHT
# Less than one kana's or one word's worth of evidence (a particle, an ending) is none.
_LEAST_EVIDENCE = 2
# Evidence points at which the confidence stops being lowered for scarcity.
_ENOUGH_EVIDENCE = 8

# Kanji a Japanese text uses where Simplified Chinese writes another form: shinjitai
# (駅 続 県), kokuji (働 込 畑) and traditional forms Japanese kept (時 話 長).
JAPANESE_KANJI = frozenset(
    "応対説続売読駅県関経済実発険検験様広気変戸乗働込枠畑峠辺図窓帰児歳齢証録報際術"
    "話語時間問題開閉東車電線書長門見観覧館園場員設計認記論議講請調課誰護訳試該詳談"
    "謝貸費貴買購資質転軽較輸達過運還進遠違連遅適選郵鉄銀錯陽隊階陸隠難頂項順須頼"
    "顔風飛飯飲鮮鶏為個無業務弁処備復頭島師帯庫張弾強徹憶態総驚慣戦拡掃揚擁択換"
    "収暫機雑権極構標樹橋歓漢湯溝測満滅熱愛環現療監盤確離種積穏競筆簡類緊約級紀"
    "紙練組細終結絵給絡絶統継績維緑縁網羅膚脳芸節薬獲営慮補規覚視訂討譲許訪評識訴"
    "誤諸負財責敗貨貫貼貿軌輪軟載遺釈針銭鍵閑閲陰頁預領頻響騎魚鳥円災訓協"
    "義圧厳単楽挙労専従価値衛渋沢浜栄縄帳紹飾払戻駐駆伝仮歩黒廃決拝緒縦隣賃頑額願騒"
    "髪黙桜勧毎緩層増徳聴職週誕況歯圏"
)
# Characters only Chinese writes: simplified forms (们 这 灾) and traditional forms
# that Japanese does not use (們 這 說).
CHINESE_HANZI = frozenset(
    "们这说对时为个过还让应该电话车门问题长书开关发现实经济业务网络线办几样给么"
    "儿动劳单卫厅历压县变吗员园围图场块坏报处备复够头妈孙岁岛师带帮广库张录忆惯扫"
    "无显杂极构检汇汉满灾灭热爱环疗监盖确离种积稳窗简类紧红约级纪纸练组细终结"
    "绝统继绩续维综绿联脑艺节药获营虑补见观规觉视览计订认讨议讯记讲许论设访证评"
    "识诉译试详语误请读课谁调谈谢负责货质购费贵资转软轻较辆输边达运进远违连迟适选"
    "邮钟钱铁银错闭队阳际陆险隐难页项须预领频风飞饭馆验龄专东乐买亲从众优传价"
    "养兴决况净击创则刚协华卖启团圣坚宽审寻导层币帐异弃强归态总战户执扩护拥择换摄"
    "收晓暂术权标树桥欢毕气汤测职虽诊邻锁闻阅阶顺顾颜鲜鸡齐晚"
    "們這說對會讓應學關發實經濟區號辦樣麼嗎覺"
)
# Chinese function words; a few occur inside Japanese words (現在, 終了, 積極的) and
# count once each, less than a kana.
CHINESE_PARTICLES = frozenset("的了是我你她呢吧很也就没那怎什哪些在")

_VIETNAMESE_LETTERS = frozenset("ơưăđĩũ")  # and the block U+1EA0-1EF9 (ạ ế ộ ữ ...)
_PORTUGUESE_LETTERS = frozenset("çãõ")
_OTHER_LATIN_LETTERS = frozenset("ñ¿¡ßäöüœ")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Very common words. A word several of these languages write ("a", "de", "no", "do")
# is left out, or kept only where it is far more common.
_WORDS = {
    "en": _words(
        "the and to of is in for it that this with are i my we our you they have has be"
        " not was there would should can could please more at on from will very but if"
        " about when or an by how what which their been also like need because it's i'm"
        " don't there's"
    ),
    "pt": _words(
        "de que não nao para com uma um os da das dos na nas em é e mais muito por se eu"
        " meu minha tem ter são sao está esta foi ao pelo pela também tambem mas quando"
        " porque seria gostaria você voce nós isso aqui ainda já sobre muitas muitos"
    ),
    # With and without the tone marks: many type Vietnamese on a phone without them.
    "vi": _words(
        "của và là có không được cho các những một người tôi chúng này để trong với khi"
        " rất nhiều cũng đã sẽ thì ở làm mình học cần nên con em trẻ hơn muốn thể"
        " khong duoc cua nhung nguoi toi chung nay voi rat nhieu cung lam minh hoc tre"
        " muon"
    ),
    # Spanish, French, German, Indonesian, Tagalog: evidence for und, not one of ours.
    "other": _words(
        "el los las y es muy pero con una del gracias le les et est une pour pas dans"
        " avec je vous des sur du ich und der die das nicht yang dan tidak ini itu untuk"
        " dengan saya ang ng mga sa hindi po ako"
    ),
}
# Vietnamese without its marks shares these with English or Portuguese ("the" for
# thể, "da" for đã, "se" for sẽ): they count for Vietnamese once the text reads so.
_SHARED_VIETNAMESE = _words("the cac mot va la co cho thi da se can hon nen em con de")

_KATAKANA_WORD = re.compile("[\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff]+")
_LATIN_WORD = re.compile(r"[a-zà-ɏḀ-ỿ']+")
# One syllable of Vietnamese written without its marks: an initial, one to three vowels
# and a final (toi, nguoi, thanh). English and Portuguese words seldom fit (stops, lixo).
_BARE_VIETNAMESE_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|kh|gh|ph|th|tr|ch|gi|qu|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?"
)
# English word endings, for a short sentence without a function word ("running early").
_ENGLISH_ENDING = re.compile("[a-z]{2,}(?:ing|ly|ed)")


@dataclass(frozen=True)
class Detection:
    code: str  # ja, en, zh, ko, vi, pt, or und
    confidence: float  # 0.0 (und) to 1.0

    @property
    def is_known(self) -> bool:
        return self.code != UNDETERMINED


_NOT_DETERMINED = Detection(UNDETERMINED, 0.0)


def detect_language(text: str) -> Detection:
    """The language of one comment: ``Detection("vi", 0.93)``, or ``und``."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").lower()
    letters = _count_scripts(text)
    script, amount = letters.most_common(1)[0] if letters else ("", 0)
    if amount < _MIN_LETTERS:
        return _NOT_DETERMINED
    if script == "hangul":
        return Detection("ko", round(amount / letters.total(), 2))
    if script == "cjk":
        return _decide(_cjk_scores(text))
    if script == "latin":
        return _decide(_latin_scores(text))
    return _NOT_DETERMINED


def _count_scripts(text: str) -> Counter[str]:
    """Weighted letters per script: a kana, kanji or hangul as much as 2.5 Latin letters."""
    letters: Counter[str] = Counter()
    for char in text:
        script = _script(char)
        if script:
            letters[script] += _LATIN_WEIGHT if script == "latin" else _CJK_WEIGHT
    return letters


def _script(char: str) -> str | None:
    if _is_kana(char) or _is_kanji(char):
        return "cjk"
    code = ord(char)
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if not char.isalpha():
        return None  # digits, punctuation, emoji, spaces
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    return "other"


def _is_kana(char: str) -> bool:
    return ("\u3041" <= char <= "\u30ff" and char != "・") or "\u31f0" <= char <= "\u31ff"


def _is_kanji(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or char in "々〆"


def _cjk_scores(text: str) -> Counter[str]:
    scores: Counter[str] = Counter()
    # A run of katakana is one word, Japanese or a Japanese name quoted in Chinese.
    scores["ja"] += 2 * len(_KATAKANA_WORD.findall(text))
    for char in text:
        if "\u3041" <= char <= "\u309f" or char in "々〆":
            scores["ja"] += 2  # hiragana: Japanese grammar
        elif char in JAPANESE_KANJI:
            scores["ja"] += 2
        elif char in CHINESE_HANZI:
            scores["zh"] += 2
        elif char in CHINESE_PARTICLES:
            scores["zh"] += 1
    return scores


def _latin_scores(text: str) -> Counter[str]:
    scores: Counter[str] = Counter()
    for char in text:
        if char in _VIETNAMESE_LETTERS or "\u1ea0" <= char <= "\u1ef9":
            scores["vi"] += 3
        elif char in _PORTUGUESE_LETTERS:
            scores["pt"] += 3
        elif char in _OTHER_LATIN_LETTERS:
            scores["other"] += 3
    words = _LATIN_WORD.findall(text)
    for word in words:
        for language, common in _WORDS.items():
            if word in common:
                scores[language] += 2
        if _ENGLISH_ENDING.fullmatch(word):
            scores["en"] += 1
    bare = [word for word in words if word.isascii()]
    syllables = sum(bool(_BARE_VIETNAMESE_SYLLABLE.fullmatch(word)) for word in bare)
    if len(bare) >= 3 and syllables >= 0.9 * len(bare):
        scores["vi"] += syllables  # every word a Vietnamese syllable: Vietnamese unmarked
    if scores and scores.most_common(1)[0][0] == "vi":
        scores["vi"] += 2 * sum(word in _SHARED_VIETNAMESE for word in words)
    return scores


def _decide(scores: Counter[str]) -> Detection:
    """The language with the most evidence; und on none, on a tie, or for another language."""
    ranked = scores.most_common(2)
    if not ranked or ranked[0][1] < _LEAST_EVIDENCE:
        return _NOT_DETERMINED
    best, points = ranked[0]
    if best == "other" or (len(ranked) == 2 and ranked[1][1] == points):
        return _NOT_DETERMINED
    share = points / scores.total()
    scarcity = min(1.0, points / _ENOUGH_EVIDENCE)
    return Detection(best, round(share * scarcity, 2))
