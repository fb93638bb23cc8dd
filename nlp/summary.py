"""A draft of a theme's 意見の概要: two or three sentences quoted from its comments.

Sentences come from the comments closest to the theme's centre and are
scored by that closeness and by the theme's keywords they hold (less for a
fragment, a heading or a page reference); each next one is chosen by maximal
marginal relevance (its score minus its character-bigram overlap with those
already chosen), from a comment not yet quoted. They are quoted as written,
with personal data masked; a sentence too long to read at a glance is cut at
a comma and marked with …; very short ones come last.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from nlp.masking import mask_personal_data

MIN_CHARS = 12
MAX_CHARS = 120
N_COMMENTS = 20  # the most central comments a summary quotes from
SIMILARITY_WEIGHT = 0.5  # of the bigram overlap against the relevance, for variety
NEAR_DUPLICATE = 0.5  # bigram Jaccard above which a sentence repeats another
ELLIPSIS = "…"
# A sentence ends at 。！？ (with any closing brackets after it) or a line break.
_SENTENCE = re.compile(r"[^。！？!?\r\n]+[。！？!?]*[」』）)]*")
# Words that quote what came before (「…！」と思った, 「…」って): not a sentence start.
_QUOTING = ("と", "って")
_ENDS = ("。", "！", "？", "!", "?")
_PAGE_REFERENCE = re.compile(r"\d+ ?(?:ページ|頁|行目?)|(?<![A-Za-z])[Pp]\.? ?\d|【[^】]*】")
_QUOTE_ENDS = ("」", "』", "！", "？", "!", "?")
_WORDY = re.compile(r"[\u3041-\u309f\u30a1-\u30ff\u3400-\u4dbf\u4e00-\u9fff々]")


@dataclass(frozen=True)
class _Sentence:
    text: str  # as written (cut with … when too long)
    comment_rank: int  # 0 = the comment closest to the centre
    relevance: float
    bigrams: frozenset[str]


def split_sentences(text: str) -> list[str]:
    """Sentences of a comment, each with its closing 。！？ and brackets, split at line
    breaks too; a quotation goes on with the words that quote it (「…。」とあるが、)."""
    sentences: list[str] = []
    for line in text.splitlines():
        for piece in _SENTENCE.findall(line):
            piece = piece.strip()
            if not piece:
                continue
            if sentences and piece.startswith(_QUOTING) and sentences[-1].endswith(_QUOTE_ENDS):
                sentences[-1] += piece
            else:
                sentences.append(piece)
        if sentences:
            sentences[-1] += "\n"  # a line break always ends a sentence
    return [sentence.rstrip("\n") for sentence in sentences]


def summarize(
    texts: Sequence[str],
    central_rows: Sequence[int],
    keywords: Sequence[tuple[str, float]],
    n_sentences: int = 3,
) -> tuple[str, ...]:
    """Up to ``n_sentences`` sentences from the comments ``central_rows`` (most
    central first), masked, one per comment, not repeating each other."""
    candidates = _candidates(texts, central_rows[:N_COMMENTS], keywords)
    chosen: list[_Sentence] = []
    while len(chosen) < n_sentences:
        best = _next_sentence(candidates, chosen)
        if best is None:
            break
        chosen.append(best)
    return tuple(mask_personal_data(sentence.text).text for sentence in chosen)


def _candidates(
    texts: Sequence[str], rows: Sequence[int], keywords: Sequence[tuple[str, float]]
) -> list[_Sentence]:
    sentences = []
    for rank, row in enumerate(rows):
        for sentence in split_sentences(texts[row]):
            quoted = sentence if len(sentence) <= MAX_CHARS else _shorten(sentence)
            folded = unicodedata.normalize("NFKC", quoted)
            weight = sum(w for term, w in keywords if term in folded) * _readability(
                sentence, folded, quoted is not sentence
            )
            if len(_WORDY.findall(sentence)) < MIN_CHARS:  # a heading, a page reference
                weight -= 1.0
            sentences.append((quoted, rank, weight, _bigrams(folded)))
    best_weight = max((weight for _, _, weight, _ in sentences), default=0.0)
    best_weight = best_weight if best_weight > 0 else 1.0
    return [
        _Sentence(
            quoted,
            rank,
            # as much for being about the theme's words as for being in a central comment
            0.5 * weight / best_weight + 0.5 * (1 - rank / max(len(rows), 1)),
            bigrams,
        )
        for quoted, rank, weight, bigrams in sentences
    ]


def _readability(sentence: str, folded: str, is_cut: bool) -> float:
    """Less for what reads badly as a quote: a cut sentence, a heading or fragment
    without a sentence end, a pointer into the plan's pages (P.12, 36 行目)."""
    factor = 1.0
    if is_cut:
        factor *= 0.8
    if not sentence.rstrip("」』）)").endswith(_ENDS):
        factor *= 0.8
    if _PAGE_REFERENCE.search(folded):
        factor *= 0.7
    return factor


def _shorten(sentence: str) -> str:
    cut = sentence.rfind("、", MIN_CHARS, MAX_CHARS)
    return sentence[: cut if cut > 0 else MAX_CHARS] + ELLIPSIS


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _next_sentence(
    candidates: Sequence[_Sentence], chosen: Sequence[_Sentence]
) -> _Sentence | None:
    quoted = {sentence.comment_rank for sentence in chosen}
    best: _Sentence | None = None
    best_score = float("-inf")
    for sentence in candidates:
        if sentence.comment_rank in quoted:
            continue
        overlap = max((_similarity(sentence.bigrams, c.bigrams) for c in chosen), default=0.0)
        if overlap > NEAR_DUPLICATE:
            continue
        score = sentence.relevance - SIMILARITY_WEIGHT * overlap
        if score > best_score:  # ties: the earlier, more central sentence
            best, best_score = sentence, score
    return best
