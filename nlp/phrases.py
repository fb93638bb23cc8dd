"""Theme names that are phrases from the comments: 窓口の待ち時間, 子育て支援の充実.

A candidate is a stretch of a comment's normalised text that starts and ends
on one of its content tokens and stands alone as a noun phrase: tokens joined
directly (公共 + 交通), through one particle (窓口 の 待ち時間, 高齢者 への 配慮,
手続き を オンライン化, 安全 な 通学路, 住民 による 清掃, 地域 における 交流,
紙 からの 移行, a list: 食事 や 買い物) or two の (駅前 の 商店街 の 活性化), or through what the token filters
dropped (a one-kanji prefix or suffix as in 再利用 and 効率化). A phrase without a
particle may also start or end on a stopword noun written as a word of its own,
joined by の: 子育て支援 の 充実, 市 の ホームページ (市, 町, 充実 are stopwords for
grouping, not for naming). The tokens are the cached ones, aligned with the text,
so finding candidates costs no second Janome pass over the comments.

A phrase is counted by its words (``phrase_key``): 公共交通の確保, 公共交通を確保,
公共交通が確保 and the head of 地域公共交通の確保 are one phrase in four comments,
named by the form most of them write that is a noun phrase written on its own.
Candidates are scored like keywords (share of the theme's comments x log of
the lift over all comments), so boilerplate found everywhere (本計画の推進)
loses. Only the best ones are then tokenized, as a phrase on its own, to check
that they are nouns (an adjective may lead), hold two content words by
Janome's own dictionary, and hold no number, symbol or personal name.

Comments on a place often say what it is like instead (駐車場が狭い, 本数が
少ない), and notes about the future what happens (人口が増える, 統廃合が進む):
such a short clause, a noun phrase + が + an adjective, an adjectival noun or a
verb of change or state (not する, ある, なる, 来る), names too, weighing less than
a noun phrase; a key written both ways (自然豊か, 自然が豊か) is named by its noun
phrase, and a clause never replaces a noun phrase it holds. A clause with its
predicate inflected (人が多すぎる, 駐車場が狭かった, 人口が増えている, 統廃合が進んだ)
counts as one of the base form (人が多い, 人口が増える), which names only where a
comment writes it so; a negative (増えていない) or a wish (増えたい) does not count
(nlp.clauses).

A space in Japanese text is a line wrap (sticky notes are full of them): a phrase
only ever written across one (高幸福度 都市) names without it (高幸福度都市), but a
form some comment writes as such comes first, and such a phrase never replaces a
shorter name it holds (洋上風力発電の EEZ is more likely two phrases side by side).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from nlp.clauses import SUBJECT_PARTICLE, adjective_stem, is_predicate, subject_end, verb_stem
from nlp.label import TermScorer
from nlp.tokenize import Morpheme, janome_tokens, shared_tokenizer

# Longer forms first: としての before と, からの before の.
CONNECTORS = ("への", "による", "における", "からの", "としての", "の", "を", "な", "と", "や")
# A chain of two の (駅前の商店街の活性化) is still one noun phrase; any other
# pair of particles (市民による清掃の推進を) starts a clause.
CHAIN_CONNECTOR = "の"
# Particles and spaces that do not change which phrase is meant: 公共交通の確保,
# 公共交通を確保, 公共交通が確保 and 公共交通確保 are counted as one phrase (a line
# wrap on a sticky note, 小型商店の 活性化, too). Only the forms with CONNECTORS can
# name a theme, written without the line wraps (``unwrapped``: 高幸福度 都市 names as
# 高幸福度都市).
FOLDED_CONNECTORS = (*CONNECTORS, "が")
# the list particles stay in a key: 食事や買い物 is not 食事買い物
LIST_PARTICLES = ("と", "や")
_FOLDED_PARTICLE = re.compile(
    r"(?<![ぁ-ゖ])(?:"
    + "|".join(c for c in FOLDED_CONNECTORS if c not in LIST_PARTICLES)
    + r")(?![ぁ-ゖ])"
)
# Spellings of one word (子ども, 子供, こども), folded when phrases are counted.
_SPELLINGS = (
    ("子ども", "子供"),
    ("こども", "子供"),
    ("取り組み", "取組"),
    ("取組み", "取組"),
    ("おいしい", "美味しい"),
    ("綺麗", "きれい"),
    ("ごみ", "ゴミ"),
    ("障がい", "障害"),
    ("障碍", "障害"),
)
MAX_TOKENS = 4  # content tokens in one phrase
MAX_CHARS = 18  # longer phrases are clauses, not names
# One token of this many characters may hold two words (子育て支援, 個人情報).
MIN_WORD_CHARS = 4
MIN_COMMENTS = 2  # a name must occur in at least this many of its theme's comments
# Deictic or counting prefixes (本計画, 各施設, 第3章) and 等 tie a phrase to one text.
_UNWANTED_AFFIXES = frozenset("本各当同貴御全諸両今前後毎第等他")
# One-kanji prefixes the token filters drop but a phrase needs (再利用, 未利用, 非正規).
_PREFIXES = frozenset("再新旧非未無不超高低副総準最")
_WORD_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々〆ヶァ-ヴーA-Za-z0-9]")
# Kana after a kanji that make it the stem of a word of its own (向け, 付き, 建て):
# ファミリー向 is cut from ファミリー向け, not a suffix as in 効率化.
_OKURIGANA = tuple("けきりみちえせてれべ")
_KATAKANA_WORD = re.compile(r"[ァ-ヴー]+")
# A space not between two Latin letters or digits: a line wrap in Japanese text.
_WRAP = re.compile(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々]")
# Words that point into the document, not at a topic (下記の原文, 上記の理由).
REFERENCE_WORDS = frozenset(
    {"下記", "上記", "前記", "後記", "原文", "本文", "前述", "後述", "別紙", "同様", "該当", "当該"}
    | {"他", "ほか"}
)
# Nouns too vague or too adverbial to head a name (整合的な形, 再生可能エネルギーの最大限).
_VAGUE_HEADS = frozenset(
    {"形", "観点", "視点", "側面", "部分", "程度", "一方", "中心", "最大限", "最小限"}
)
# Nouns that end a place's name, when the dictionary reads its start as a person's
# (丸岡城); a katakana noun (芝政ワールド) or a suffix (館, 場) ends one too.
_PLACE_NOUNS = frozenset(
    {
        "城",
        "寺",
        "神社",
        "温泉",
        "公園",
        "駅",
        "橋",
        "通り",
        "海岸",
        "港",
        "岬",
        "浜",
        "島",
        "山",
        "川",
    }
)
# Adjectives that say how much, not what kind: 多い印象 is the end of a sentence, not a name.
_QUANTITY_ADJECTIVES = frozenset({"多い", "少ない"})
# A longer phrase holding the best one (公共交通 -> 公共交通の確保) names the theme
# instead when it weighs at least this share of the best one.
EXTENSION_WEIGHT = 0.5
# What a name reads as, best first: a noun phrase (公共交通の確保), an object and its
# action (手続きをオンライン化), a clause (駐車場が狭い). A phrase of each later kind
# weighs this share of its score when the phrases of a theme are ranked, and a key
# written in several forms is named by its form of the best kind.
NOUN_PHRASE, OBJECT_PHRASE, CLAUSE = 0, 1, 2
OBJECT_PHRASE_WEIGHT = 0.6
# Content nouns by Janome's system dictionary (as in nlp.tokenize.content_words).
_CONTENT_NOUNS = frozenset({"一般", "固有名詞", "サ変接続", "形容動詞語幹", "ナイ形容詞語幹"})


@dataclass(frozen=True)
class _Name:
    form: str  # as a comment writes it, without line wraps
    kind: int  # NOUN_PHRASE, OBJECT_PHRASE or CLAUSE
    unwrapped: bool  # every comment writes it across a line wrap (高幸福度 都市)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    ending: str = ""  # the kana that ends the base form of a predicate written inflected

    @property
    def inflected(self) -> bool:
        """An adjective's or a verb's stem, its ending not in its base form (多すぎる, 増えた)."""
        return bool(self.ending)


# Marks a candidate that counts as an occurrence of a phrase without writing it as
# such: the end of a compound (資本主義 in 株主資本主義), or a clause whose predicate is
# inflected (人が多い in 人が多すぎる, 人口が増える in 人口が増えている). A name is
# written as such in at least one comment, so a marked candidate never names a theme.
HEAD_MARK = "…"


def phrase_candidates(
    tokens: Sequence[str], normalized_text: str, stopwords: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """Noun-phrase candidates of one comment, each verbatim in ``normalized_text``
    (after ``HEAD_MARK`` when it ends a longer compound)."""
    spans = _align(tokens, normalized_text)
    found: set[str] = set()
    for first, span in enumerate(spans):
        if span is None or span.inflected or _has_own_subject(normalized_text, span, tokens[first]):
            continue
        if span.end - span.start >= MIN_WORD_CHARS:  # a compound in the user dictionary
            found.update(_phrases(normalized_text, span.start, span.end, 0, stopwords))
        connectors: list[str] = []
        for last in range(first + 1, min(first + MAX_TOKENS, len(spans))):
            previous, current = spans[last - 1], spans[last]
            if previous is None or current is None or previous.inflected:
                break
            gap = _gap_connectors(normalized_text[previous.end : current.start], stopwords)
            if gap is None:
                break
            connectors += gap
            if len(connectors) > 1 and set(connectors) != {CHAIN_CONNECTOR}:
                break
            if current.inflected:
                if current.ending == "い" or connectors == [SUBJECT_PARTICLE]:
                    found.update(
                        _inflected_clause(normalized_text, span.start, current.end, current.ending)
                    )
                break
            found.update(
                _phrases(normalized_text, span.start, current.end, len(connectors), stopwords)
            )
    return tuple(sorted(found))


def all_phrase_candidates(
    tokens: Sequence[Sequence[str]],
    normalized: Sequence[str],
    stopwords: frozenset[str] = frozenset(),
) -> list[tuple[str, ...]]:
    """``phrase_candidates`` of each comment, in order."""
    return [
        phrase_candidates(t, text, stopwords) for t, text in zip(tokens, normalized, strict=True)
    ]


def phrase_key(phrase: str) -> str:
    """What is counted for a phrase: its words without the particles between them,
    spaces or spelling variants (公共交通の確保 and 公共交通を 確保 give 公共交通確保)."""
    key = phrase.removeprefix(HEAD_MARK).replace(" ", "")
    for variant, spelling in _SPELLINGS:
        key = key.replace(variant, spelling)
    return _FOLDED_PARTICLE.sub("", key)


def unwrapped(phrase: str) -> str:
    """``phrase`` without its line wraps: a space in Japanese text (a sticky note's
    高幸福度 都市, 小型商店の 活性化) is where a line was full, not a word break; a space
    between two Latin words (Free Wi-Fi) stays."""
    return _WRAP.sub("", phrase)


def _has_own_subject(text: str, span: _Span, token: str) -> bool:
    """An adjective after its own subject (実効性の高い, 人が多い) ends a clause:
    高い環境教育 cut from 実効性の高い環境教育 is not a name."""
    return token.endswith("い") and text[span.start - 1 : span.start] in ("の", "が")


def _align(tokens: Sequence[str], text: str) -> list[_Span | None]:
    """Where each token stands in the text, in order; None for a form not written
    as such (a verb's base form)."""
    spans: list[_Span | None] = []
    cursor = 0
    for token in tokens:
        start = text.find(token, cursor)
        if start >= 0:
            cursor = start + len(token)
            spans.append(_Span(start, cursor))
            continue
        stem = adjective_stem(token, text, cursor)
        if stem is None:
            stem = verb_stem(token, text, cursor)
        if stem is None:
            spans.append(None)
            continue
        cursor = stem + len(token) - 1
        spans.append(_Span(stem, cursor, ending=token[-1]))
    return spans


def _inflected_clause(text: str, start: int, stem_end: int, ending: str) -> Iterator[str]:
    """The phrase ending in an inflected adjective or verb, in its base form and
    marked (人が多すぎる counts as 人が多い, 人口が増えている as 人口が増える)."""
    if start > 0 and text[start - 1] in _PREFIXES:
        start -= 1
    phrase = text[start:stem_end] + ending
    if len(phrase) <= MAX_CHARS and not _counted(text, start):
        yield HEAD_MARK + phrase


def _gap_connectors(gap: str, stopwords: frozenset[str]) -> list[str] | None:
    """The particles in the text between two tokens of one phrase, or None
    when the gap breaks the phrase."""
    connectors: list[str] = []
    rest = gap.strip(" ")
    if " " in rest:
        return None
    while rest:
        piece = _leading_piece(rest, stopwords)
        if piece is None:
            return None
        if piece in FOLDED_CONNECTORS:
            connectors.append(piece)
        rest = rest[len(piece) :]
    return connectors


def _leading_piece(text: str, stopwords: frozenset[str]) -> str | None:
    for connector in FOLDED_CONNECTORS:
        if text.startswith(connector):
            return connector
    for length in range(min(len(text), 4), 1, -1):
        if text[:length] in stopwords and _is_noun_like(text[:length]):
            return text[:length]
    if _KANJI.match(text) and text[0] not in _UNWANTED_AFFIXES:
        return text[0]
    return None


def _is_noun_like(word: str) -> bool:
    return all(_WORD_CHAR.match(char) for char in word)


def _phrases(
    text: str, start: int, end: int, connectors: int, stopwords: frozenset[str]
) -> Iterator[str]:
    """The phrase from start to end, with a dropped prefix before it and a dropped
    suffix or ``の`` + stopword noun after it (効率化, 子育て支援の充実), or a
    stopword noun + ``の`` before it (市のホームページ), if it then stands between
    word boundaries."""
    if start > 0 and text[start - 1] in _PREFIXES:
        start -= 1
    for head in _heads(text, start, connectors, stopwords):
        for tail in _tails(text, end, connectors, stopwords):
            phrase = text[head:tail]
            if len(phrase) > MAX_CHARS or _ends_inside_a_word(text, head, tail):
                continue
            yield phrase if _starts_a_word(text, head) else HEAD_MARK + phrase


def _heads(text: str, start: int, connectors: int, stopwords: frozenset[str]) -> Iterator[int]:
    """Where the phrase may start: at its first token, or at a stopword noun written as
    a word of its own and の before it when it has no particle yet (市のホームページ)."""
    yield start
    if connectors > 0 or start == 0 or text[start - 1] != "の":
        return
    for length in range(4, 0, -1):
        head = start - 1 - length
        word = text[max(head, 0) : start - 1]
        if head < 0 or word not in stopwords or not _is_noun_like(word):
            continue
        if _starts_a_word(text, head) and not _counted(text, head):
            yield head
        return


def _tails(text: str, end: int, connectors: int, stopwords: frozenset[str]) -> Iterator[int]:
    """Where the phrase may end: at its last token, after a one-kanji suffix, or
    after の and a stopword noun when it has no particle yet."""
    yield end
    if (
        end < len(text)
        and _KANJI.match(text[end])
        and text[end] not in _UNWANTED_AFFIXES
        and not text.startswith(_OKURIGANA, end + 1)
    ):
        end += 1
        yield end
    if connectors == 0 and text.startswith("の", end):
        for length in range(4, 1, -1):
            word = text[end + 1 : end + 1 + length]
            if len(word) == length and word in stopwords and _is_noun_like(word):
                yield end + 1 + length
                return


def _starts_a_word(text: str, start: int) -> bool:
    """No word character before it: 資本主義 in 株主資本主義 does not."""
    return start == 0 or _WORD_CHAR.match(text[start - 1]) is None


def _ends_inside_a_word(text: str, start: int, end: int) -> bool:
    """A word character after it, or counted by a number before it (2050 年カーボン
    ニュートラル), or after a digit in the same word (3章)."""
    after = end < len(text) and _WORD_CHAR.match(text[end]) is not None
    return after or _counted(text, start)


def _counted(text: str, start: int) -> bool:
    """A number before ``start``: what starts there is its counter (2050 年, 3章)."""
    previous = start - 1
    while previous >= 0 and text[previous] == " ":
        previous -= 1
    return previous >= 0 and text[previous].isdigit()


def is_phrase_name(phrase: str, stopwords: frozenset[str] = frozenset()) -> bool:
    """Whether ``phrase`` can name a theme (``phrase_kind`` is not None)."""
    return phrase_kind(phrase, stopwords) is not None


def phrase_kind(phrase: str, stopwords: frozenset[str] = frozenset()) -> int | None:
    """``NOUN_PHRASE``, ``OBJECT_PHRASE`` or ``CLAUSE`` for a name, else None.

    A noun phrase of at least two content words (one not a stopword), by Janome's
    system dictionary: a single dictionary word (マイナンバーカード) is not a phrase,
    and numbers, symbols, personal names and verbs rule a phrase out. A short clause
    of a noun phrase, が and what it is like (本数が少ない, 駐車場が狭い, 交通が便利)
    or what happens to it (人口が増える, 統廃合が進む) names too: comments on a place
    say what is wrong or good with it that way, notes on the future what changes."""
    morphemes = [
        Morpheme(t.surface, tuple(t.part_of_speech.split(",")), t.base_form)
        for t in janome_tokens(shared_tokenizer(None), phrase)
    ]
    if not morphemes:
        return None
    if _is_noun_phrase(morphemes):
        kind = OBJECT_PHRASE if any(m.surface == "を" for m in morphemes) else NOUN_PHRASE
    elif _is_clause(morphemes):
        kind = CLAUSE
    else:
        return None
    if any(m.surface in REFERENCE_WORDS for m in morphemes):
        return None
    content = _content_words(morphemes)
    if len(content) < 2 or all(word in stopwords for word in content):
        return None
    return kind


def _is_noun_phrase(morphemes: Sequence[Morpheme]) -> bool:
    first, last = morphemes[0], morphemes[-1]
    if first.pos[0] not in ("名詞", "接頭詞", "形容詞") or first.pos[1] in ("接尾", "非自立"):
        return False
    # an adverbial noun (今後) or a vague one (整合的な形) does not head a name
    if last.pos[0] != "名詞" or last.pos[1] in ("非自立", "代名詞", "副詞可能"):
        return False
    if last.surface in _VAGUE_HEADS:
        return False
    # 的 makes a word say how, not what: 積極的 in EEZへの積極的(な展開) heads nothing
    if last.pos[1:3] == ("接尾", "形容動詞語幹"):
        return False
    # を takes an action: 手続きをオンライン化, not 環境政策を起点
    if any(m.surface == "を" for m in morphemes) and "サ変接続" not in last.pos[1:3]:
        return False
    for index, morpheme in enumerate(morphemes):
        major, minor = morpheme.pos[0], morpheme.pos[1]
        if major == "名詞":
            if minor in ("数", "代名詞"):
                return False
            if "人名" in morpheme.pos and not _names_a_place(morphemes, index):
                return False
        elif major == "形容詞":
            if index != 0 or minor != "自立" or morpheme.surface != morpheme.base_form:
                return False
            if morpheme.base_form in _QUANTITY_ADJECTIVES:
                return False
        elif major == "助詞":
            if not _is_phrase_particle(morphemes, index):
                return False
        elif major == "助動詞":
            if morpheme.surface != "な":
                return False
        elif major != "接頭詞":
            return False
    return True


def _names_a_place(morphemes: Sequence[Morpheme], index: int) -> bool:
    """A name the dictionary reads as a person's that is the start of a place's
    name: 芝政ワールド, 丸岡城, 芝政キャンプ場 (not 安野都知事 or 山田さん)."""
    rest = index + 1
    while rest < len(morphemes) and "人名" in morphemes[rest].pos:
        rest += 1
    if rest == len(morphemes) or morphemes[rest].pos[0] != "名詞":
        return False
    head = rest
    while head + 1 < len(morphemes) and morphemes[head + 1].pos[0] == "名詞":
        head += 1
    surface, pos = morphemes[head].surface, morphemes[head].pos
    if _KATAKANA_WORD.fullmatch(surface) or pos[1:3] == ("接尾", "一般"):
        return True
    return surface in _PLACE_NOUNS


def _is_clause(morphemes: Sequence[Morpheme]) -> bool:
    """A noun phrase, が and what it is like or what happens to it: 本数が少ない,
    交通が便利, 人口が増える, 統廃合が進む (not 人が来る: see nlp.clauses)."""
    subject = subject_end(morphemes)
    if subject is None or not is_predicate(morphemes[-1]):
        return False
    return _is_noun_phrase(morphemes[:subject]) and all(
        m.surface != "を" for m in morphemes[:subject]
    )


def _is_phrase_particle(morphemes: Sequence[Morpheme], index: int) -> bool:
    """の, へ(の), を, による, における, から/として before の, and the list particles."""
    surface = morphemes[index].surface
    if surface in ("の", "へ", "を", "による", "における") or morphemes[index].pos[1] == "並立助詞":
        return True
    following = morphemes[index + 1].surface if index + 1 < len(morphemes) else ""
    return surface in ("から", "として") and following == "の"


def _content_words(morphemes: Sequence[Morpheme]) -> list[str]:
    """Content words; a run of katakana nouns, or of one-kanji nouns, counts as one
    word: the system dictionary splits words it does not know (スカイ + ツリー, 舞 + 茸)."""
    words: list[str] = []
    previous_kind = None
    for morpheme in morphemes:
        kind = _piece_kind(morpheme.surface)
        if _is_content(morpheme) and (kind is None or kind != previous_kind):
            words.append(morpheme.base_form)
        previous_kind = kind
    return words


def _piece_kind(surface: str) -> str | None:
    if _KATAKANA_WORD.fullmatch(surface):
        return "katakana"
    if len(surface) == 1 and _KANJI.match(surface):
        return "kanji"
    return None


def _is_content(morpheme: Morpheme) -> bool:
    if morpheme.pos[0] == "形容詞" or morpheme.pos[:2] == ("動詞", "自立"):
        return True
    return (
        morpheme.pos[0] == "名詞"
        and morpheme.pos[1] in _CONTENT_NOUNS
        and (len(morpheme.surface) > 1 or _KANJI.match(morpheme.surface) is not None)
    )


class PhraseNamer:
    """Name groups of comments by their most distinctive phrase (fit once, ask per group).

    Phrases are counted by ``phrase_key``, so 公共交通の確保 in one comment and
    公共交通を確保 in another make two occurrences; the name is the form most of the
    group's comments write (as written in at least one), an の form before a を form.
    """

    def __init__(self, stopwords: frozenset[str] = frozenset(), n_candidates: int = 30) -> None:
        self.stopwords = stopwords
        self.n_candidates = n_candidates

    def fit(self, tokens: Sequence[Sequence[str]], normalized: Sequence[str]) -> PhraseNamer:
        return self.fit_candidates(all_phrase_candidates(tokens, normalized, self.stopwords))

    def fit_candidates(self, docs: Sequence[Sequence[str]]) -> PhraseNamer:
        """``fit`` from each comment's ``phrase_candidates``, found elsewhere (the pipeline
        finds them in another process while it clusters)."""
        self.forms_: list[dict[str, list[str]]] = []
        for candidates in docs:
            forms: dict[str, list[str]] = {}
            for phrase in candidates:
                forms.setdefault(phrase_key(phrase), []).append(phrase)
            self.forms_.append(forms)
        self.scorer_ = TermScorer().fit([sorted(forms) for forms in self.forms_])
        self.holders_ = self.scorer_.presence_.tocsc()  # rows holding each key
        self.column_ = {str(key): index for index, key in enumerate(self.scorer_.terms_)}
        self.checked_: dict[str, int | None] = {}
        return self

    def candidates(self, rows: Sequence[int]) -> tuple[str, ...]:
        """Phrases of the rows that qualify as a name, most distinctive first."""
        return tuple(name for _, name in self._ranked(rows))

    def names(self, groups: Sequence[Sequence[int]]) -> list[str | None]:
        """A distinct name per group (in order; None when no phrase qualifies)."""
        used: set[str] = set()
        names: list[str | None] = []
        for rows in groups:
            key, name = next(((k, n) for k, n in self._ranked(rows) if k not in used), (None, None))
            if key is not None:
                used.add(key)
            names.append(name)
        return names

    def _ranked(self, rows: Sequence[int]) -> list[tuple[str, str]]:
        """(key, name) of the qualifying phrases, most distinctive first."""
        ranked = self.scorer_.keywords(rows, self.n_candidates, min_count=MIN_COMMENTS)
        members = set(rows)
        weighted: list[tuple[str, _Name, float]] = []
        for key, weight in ranked:
            name = self._written_form(key, members)
            if name is not None:
                factor = 1 if name.kind == NOUN_PHRASE else OBJECT_PHRASE_WEIGHT
                weighted.append((key, name, weight * factor))
        weighted.sort(key=lambda item: -item[2])  # stable: ties keep the scorer's order
        ordered: list[tuple[str, str]] = []
        for key, name, weight in weighted:
            # a longer phrase written only across a line wrap (洋上風力発電の EEZ, あわら温泉
            # 灰屋) is likely two phrases side by side: it does not replace this one, nor
            # does a clause replace a noun phrase (子育て支援 stays before 子育て支援が広がる)
            longer = [
                (other, other_name.form)
                for other, other_name, other_weight in weighted
                if key in other
                and other != key
                and other_weight >= EXTENSION_WEIGHT * weight
                and not other_name.unwrapped
                and (other_name.kind != CLAUSE or name.kind == CLAUSE)
            ]
            ordered.extend(p for p in (*longer[:1], (key, name.form)) if p not in ordered)
        return ordered

    def _written_form(self, key: str, members: set[int]) -> _Name | None:
        """The form of the phrase the rows write that qualifies as a name: of the best
        kind, then written as such before written across a line wrap, then the most written."""
        counts: dict[str, int] = {}
        written: set[str] = set()  # forms as the comments write them
        column = self.holders_[:, self.column_[key]]
        for row in column.indices:
            if int(row) not in members:
                continue
            forms = self.forms_[row][key]
            written.update(forms)
            for form in {unwrapped(form) for form in forms}:
                counts[form] = counts.get(form, 0) + 1
        named = [
            (kind, form not in written, -count, len(form), form)
            for form, count in counts.items()
            if not form.startswith(HEAD_MARK) and (kind := self._kind(form)) is not None
        ]
        if not named:
            return None
        kind, wrapped, _, _, form = min(named)
        return _Name(form, kind, wrapped)

    def _kind(self, phrase: str) -> int | None:
        if phrase not in self.checked_:
            self.checked_[phrase] = phrase_kind(phrase, self.stopwords)
        return self.checked_[phrase]
