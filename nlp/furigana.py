"""ふりがな: the reading of every word written in kanji, as ruby segments.

text -> Janome (with the packaged user dictionary, whose third column is the reading)
-> per word: katakana reading -> hiragana, aligned with the surface so that the
okurigana stay outside the ruby (行います: 行 over おこな; 手続き: 手続 over てつづ).

The segments joined give back the text exactly; only the kanji parts carry a reading.
Numbers, Latin letters and words in kana only get none, nor does a word Janome cannot
read ('*'). Results are cached per text: pages render the same texts again and again.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from nlp.tokenize import DEFAULT_USERDIC, janome_tokens, shared_tokenizer


class Segment(NamedTuple):
    surface: str
    reading: str | None  # hiragana over the surface; None: shown as it is


_KATAKANA = re.compile("[\u30a1-\u30f6]")
# kana that can be spelled in a reading: hiragana, the long-vowel mark, and katakana
_KANA_READING = re.compile("[\u3041-\u3096\u30fc\u30a1-\u30f6]+")
# hiragana and katakana that stand for themselves in a surface; ヶ (霞ヶ関: が, 一ヶ月: か)
# and the iteration marks are read like the kanji beside them
_PLAIN_KANA = re.compile("[\u3041-\u3096\u309d\u309e\u30a1-\u30f5\u30fc\u30fd\u30fe]+")
_DIGITS = re.compile("[0-9０-９]+")

# counters read after a number (Janome reads 3月 as 3 + ツキ: half-width digits are unknown words)
_COUNTERS = {
    "月": "がつ",
    "日": "にち",
    "年": "ねん",
    "時": "じ",
    "人": "にん",
    "歳": "さい",
    "才": "さい",
    "円": "えん",
    "回": "かい",
    "件": "けん",
    "名": "めい",
    "階": "かい",
    "週": "しゅう",
    "代": "だい",
    "割": "わり",
    "枚": "まい",
    "部": "ぶ",
    "台": "だい",
    "号": "ごう",
    "番": "ばん",
    "丁目": "ちょうめ",
    "か所": "かしょ",
    "箇所": "かしょ",
    "か月": "かげつ",
    "ヶ月": "かげつ",
    "カ月": "かげつ",
}
# whole readings of a number and its counter where they are not number + counter
_SPECIAL_COUNTS = {
    ("1", "日"): "ついたち",
    ("2", "日"): "ふつか",
    ("3", "日"): "みっか",
    ("4", "日"): "よっか",
    ("5", "日"): "いつか",
    ("6", "日"): "むいか",
    ("7", "日"): "なのか",
    ("8", "日"): "ようか",
    ("9", "日"): "ここのか",
    ("10", "日"): "とおか",
    ("14", "日"): "じゅうよっか",
    ("20", "日"): "はつか",
    ("24", "日"): "にじゅうよっか",
    ("1", "人"): "ひとり",
    ("2", "人"): "ふたり",
    ("4", "月"): "しがつ",
    ("7", "月"): "しちがつ",
    ("9", "月"): "くがつ",
    ("4", "時"): "よじ",
    ("7", "時"): "しちじ",
    ("9", "時"): "くじ",
    ("4", "人"): "よにん",
    ("4", "年"): "よねん",
}


def hiragana(text: str) -> str:
    """Katakana to hiragana; everything else (ー, kanji, Latin) as it is."""
    return _KATAKANA.sub(lambda m: chr(ord(m.group()) - 0x60), text)


def has_kanji(text: str) -> bool:
    return any(_is_kanji_like(char) for char in text)


def _is_kanji_like(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or "\uf900" <= char <= "\ufaff"
        or char in "々〆ヶヵ"
    )


def ruby_segments(text: str, userdic: str | Path | None = DEFAULT_USERDIC) -> list[Segment]:
    """The text cut into segments; a segment of kanji has its reading in hiragana.

    ``"".join(s.surface for s in segments) == text`` always holds.
    """
    return list(cached_segments(text, None if userdic is None else str(userdic)))


@lru_cache(maxsize=8192)
def cached_segments(text: str, userdic: str | None) -> tuple[Segment, ...]:
    if not has_kanji(text):
        return (Segment(text, None),) if text else ()
    segments: list[Segment] = []
    number = ""  # the digits just before (Janome gives full-width ones one by one)
    position = 0
    for token in janome_tokens(shared_tokenizer(userdic), text):
        surface = token.surface
        # Janome drops the text's leading spaces: whatever it skipped stays, as plain text
        found = text.find(surface, position)
        if found < 0:
            break
        if found > position:
            segments.append(Segment(text[position:found], None))
            number = ""
        position = found + len(surface)
        if number and surface in _COUNTERS:
            _counted(segments, number, surface)
        elif has_kanji(surface):
            segments.extend(align(surface, _reading_of(token.reading)))
        else:
            segments.append(Segment(surface, None))
        number = number + surface if _DIGITS.fullmatch(surface) else ""
    if position < len(text):
        segments.append(Segment(text[position:], None))
    merged = _merged(segments)
    if "".join(s.surface for s in merged) != text:  # never expected; the text is what counts
        return (Segment(text, None),)
    return tuple(merged)


def _reading_of(reading: object) -> str | None:
    if not isinstance(reading, str) or not _KANA_READING.fullmatch(reading):
        return None  # '*' (unknown word), or a reading with letters or symbols in it
    return hiragana(reading)


def _counted(segments: list[Segment], number: str, counter: str) -> None:
    """A counter after a number: 3月 (がつ), 5日 (いつか, over the number too)."""
    ascii_number = number.translate(_FULL_WIDTH_DIGITS).lstrip("0") or "0"
    whole = _SPECIAL_COUNTS.get((ascii_number, counter))
    if whole is not None:
        taken = ""
        while taken != number:  # the number's own segments, each plain
            taken = segments.pop().surface + taken
        segments.append(Segment(number + counter, whole))
    else:
        segments.extend(align(counter, _COUNTERS[counter]))


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def align(surface: str, reading: str | None) -> list[Segment]:
    """One word's reading put over its kanji only; okurigana and other kana stay plain.

    The kana of the surface are found in the reading in order (書かない窓口 over
    かかないまどぐち: 書 か, 窓口 まどぐち); when they cannot be found the reading goes over
    what is left once the kana both share at the start and the end are taken off.
    """
    if reading is None or not has_kanji(surface):
        return [Segment(surface, None)]
    parts = _parts(surface)
    pattern = "".join(re.escape(hiragana(text)) if is_kana else "(.+?)" for text, is_kana in parts)
    match = re.fullmatch(pattern, reading)
    if match is not None:
        groups = iter(match.groups())
        return [
            Segment(text, None) if is_kana else Segment(text, next(groups))
            for text, is_kana in parts
        ]
    return _strip_shared_kana(surface, reading)


def _parts(surface: str) -> list[tuple[str, bool]]:
    """The surface in runs: (text, True) for plain kana, (text, False) for the rest."""
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in _PLAIN_KANA.finditer(surface):
        if match.start() > position:
            parts.append((surface[position : match.start()], False))
        parts.append((match.group(), True))
        position = match.end()
    if position < len(surface):
        parts.append((surface[position:], False))
    return parts


def _strip_shared_kana(surface: str, reading: str) -> list[Segment]:
    start = 0
    limit = min(len(surface), len(reading))
    while start < limit and hiragana(surface[start]) == reading[start]:
        start += 1
    end = 0
    while (
        end < limit - start
        and hiragana(surface[len(surface) - 1 - end]) == reading[len(reading) - 1 - end]
    ):
        end += 1
    core = surface[start : len(surface) - end]
    core_reading = reading[start : len(reading) - end]
    if not core or not core_reading or not has_kanji(core):
        return [Segment(surface, None)]
    segments = [Segment(surface[:start], None)] if start else []
    segments.append(Segment(core, core_reading))
    if end:
        segments.append(Segment(surface[len(surface) - end :], None))
    return segments


def _merged(segments: list[Segment]) -> list[Segment]:
    """Neighbouring plain segments joined into one; empty ones dropped."""
    merged: list[Segment] = []
    for segment in segments:
        if not segment.surface:
            continue
        if segment.reading is None and merged and merged[-1].reading is None:
            merged[-1] = Segment(merged[-1].surface + segment.surface, None)
        else:
            merged.append(segment)
    return merged


def reading(text: str, userdic: str | Path | None = DEFAULT_USERDIC) -> str:
    """The whole text in hiragana as ruby would read it (kana as written, in hiragana)."""
    return "".join(
        s.reading if s.reading is not None else hiragana(s.surface)
        for s in ruby_segments(text, userdic)
    )
