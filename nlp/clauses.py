"""Short clauses that name a theme: a noun phrase, が and its predicate.

Comments on a place often say what it is like (駐車場が狭い, 本数が少ない, 交通が
便利), and notes about the future what happens (人が増える, 統廃合が進む, 格差が
広がる): an adjective, an adjectival noun or a verb of change or state after the
subject. A verb that says nothing on its own (する, ある, なる, 来る) names nothing.

The cached tokens hold each word's base form, so a predicate written inflected is
found by its stem: 人が多すぎる and 駐車場が狭かった count as 人が多い and 駐車場が狭い,
人口が増えている, 人口が増えた and 格差が広がってほしい as 人口が増える and 格差が
広がる. A negative (増えない, 増えていない), a wish (増えたい), a passive or a
potential form is another statement and is not folded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nlp.tokenize import Morpheme

SUBJECT_PARTICLE = "が"
# Verbs that say nothing on their own (駐車場がある, 音がする, 人が来る).
EMPTY_VERBS = frozenset(
    {"する", "ある", "いる", "おる", "なる", "できる", "出来る", "来る", "くる", "行く", "いく"}
    | {"言う", "いう", "思う", "考える", "見る", "みる", "やる", "わかる", "分かる"}
)
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff々]")
# A godan verb's last kana: its continuative (減り, 進み) and the euphonic stem
# before て/た (減っ, 進ん). A verb in る may be ichidan too (増え, 足り).
_GODAN = {
    "う": ("い", "っ"),
    "く": ("き", "い"),
    "ぐ": ("ぎ", "い"),
    "す": ("し", "し"),
    "つ": ("ち", "っ"),
    "ぬ": ("に", "ん"),
    "ぶ": ("び", "ん"),
    "む": ("み", "ん"),
    "る": ("り", "っ"),
}
# After the continuative: polite (増えます, 減りました), a pause (減り、) or つつ / そう.
_AFTER_CONTINUATIVE = re.compile(r"ま[すし]|つつ|そう|[、。,.!！?？ ]|$")
# After て: 増えている, 増えてる, 増えていく, 増えてきた, 増えてほしい, or the next
# clause (進んで、, 進んで駅が減る); not 増えていない, 増えてほしくない.
_AFTER_TE = re.compile(
    r"い(?:る|た|て|ま[すし]|く|っ|き)|る|た|き(?:た|て|ま[すし])|くる|ほしい|欲しい"
    r"|[、。,.!！?？ \u3400-\u4dbf\u4e00-\u9fff々ァ-ヴー]|$"
)
# After た: not a wish (増えたい, 増えたく, 増えたかった).
_WISH = re.compile(r"[いく]|かっ|がっ")


def adjective_stem(token: str, text: str, cursor: int) -> int | None:
    """Where an adjective (base form in い) stands inflected (多すぎる, 狭かった,
    少なく), from ``cursor``: its stem followed by kana other than い. A stem of one
    kana (よい) is too short to find."""
    stem = token[:-1]
    if not token.endswith("い") or not _long_enough(stem):
        return None
    start = text.find(stem, cursor)
    after = start + len(stem)
    if start < 0 or after >= len(text) or not "ぁ" <= text[after] <= "ゖ" or text[after] == "い":
        return None
    return start


def verb_stem(token: str, text: str, cursor: int) -> int | None:
    """Where a verb of change or state stands inflected as the same statement (増えて
    いる, 増えた, 増えてほしい, 減ります, 進んで), from ``cursor``; None for any other
    form (増えない, 減らせる) or a verb that names nothing."""
    stem, last = token[:-1], token[-1:]
    if last not in _GODAN or token in EMPTY_VERBS or not _long_enough(stem):
        return None
    start = text.find(stem, cursor)
    if start < 0 or not _folds(text[start + len(stem) :], last):
        return None
    return start


def _long_enough(stem: str) -> bool:
    return len(stem) > 1 or (len(stem) == 1 and _KANJI.match(stem) is not None)


def _folds(rest: str, last: str) -> bool:
    """Whether ``rest``, what follows a verb's stem, inflects it without changing
    what it says."""
    continuative, euphonic = _GODAN[last]
    stems = [(continuative, euphonic)]
    if last == "る":  # ichidan: 増え + ます, 増え + て
        stems.append(("", ""))
    for cont, euph in stems:
        if rest.startswith(cont) and _AFTER_CONTINUATIVE.match(rest[len(cont) :]):
            return True
        if rest.startswith(euph):
            tail = rest[len(euph) :]
            if tail[:1] in ("て", "で") and _AFTER_TE.match(tail[1:]):
                return True
            if tail[:1] in ("た", "だ") and not _WISH.match(tail[1:]):
                return True
    return False


def subject_end(morphemes: Sequence[Morpheme]) -> int | None:
    """The index of the one が of a clause, right before its predicate, with a subject
    before it; None for anything else."""
    subjects = [
        i for i, m in enumerate(morphemes) if m.surface == SUBJECT_PARTICLE and m.pos[0] == "助詞"
    ]
    if len(subjects) != 1 or subjects[0] != len(morphemes) - 2 or subjects[0] == 0:
        return None
    return subjects[0]


def is_predicate(morpheme: Morpheme) -> bool:
    """An adjective in its base form (少ない), an adjectival noun (便利) or a verb of
    change or state in its base form (増える, 進む; not する, ある, 来る)."""
    major, minor = morpheme.pos[0], morpheme.pos[1]
    if major == "名詞":
        return minor == "形容動詞語幹"
    if major not in ("形容詞", "動詞") or minor != "自立":
        return False
    if morpheme.surface != morpheme.base_form:
        return False
    return major == "形容詞" or morpheme.base_form not in EMPTY_VERBS
