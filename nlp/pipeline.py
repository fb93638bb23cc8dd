"""``analyze()``: comments in, themes out; ``extend()``: new comments into earlier themes.

tokenize (cached, parallel) -> canonical order -> TF-IDF -> LSA -> seed themes
-> consensus k-means (k chosen when not given) -> small themes to その他 ->
large themes over the sub-themes -> labels and representative comments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass

import numpy as np
from sklearn.preprocessing import normalize as l2_normalize
from threadpoolctl import threadpool_limits

from nlp.cache import Progress, TokenCache, tokenize_normalized
from nlp.cluster import ThemeClusterer
from nlp.features import (
    CommentFeatures,
    FittedFeatures,
    LsaFeatures,
    features_version,
    text_key,
)
from nlp.hierarchy import group_children
from nlp.label import OTHER_LABEL, TermScorer, label_terms, make_label, representatives
from nlp.parallel import Beside
from nlp.phrases import PhraseNamer, all_phrase_candidates
from nlp.seeds import UNASSIGNED, SeedAssigner, seed_text
from nlp.summary import N_COMMENTS as SUMMARY_COMMENTS
from nlp.summary import summarize
from nlp.themes import (
    OTHER_THEME_ID,
    PARENT_ID_START,
    CommentId,
    KScore,
    SeedTheme,
    Theme,
    ThemeResult,
)
from nlp.tokenize import Analyzer, shared_tokenizer

__all__ = ["OTHER_THEME_ID", "analyze", "extend"]

# extend(): a new comment less similar than this (cosine, LSA) to every theme goes to その他
MIN_SIMILARITY = 0.1
# Below this many comments finding phrase candidates takes less time than starting a process.
MIN_TEXTS_BESIDE = 500


@dataclass(frozen=True)
class _Corpus:
    """The comments in canonical order (normalised text, then id) with their features.

    Everything random or order-dependent runs on this order, so the same
    comments in any input order give the same themes.
    """

    normalized: list[str]
    ids: list[CommentId]
    tokens: list[tuple[str, ...]]
    position: np.ndarray  # input position of each canonical row
    vectors: np.ndarray  # L2-normalised LSA rows; zero rows for comments without words
    has_words: np.ndarray
    fitted: FittedFeatures | None  # None when no comment has words


@dataclass(frozen=True)
class _Group:
    rows: tuple[int, ...]  # canonical rows
    center: np.ndarray
    seed_name: str | None = None


@dataclass(frozen=True)
class _FindNames:
    """Name the themes by phrases of their comments (each comment's candidates, in canonical
    order)."""

    phrase_docs: Sequence[Sequence[str]]


@dataclass(frozen=True)
class _KeepNames:
    """Keep the names an earlier analysis gave (theme or large theme id -> phrase)."""

    names: Mapping[int, str]


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
    min_theme_size: int = 2,
    n_components: int = 50,
    on_progress: Progress | None = None,
) -> ThemeResult:
    """Group free-text comments into themes, and the themes into large themes.

    ``ids`` default to 0, 1, ...; ``k`` is the number of themes to discover
    (``None``: chosen automatically), not counting seed themes or その他.
    Themes smaller than ``min_theme_size`` go to その他. ``analyzer`` replaces
    the default ``Analyzer(extra_stopwords=extra_stopwords)``. The same
    comments and ``seed`` give the same result, in any order. ``token_cache``
    (e.g. tokens kept in a database) is read and filled, so re-analysis only
    tokenizes new texts. ``on_progress(done, total)`` is called as texts are
    tokenized.
    """
    ids, analyzer = _checked(texts, ids, analyzer, extra_stopwords)
    if not texts:
        return ThemeResult(themes=(), assignments={}, theme_ids=(), n_themes=0)
    normalized = [analyzer.normalize(text) for text in texts]
    tokens = tokenize_normalized(
        normalized, analyzer, n_jobs=n_jobs, cache=token_cache, on_progress=on_progress
    )
    order = _canonical_order(normalized, ids)
    # One BLAS/OpenMP thread: the matrices are small, and on a shared 2-core
    # server spinning worker threads made this step up to 6x slower and erratic.
    with (
        threadpool_limits(limits=1),
        _phrase_candidates_beside(normalized, tokens, order, analyzer, n_jobs) as phrases,
    ):
        corpus = _corpus(
            normalized, ids, tokens, order, None,
            analyzer=analyzer, n_components=n_components, seed=seed,
        )  # fmt: skip
        groups, n_themes, k_scores = _discover(
            corpus, analyzer, k=k, seed_themes=seed_themes, seed=seed, n_jobs=n_jobs
        )
        seeded = [g for g in groups if g.seed_name is not None and g.rows]
        discovered = sorted(
            (g for g in groups if g.seed_name is None and len(g.rows) >= min_theme_size),
            key=lambda g: (-len(g.rows), g.rows[0]),
        )
        numbered = dict(enumerate([*seeded, *discovered], start=1))
        return _build_result(
            corpus, texts, analyzer, _FindNames(phrases.result()), numbered,
            _parents_of(numbered), n_themes, k_scores, n_jobs,
        )  # fmt: skip


def extend(
    texts: Sequence[str],
    ids: Sequence[CommentId],
    previous: Mapping[CommentId, int],
    *,
    parents: Mapping[int, int] | None = None,
    seed: int = 0,
    token_cache: TokenCache | None = None,
    n_jobs: int | None = None,
    analyzer: Analyzer | None = None,
    extra_stopwords: Iterable[str] = (),
    min_similarity: float = MIN_SIMILARITY,
    n_components: int = 50,
    on_progress: Progress | None = None,
    features: FittedFeatures | None = None,
    names: Mapping[int, str] | None = None,
) -> ThemeResult:
    """Add new comments to the themes of an earlier analysis, which stay as they were.

    ``texts``/``ids`` are all comments, earlier and new; ``previous`` maps the
    ids of the earlier ones to their theme id (0: その他). Earlier comments keep
    their theme and every theme its id; a new comment goes to the theme whose
    centre (the mean of its earlier comments' vectors) is nearest, or to その他
    when its cosine to every centre is below ``min_similarity``. ``features``
    (the earlier result's ``features``) are used as they were fitted: only the
    comments without a stored vector are transformed. Without them, or fitted
    with another analyzer, the features are fitted on all texts, and the result
    carries them for the next time. ``parents`` (theme id -> large theme id)
    keeps the large themes too; without it they are grouped afresh. Keywords,
    summaries and representative comments are computed again for the grown themes.
    ``names`` (theme or large theme id -> its phrase name) keeps the earlier names, so
    1 % more comments do not rename a theme and no phrase is looked for (most of the
    time of an extend); the others are labelled by their keywords. Without ``names``
    the grown themes are named afresh.
    """
    ids, analyzer = _checked(texts, ids, analyzer, extra_stopwords)
    if not texts:
        return ThemeResult(themes=(), assignments={}, theme_ids=(), n_themes=0)
    normalized = [analyzer.normalize(text) for text in texts]
    tokens = tokenize_normalized(
        normalized, analyzer, n_jobs=n_jobs, cache=token_cache, on_progress=on_progress
    )
    order = _canonical_order(normalized, ids)
    with threadpool_limits(limits=1), ExitStack() as stack:
        phrases = None
        if names is None:
            beside = _phrase_candidates_beside(normalized, tokens, order, analyzer, n_jobs)
            phrases = stack.enter_context(beside)
        if features is not None and features.version != features_version(analyzer.version):
            features = None  # fitted on other tokens
        corpus = _corpus(
            normalized, ids, tokens, order, features,
            analyzer=analyzer, n_components=n_components, seed=seed,
        )  # fmt: skip
        theme_of = _extended_themes(corpus, previous, min_similarity)
        numbered: dict[int, _Group] = {}
        for theme_id in sorted(set(theme_of.tolist()) - {OTHER_THEME_ID}):
            rows = tuple(int(r) for r in np.flatnonzero(theme_of == theme_id))
            numbered[theme_id] = _Group(rows, _unit_mean(corpus.vectors, rows))
        if parents is None:
            parent_of = _parents_of(numbered)
        else:
            parent_of = {t: parents[t] for t in numbered if t in parents}
        naming = _FindNames(phrases.result()) if phrases is not None else _KeepNames(names or {})
        return _build_result(
            corpus, texts, analyzer, naming, numbered, parent_of, len(numbered), (), n_jobs
        )


def _checked(
    texts: Sequence[str],
    ids: Sequence[CommentId] | None,
    analyzer: Analyzer | None,
    extra_stopwords: Iterable[str],
) -> tuple[list[CommentId], Analyzer]:
    ids = list(range(len(texts))) if ids is None else list(ids)
    if len(ids) != len(texts):
        raise ValueError("texts and ids differ in length")
    if len(set(ids)) != len(ids):
        raise ValueError("ids must be unique")
    if analyzer is None:
        return ids, Analyzer(extra_stopwords=extra_stopwords)
    if extra_stopwords:
        raise ValueError("give extra_stopwords to the Analyzer, not to analyze()")
    return ids, analyzer


def _canonical_order(normalized: list[str], ids: list[CommentId]) -> list[int]:
    """Input positions in canonical order: by normalised text, then id."""
    # ids of mixed types (1 and "1") still sort: by type name first
    return sorted(
        range(len(normalized)),
        key=lambda i: (normalized[i], type(ids[i]).__name__, ids[i]),
    )


def _phrase_candidates_beside(
    normalized: list[str],
    tokens: list[tuple[str, ...]],
    order: list[int],
    analyzer: Analyzer,
    n_jobs: int | None,
) -> Beside[list[tuple[str, ...]]]:
    """Phrase candidates of every comment in canonical order, found in a second
    process while this one computes the features and themes (NLP_JOBS=1: here)."""
    return Beside(
        all_phrase_candidates,
        [tokens[i] for i in order],
        [normalized[i] for i in order],
        analyzer.stopwords,
        n_jobs=n_jobs if len(order) >= MIN_TEXTS_BESIDE else 1,
    )


def _corpus(
    normalized: list[str],
    ids: list[CommentId],
    tokens: list[tuple[str, ...]],
    order: list[int],
    fitted: FittedFeatures | None,
    *,
    analyzer: Analyzer,
    n_components: int,
    seed: int,
) -> _Corpus:
    """The comments in canonical order with their vectors: in ``fitted`` features, or in
    features fitted on them when it is None."""
    canonical_tokens = [tokens[i] for i in order]
    has_words = np.array([bool(t) for t in canonical_tokens], dtype=bool)
    vectors = np.zeros((len(order), 1))
    if has_words.any():
        word_rows = np.flatnonzero(has_words)
        docs = [canonical_tokens[i] for i in word_rows]
        texts = [normalized[order[i]] for i in word_rows]
        if fitted is None:
            reduced, fitted = _fit(docs, texts, analyzer.version, n_components, seed)
        else:
            reduced, fitted = _transform(fitted, docs, texts)
        vectors = np.zeros((len(order), reduced.shape[1]))
        vectors[word_rows] = reduced
    else:
        fitted = None
    return _Corpus(
        normalized=[normalized[i] for i in order],
        ids=[ids[i] for i in order],
        tokens=canonical_tokens,
        position=np.array(order, dtype=int),
        vectors=vectors,
        has_words=has_words,
        fitted=fitted,
    )


def _fit(
    docs: list[tuple[str, ...]],
    texts: list[str],
    analyzer_version: str,
    n_components: int,
    seed: int,
) -> tuple[np.ndarray, FittedFeatures]:
    """TF-IDF and LSA fitted on the comments: their vectors, and the features to keep."""
    features = CommentFeatures()
    lsa = LsaFeatures(n_components=n_components, seed=seed)
    vectors = lsa.fit_transform(features.fit_transform(docs, texts))
    return vectors, FittedFeatures.of(features, lsa, analyzer_version, texts, vectors)


def _transform(
    fitted: FittedFeatures, docs: list[tuple[str, ...]], texts: list[str]
) -> tuple[np.ndarray, FittedFeatures]:
    """Earlier features: the stored vectors as they are, the other comments transformed;
    the features then hold the vectors of these comments."""
    vectors, found = fitted.stored_vectors(texts)
    new = np.flatnonzero(~found)
    if len(new):
        vectors[new] = fitted.transform([docs[i] for i in new], [texts[i] for i in new])
    return vectors, fitted.with_vectors(texts, vectors)


def _discover(
    corpus: _Corpus,
    analyzer: Analyzer,
    *,
    k: int | None,
    seed_themes: Sequence[SeedTheme],
    seed: int,
    n_jobs: int | None,
) -> tuple[list[_Group], int, tuple[KScore, ...]]:
    """Seed themes, then clusters of the remaining comments with words."""
    word_rows = np.flatnonzero(corpus.has_words)
    if not len(word_rows) or corpus.fitted is None:
        return [], 0, ()
    groups: list[_Group] = []
    remaining = word_rows
    if seed_themes:
        seed_texts = [analyzer.normalize(seed_text(s)) for s in seed_themes]
        seed_docs = [analyzer.analyze(text) for text in seed_texts]
        seed_vectors = corpus.fitted.transform(seed_docs, seed_texts)
        assigner = SeedAssigner().fit(corpus.vectors[word_rows], seed_vectors)
        for index, seed_theme in enumerate(seed_themes):
            rows = tuple(int(r) for r in word_rows[assigner.labels_ == index])
            groups.append(_Group(rows, assigner.centers_[index], seed_theme.name))
        remaining = word_rows[assigner.labels_ == UNASSIGNED]
    if not len(remaining):
        return groups, 0, ()
    clusterer = ThemeClusterer(k, seed=seed, n_jobs=n_jobs).fit(
        corpus.vectors[remaining], _anchor_priority(corpus, remaining)
    )
    for cluster in range(clusterer.n_themes_):
        rows = tuple(int(r) for r in remaining[clusterer.labels_ == cluster])
        groups.append(_Group(rows, clusterer.centers_[cluster]))
    return groups, clusterer.n_themes_, clusterer.k_scores_


def _anchor_priority(corpus: _Corpus, rows: np.ndarray) -> np.ndarray:
    """A hash of each comment's text: a rerun with a few comments more or fewer keeps its anchors."""
    return np.array([text_key(corpus.normalized[r]) for r in rows], dtype=np.uint64)


def _extended_themes(
    corpus: _Corpus, previous: Mapping[CommentId, int], min_similarity: float
) -> np.ndarray:
    """Theme id of each canonical row: earlier ones as before, new ones by the nearest centre."""
    theme_of = np.array(
        [previous.get(comment_id, OTHER_THEME_ID) for comment_id in corpus.ids], dtype=int
    )
    is_new = np.array([comment_id not in previous for comment_id in corpus.ids], dtype=bool)
    theme_ids = sorted(set(theme_of[~is_new].tolist()) - {OTHER_THEME_ID})
    new_rows = np.flatnonzero(is_new & corpus.has_words)
    if not theme_ids or not len(new_rows):
        return theme_of
    centers = np.array(
        [_unit_mean(corpus.vectors, np.flatnonzero(~is_new & (theme_of == t))) for t in theme_ids]
    )
    similarity = corpus.vectors[new_rows] @ centers.T
    best = similarity.argmax(axis=1)
    close = similarity[np.arange(len(new_rows)), best] >= min_similarity
    theme_of[new_rows] = np.where(close, np.array(theme_ids)[best], OTHER_THEME_ID)
    return theme_of


def _unit_mean(vectors: np.ndarray, rows: Sequence[int] | np.ndarray) -> np.ndarray:
    return np.asarray(l2_normalize(vectors[list(rows)].mean(axis=0, keepdims=True))[0])


def _parents_of(numbered: Mapping[int, _Group]) -> dict[int, int]:
    """Large theme id of each theme: its centre joined with others by Ward linkage."""
    theme_ids = [t for t, group in numbered.items() if np.any(group.center)]
    if not theme_ids:
        return {}
    centers = np.array([numbered[t].center for t in theme_ids])
    parent_index = group_children(centers)
    return {t: PARENT_ID_START + int(p) for t, p in zip(theme_ids, parent_index, strict=True)}


def _build_result(
    corpus: _Corpus,
    texts: Sequence[str],
    analyzer: Analyzer,
    naming: _FindNames | _KeepNames,
    numbered: Mapping[int, _Group],
    parent_of: Mapping[int, int],
    n_themes: int,
    k_scores: tuple[KScore, ...],
    n_jobs: int | None,
) -> ThemeResult:
    terms = [label_terms(t, text) for t, text in zip(corpus.tokens, corpus.normalized, strict=True)]
    scorer = TermScorer().fit(terms)
    parent_ids = sorted(set(parent_of.values()))
    parent_rows = [
        tuple(sorted(r for t, g in numbered.items() if parent_of.get(t) == p for r in g.rows))
        for p in parent_ids
    ]
    # every theme, then every large theme: (rows, centre, keywords, most central rows first)
    parts = [(group.rows, group.center) for group in numbered.values()] + [
        (rows, _unit_mean(corpus.vectors, rows)) for rows in parent_rows
    ]
    keywords = [scorer.keywords(rows) for rows, _ in parts]
    central = [representatives(corpus.vectors, rows, c, len(rows)) for rows, c in parts]
    quoted = [texts[p] for p in corpus.position]  # as written, in canonical order
    drafts = [
        ([quoted[r] for r in rows[:SUMMARY_COMMENTS]], words)
        for rows, words in zip(central, keywords, strict=True)
    ]
    # The summaries (masking runs Janome on each sentence) are drafted in a second
    # process while this one names the themes.
    n_summary_jobs = n_jobs if len(corpus.ids) >= MIN_TEXTS_BESIDE else 1
    shared_tokenizer(None)  # built before forking: both processes tokenize with it
    with Beside(_summaries, drafts, n_jobs=n_summary_jobs) as summaries:
        if isinstance(naming, _KeepNames):
            names = {t: naming.names.get(t) for t in numbered}
            parent_names = [naming.names.get(p) for p in parent_ids]
        else:
            namer = PhraseNamer(analyzer.stopwords).fit_candidates(naming.phrase_docs)
            discovered = [t for t, g in numbered.items() if g.seed_name is None]
            found = namer.names([numbered[t].rows for t in discovered])
            names = dict(zip(discovered, found, strict=True))
            parent_names = _parent_names(namer, names, parent_of, parent_ids, parent_rows)
        summary_of = summaries.result()
    themes: list[Theme] = []
    theme_of = np.full(len(corpus.ids), OTHER_THEME_ID)
    for index, (theme_id, group) in enumerate(numbered.items()):
        themes.append(
            _theme(
                corpus, theme_id, group.rows, keywords[index], central[index], summary_of[index],
                name=names.get(theme_id), seed_name=group.seed_name,
                parent_id=parent_of.get(theme_id),
            )
        )  # fmt: skip
        theme_of[list(group.rows)] = theme_id
    other_rows = tuple(int(r) for r in np.flatnonzero(theme_of == OTHER_THEME_ID))
    if other_rows:
        themes.append(_other_theme(corpus, scorer, other_rows))
    parents = [
        _theme(
            corpus, parent_id, rows, keywords[index], central[index], summary_of[index], name=name
        )
        for index, (parent_id, rows, name) in enumerate(
            zip(parent_ids, parent_rows, parent_names, strict=True), start=len(numbered)
        )
    ]
    input_order = np.argsort(corpus.position)
    return ThemeResult(
        themes=tuple(themes),
        assignments={corpus.ids[r]: int(theme_of[r]) for r in input_order},
        theme_ids=tuple(int(theme_of[r]) for r in input_order),
        n_themes=n_themes,
        k_scores=k_scores,
        parents=tuple(parents),
        features=corpus.fitted,
    )


def _summaries(
    drafts: Sequence[tuple[Sequence[str], Sequence[tuple[str, float]]]],
) -> list[tuple[str, ...]]:
    """The summary of each theme from its most central comments (most central first)."""
    return [summarize(texts, range(len(texts)), words) for texts, words in drafts]


def _parent_names(
    namer: PhraseNamer,
    names: Mapping[int, str | None],
    parent_of: Mapping[int, int],
    parent_ids: Sequence[int],
    parent_rows: Sequence[Sequence[int]],
) -> list[str | None]:
    """A large theme with one sub-theme takes its name; one with more is not named
    like any of them, nor like another large theme."""
    used: set[str] = set()
    parent_names: list[str | None] = []
    for parent_id, rows in zip(parent_ids, parent_rows, strict=True):
        children = [names.get(t) for t, p in parent_of.items() if p == parent_id]
        if len(children) == 1:
            name = children[0]
        else:
            taken = used | {n for n in children if n}
            name = next((p for p in namer.candidates(rows) if p not in taken), None)
        if name is not None:
            used.add(name)
        parent_names.append(name)
    return parent_names


def _theme(
    corpus: _Corpus,
    theme_id: int,
    rows: Sequence[int],
    keywords: Sequence[tuple[str, float]],
    central_rows: Sequence[int],
    summary: tuple[str, ...],
    *,
    name: str | None = None,
    seed_name: str | None = None,
    parent_id: int | None = None,
) -> Theme:
    """A theme labelled by its seed name, else its phrase ``name``, else its keywords."""
    n_representatives = 5 if len(rows) >= 10 else 3
    return Theme(
        id=theme_id,
        label=seed_name or name or make_label(keywords),
        keywords=tuple(keywords),
        comment_ids=_ids_in_input_order(corpus, rows),
        representative_ids=tuple(corpus.ids[r] for r in central_rows[:n_representatives]),
        size=len(rows),
        share=len(rows) / len(corpus.ids),
        seed_name=seed_name,
        parent_id=parent_id,
        summary=summary,
        label_is_phrase=seed_name is None and name is not None,
    )


def _other_theme(corpus: _Corpus, scorer: TermScorer, rows: Sequence[int]) -> Theme:
    return Theme(
        id=OTHER_THEME_ID,
        label=OTHER_LABEL,
        keywords=scorer.keywords(rows),
        comment_ids=_ids_in_input_order(corpus, rows),
        representative_ids=tuple(corpus.ids[r] for r in rows[:3]),
        size=len(rows),
        share=len(rows) / len(corpus.ids),
        is_other=True,
    )


def _ids_in_input_order(corpus: _Corpus, rows: Sequence[int]) -> tuple[CommentId, ...]:
    return tuple(corpus.ids[r] for r in sorted(rows, key=lambda r: corpus.position[r]))
