"""Readable theme labels, keywords and representative comments.

Terms are scored by how much more often they appear in a theme than in all
comments (frequency x log-lift), so a label is built from the theme's own,
distinctive words. Adjacent tokens that stand together in the text are also
offered as compounds (行政 + サービス -> 行政サービス): joining compounds hurt
clustering, but they read better in labels.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

LABEL_SEPARATOR = "・"
OTHER_LABEL = "その他"


def label_terms(tokens: Sequence[str], normalized_text: str) -> tuple[str, ...]:
    """The tokens plus the compounds of adjacent tokens that appear verbatim in the text."""
    compounds = [
        first + second
        for first, second in itertools.pairwise(tokens)
        if first != second and not _ends_in_kana(first) and first + second in normalized_text
    ]
    return (*tokens, *compounds)


def _ends_in_kana(term: str) -> bool:
    # Verb and adjective base forms end in hiragana (教える, 新しい); compounds are nouns.
    return "\u3041" <= term[-1] <= "\u309f"


def _identity(terms: Sequence[str]) -> Sequence[str]:
    return terms


class TermScorer:
    """Distinctive terms of groups of documents (fit once, ask per group)."""

    def fit(self, docs: Sequence[Sequence[str]]) -> TermScorer:
        vectorizer = CountVectorizer(analyzer=_identity, binary=True)
        try:
            self.presence_: sp.csr_matrix = sp.csr_matrix(vectorizer.fit_transform(docs))
            self.terms_: np.ndarray = vectorizer.get_feature_names_out()
        except ValueError:  # no terms at all
            self.presence_ = sp.csr_matrix((len(docs), 0))
            self.terms_ = np.array([], dtype=object)
        self.overall_ = np.asarray(self.presence_.mean(axis=0)).ravel()
        return self

    def keywords(
        self, rows: Sequence[int], n_terms: int = 10, min_count: int | None = None
    ) -> tuple[tuple[str, float], ...]:
        """Top terms of the given documents with weights scaled so the best is 1.

        A term must occur in ``min_count`` of them (default: 2, or 1 for fewer than 4).
        """
        if not len(rows) or not len(self.terms_):
            return ()
        counts = np.asarray(self.presence_[list(rows)].sum(axis=0)).ravel()
        share = counts / len(rows)
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = np.where(counts > 0, share * np.log(share / self.overall_), 0.0)
        if min_count is None:
            min_count = 2 if len(rows) >= 4 else 1
        scores[counts < min_count] = 0.0
        # Stable order: score, then the term itself, so equal inputs give equal labels.
        order = sorted(np.flatnonzero(scores > 0), key=lambda i: (-scores[i], self.terms_[i]))
        if not order:
            return ()
        best = scores[order[0]]
        return tuple(
            (str(self.terms_[i]), round(float(scores[i] / best), 4)) for i in order[:n_terms]
        )


def make_label(keywords: Sequence[tuple[str, float]], n_terms: int = 3) -> str:
    """Join the best terms, nouns first; a compound replaces its part when nearly as strong.

        Nouns (スマホ教室, 高齢者) name a theme; verbs and adjectives (使う, 大きい)
        only fill in when a theme has too few distinctive nouns. 児童手当 replaces
        児童 (and マイナンバー both マイ and ナンバー) when it weighs at least half as
    much; other overlapping terms are skipped.
    """
    ranked = sorted(keywords, key=lambda keyword: _ends_in_kana(keyword[0]))  # stable: nouns first
    chosen: list[tuple[str, float]] = []
    for term, weight in ranked:
        overlaps = [i for i, (taken, _) in enumerate(chosen) if term in taken or taken in term]
        if not overlaps:
            if len(chosen) < n_terms:
                chosen.append((term, weight))
            continue
        parts = [chosen[i] for i in overlaps]
        if all(part in term for part, _ in parts) and weight >= max(w for _, w in parts) / 2:
            chosen = [c for i, c in enumerate(chosen) if i not in overlaps[1:]]
            chosen[overlaps[0]] = (term, weight)
    return LABEL_SEPARATOR.join(term for term, _ in chosen) or OTHER_LABEL


def representatives(
    vectors: np.ndarray, rows: Sequence[int], center: np.ndarray, n: int
) -> tuple[int, ...]:
    """Rows closest to the theme centre (cosine): the most typical comments."""
    if not len(rows):
        return ()
    similarity = vectors[list(rows)] @ center
    order = sorted(range(len(rows)), key=lambda i: (-similarity[i], rows[i]))
    return tuple(rows[i] for i in order[:n])
