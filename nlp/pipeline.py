"""``analyze()``: comments in, themes out.

tokenize (cached, parallel) -> TF-IDF -> LSA -> seed themes -> NMF topics
(k chosen when not given) -> small themes to その他 -> labels and
representative comments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from nlp.cache import Progress, TokenCache, tokenize_normalized
from nlp.cluster import ThemeClusterer
from nlp.features import LsaFeatures, TfidfFeatures
from nlp.label import OTHER_LABEL, TermScorer, label_terms, make_label, representatives
from nlp.seeds import UNASSIGNED, SeedAssigner, seed_text
from nlp.themes import CommentId, KScore, SeedTheme, Theme, ThemeResult
from nlp.tokenize import Analyzer

OTHER_THEME_ID = 0


@dataclass(frozen=True)
class _Group:
    rows: tuple[int, ...]
    center: np.ndarray
    seed_name: str | None = None


def analyze(
    texts: Sequence[str],
    ids: Sequence[CommentId] | None = None,
    *,
    k: int | None = None,
    seed_themes: Sequence[SeedTheme] = (),
    seed: int = 0,
    token_cache: TokenCache | None = None,
    n_jobs: int | None = None,
    extra_stopwords: Iterable[str] = (),
    analyzer: Analyzer | None = None,
    min_theme_size: int = 3,
    n_components: int = 50,
    on_progress: Progress | None = None,
) -> ThemeResult:
    """Group free-text comments into themes a planner can read.

    ``ids`` default to 0, 1, ...; ``k`` is the number of themes to discover
    (``None``: chosen automatically), not counting seed themes or その他.
    Themes smaller than ``min_theme_size`` go to その他. ``analyzer`` replaces
    the default ``Analyzer(extra_stopwords=extra_stopwords)``. The same input and
    ``seed`` give the same result. ``token_cache`` (e.g. tokens kept in a
    database) is read and filled, so re-analysis only tokenizes new texts.
    ``on_progress(done, total)`` is called as texts are tokenized.
    """
    ids = list(range(len(texts))) if ids is None else list(ids)
    if len(ids) != len(texts):
        raise ValueError("texts and ids differ in length")
    if len(set(ids)) != len(ids):
        raise ValueError("ids must be unique")
    if analyzer is None:
        analyzer = Analyzer(extra_stopwords=extra_stopwords)
    elif extra_stopwords:
        raise ValueError("give extra_stopwords to the Analyzer, not to analyze()")
    if not texts:
        return ThemeResult(themes=(), assignments={}, theme_ids=(), n_themes=0)
    normalized = [analyzer.normalize(text) for text in texts]
    tokens = tokenize_normalized(
        normalized, analyzer, n_jobs=n_jobs, cache=token_cache, on_progress=on_progress
    )
    # One BLAS/OpenMP thread: the matrices are small, and on a shared 2-core
    # server spinning worker threads made this step up to 6x slower and erratic.
    with threadpool_limits(limits=1):
        return _themes_from_tokens(
            normalized, ids, tokens, analyzer,
            k=k, seed_themes=seed_themes, seed=seed,
            min_theme_size=min_theme_size, n_components=n_components,
        )  # fmt: skip


def _themes_from_tokens(
    normalized: Sequence[str],
    ids: list[CommentId],
    tokens: list[tuple[str, ...]],
    analyzer: Analyzer,
    *,
    k: int | None,
    seed_themes: Sequence[SeedTheme],
    seed: int,
    min_theme_size: int,
    n_components: int,
) -> ThemeResult:
    n_texts = len(normalized)
    has_words = np.array([bool(t) for t in tokens], dtype=bool)
    groups: list[_Group] = []
    n_themes = 0
    k_scores: tuple[KScore, ...] = ()
    if has_words.any():
        word_rows = np.flatnonzero(has_words)
        tfidf = TfidfFeatures()
        matrix = tfidf.fit_transform([tokens[i] for i in word_rows])
        lsa = LsaFeatures(n_components=n_components, seed=seed)
        reduced = lsa.fit_transform(matrix)
        vectors = np.zeros((n_texts, reduced.shape[1]))
        vectors[word_rows] = reduced
        remaining = word_rows
        if seed_themes:
            seed_docs = [analyzer.analyze(seed_text(s)) for s in seed_themes]
            seed_vectors = lsa.transform(tfidf.transform(seed_docs))
            assigner = SeedAssigner().fit(vectors[word_rows], seed_vectors)
            for index, seed_theme in enumerate(seed_themes):
                rows = tuple(int(r) for r in word_rows[assigner.labels_ == index])
                groups.append(_Group(rows, assigner.centers_[index], seed_theme.name))
            remaining = word_rows[assigner.labels_ == UNASSIGNED]
        if len(remaining):
            rest = np.searchsorted(word_rows, remaining)
            clusterer = ThemeClusterer(k, seed=seed).fit(vectors[remaining], matrix[rest])
            n_themes = clusterer.n_themes_
            k_scores = clusterer.k_scores_
            for cluster in range(clusterer.n_themes_):
                rows = tuple(int(r) for r in remaining[clusterer.labels_ == cluster])
                groups.append(_Group(rows, clusterer.centers_[cluster]))
    else:
        vectors = np.zeros((n_texts, 1))
    return _build_result(
        normalized, ids, tokens, vectors, groups, n_themes, k_scores, min_theme_size
    )


def _build_result(
    normalized: Sequence[str],
    ids: list[CommentId],
    tokens: list[tuple[str, ...]],
    vectors: np.ndarray,
    groups: list[_Group],
    n_themes: int,
    k_scores: tuple[KScore, ...],
    min_theme_size: int,
) -> ThemeResult:
    n_texts = len(normalized)
    terms = [label_terms(t, text) for t, text in zip(tokens, normalized, strict=True)]
    scorer = TermScorer().fit(terms)
    seeded = [g for g in groups if g.seed_name is not None and g.rows]
    discovered = sorted(
        (g for g in groups if g.seed_name is None and len(g.rows) >= min_theme_size),
        key=lambda g: (-len(g.rows), g.rows[0]),
    )
    themes: list[Theme] = []
    theme_ids = [OTHER_THEME_ID] * n_texts
    for theme_id, group in enumerate([*seeded, *discovered], start=1):
        keywords = scorer.keywords(group.rows)
        n_representatives = 5 if len(group.rows) >= 10 else 3
        rep_rows = representatives(vectors, group.rows, group.center, n_representatives)
        themes.append(
            Theme(
                id=theme_id,
                label=group.seed_name or make_label(keywords),
                keywords=keywords,
                comment_ids=tuple(ids[r] for r in group.rows),
                representative_ids=tuple(ids[r] for r in rep_rows),
                size=len(group.rows),
                share=len(group.rows) / n_texts,
                seed_name=group.seed_name,
            )
        )
        for row in group.rows:
            theme_ids[row] = theme_id
    other_rows = tuple(row for row in range(n_texts) if theme_ids[row] == OTHER_THEME_ID)
    if other_rows:
        themes.append(
            Theme(
                id=OTHER_THEME_ID,
                label=OTHER_LABEL,
                keywords=scorer.keywords(other_rows),
                comment_ids=tuple(ids[r] for r in other_rows),
                representative_ids=tuple(ids[r] for r in other_rows[:3]),
                size=len(other_rows),
                share=len(other_rows) / n_texts,
                is_other=True,
            )
        )
    return ThemeResult(
        themes=tuple(themes),
        assignments=dict(zip(ids, theme_ids, strict=True)),
        theme_ids=tuple(theme_ids),
        n_themes=n_themes,
        k_scores=k_scores,
    )
