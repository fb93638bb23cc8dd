"""Live grouping of a board's 付箋 (sticky notes) into named groups, as they arrive.

The contract for the app (``workshop/boards``): everything here is pure and
stateless. The app keeps the groups in its database and passes them in; nothing
learned (no numpy array, no model) has to be stored between calls. Features are
fitted anew on the board's notes on every call (TF-IDF of a few hundred short
notes takes milliseconds).

- ``assign(note, groups)``: where a note that just became visible goes: the
  nearest current group (``Assignment.group_id``), or a new one (``group_id``
  None) when no group's notes are close enough (mean cosine below
  ``SIMILARITY_THRESHOLD``), and the name that group should now have. A board
  holds at most ``max_groups_for(n_notes)`` groups (about √n, at least 6) besides
  その他: once full, a note joins the nearest group, or その他 if it shares nothing.
- ``regroup(notes, groups)``: all notes grouped afresh on the facilitator's click.
  A group whose name the facilitator set survives as the new group holding most
  of its notes, under its name and id; other earlier groups keep their id on the
  new group holding most of their notes and are named anew. The same notes give
  the same groups whatever their order.
- Names: a phrase found in two or more of the group's notes (``nlp.phrases``),
  else its distinctive keywords (``nlp.label``); a one-note group is named by its
  own text when short, else by its keywords. A note with nothing to compare (only
  spaces, emoji or symbols) goes to the group named ``OTHER_NAME`` (その他).

Tokens: pass each note's tokens from ``Analyzer().analyze(text)`` (or
``nlp.tokenize_many(texts, cache=cache)``), kept with the note so they are not
computed again; a note without tokens is tokenized here (a few ms, then kept in
this process)::

    from nlp import Analyzer, LiveGroup, LiveNote, assign, regroup

    analyzer = Analyzer()
    note = LiveNote(id=note_row.id, text=note_row.body, tokens=analyzer.analyze(note_row.body))
    groups = [
        LiveGroup(id=g.id, name=g.name, notes=tuple(notes_of[g.id]),
                  name_set_by_facilitator=g.name_set_by_facilitator)
        for g in group_rows
    ]
    found = assign(note, groups)
    if found.group_id is None:  # a new group named found.name (その他 included)
        ...
    elif found.rename:  # the group's automatic name, now with this note
        ...

    result = regroup(all_notes, groups)
    for group in result.groups:  # largest first
        group.id    # an earlier group's id (keep its row), or None: create a group
        group.name  # the facilitator's name, or a new automatic one
        group.notes  # the notes now in it
    result.removed_group_ids  # earlier groups left without notes (not named by the facilitator)
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from nlp.label import TermScorer, label_terms, make_label
from nlp.phrases import PhraseNamer, phrase_candidates
from nlp.tokenize import Analyzer

__all__ = [
    "MAX_NOTE_CHARS",
    "OTHER_NAME",
    "Assignment",
    "LiveGroup",
    "LiveNote",
    "Regrouping",
    "assign",
    "regroup",
]

NoteId = int | str
GroupId = int | str

MAX_NOTE_CHARS = 140
OTHER_NAME = "その他"  # the group of notes with nothing to compare (only emoji or symbols)
# A note joins the nearest group when its mean cosine to the group's notes reaches this;
# a regroup cuts average linkage at the same similarity. Chosen by bench/eval_live.py
# (boards of 40 and 120 notes, 3 orders, AMI after a regroup): best or close to it on the
# real sticky notes and on our own notes (at 120 notes 0.102 and 0.173, at 0.1 only 0.065
# and 0.132); at 0.02 average linkage chained 120 of our notes into 3 groups.
SIMILARITY_THRESHOLD = 0.05
# A one-note group is named by its own text when it is at most this long.
MAX_TEXT_NAME_CHARS = 16
MAX_NAME_CHARS = 60  # BoardGroup.name
GROUPS_PER_SQRT = 1.0
MIN_MAX_GROUPS = 6
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class LiveNote:
    """One visible note: its id, its text and, ideally, its cached tokens."""

    id: NoteId
    text: str
    tokens: tuple[str, ...] | None = None  # Analyzer().analyze(text); None: tokenized here


@dataclass(frozen=True)
class LiveGroup:
    """A group as the app stores it; ``id`` None for a group still to be created."""

    id: GroupId | None
    name: str
    notes: tuple[LiveNote, ...] = ()
    name_set_by_facilitator: bool = False


@dataclass(frozen=True)
class Assignment:
    """Where a new note goes.

    ``group_id`` None: start a new group called ``name``. Otherwise the note joins
    that group, and ``rename`` is true when its automatic name should become
    ``name`` (never for a name the facilitator set). ``similarity`` is the note's
    mean cosine to the chosen group's notes (0.0 for a new group).
    """

    group_id: GroupId | None
    name: str
    rename: bool
    similarity: float


@dataclass(frozen=True)
class Regrouping:
    """All notes grouped afresh: the groups largest first (ties by their first note)."""

    groups: tuple[LiveGroup, ...]
    removed_group_ids: tuple[GroupId, ...]

    def group_of(self) -> dict[NoteId, int]:
        """Note id -> index of its group in ``groups``."""
        return {note.id: index for index, group in enumerate(self.groups) for note in group.notes}


@dataclass(frozen=True)
class _Prepared:
    """Notes in canonical order (normalised text, then id) with tokens and feature rows."""

    notes: tuple[LiveNote, ...]
    normalized: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]
    vectors: sp.csr_matrix  # L2-normalised rows; zero rows for notes with nothing to compare
    blank: np.ndarray  # notes with nothing to compare (only spaces, emoji, symbols)
    row_of: tuple[int, ...]  # canonical row of each note as given


@lru_cache(maxsize=1)
def _default_analyzer() -> Analyzer:
    return Analyzer()


def assign(
    note: LiveNote,
    groups: Sequence[LiveGroup],
    *,
    threshold: float = SIMILARITY_THRESHOLD,
    analyzer: Analyzer | None = None,
) -> Assignment:
    """The group a new note joins: the one whose notes it is most similar to on average,
    if that mean cosine reaches ``threshold``; else a new group (``group_id`` None).

    Depends only on the notes (features are fitted on the groups' notes and this one)
    and not on the order of the groups or of their notes. A note with nothing to compare
    goes to the group named ``OTHER_NAME`` (a new one when there is none).
    """
    analyzer = analyzer or _default_analyzer()
    prepared = _prepare([note, *(member for group in groups for member in group.notes)], analyzer)
    new_row = prepared.row_of[0]
    group_rows: list[list[int]] = []
    start = 1
    for group in groups:
        group_rows.append(list(prepared.row_of[start : start + len(group.notes)]))
        start += len(group.notes)
    if prepared.blank[new_row]:
        return _to_other(groups)
    candidates = [
        (group, rows)
        for group, rows in zip(groups, group_rows, strict=True)
        if rows and (group.name != OTHER_NAME or group.name_set_by_facilitator)
    ]
    similarity = _group_similarity(prepared.vectors, [rows for _, rows in candidates], [new_row])
    best: tuple[float, str] | None = None
    chosen: tuple[LiveGroup, list[int]] | None = None
    for (group, rows), value in zip(candidates, similarity.ravel(), strict=True):
        key = (float(value), _sort_key(group.id))
        if best is None or key > best:
            best, chosen = key, (group, rows)
    if best is None or chosen is None or best[0] < threshold:
        n_notes = 1 + sum(len(group.notes) for group in groups)
        if len(candidates) < max_groups_for(n_notes):
            return Assignment(None, _names(prepared, [[new_row]], analyzer)[0], False, 0.0)
        if best is None or chosen is None or best[0] <= 0:
            return _to_other(groups)
    group, rows = chosen
    if group.name_set_by_facilitator:
        return Assignment(group.id, group.name, False, best[0])
    rows = [new_row, *rows]
    name = _names(prepared, [rows], analyzer)[0]
    return Assignment(group.id, name, name != group.name, best[0])


def _to_other(groups: Sequence[LiveGroup]) -> Assignment:
    other = next((g for g in groups if g.name == OTHER_NAME), None)
    return Assignment(None if other is None else other.id, OTHER_NAME, False, 0.0)


def regroup(
    notes: Sequence[LiveNote],
    groups: Sequence[LiveGroup] = (),
    *,
    threshold: float = SIMILARITY_THRESHOLD,
    analyzer: Analyzer | None = None,
) -> Regrouping:
    """Group all ``notes`` afresh (average linkage of cosine, cut at ``threshold``).

    ``groups`` are the earlier groups (their ``notes`` tell which notes they held;
    notes not in ``notes`` are ignored). An earlier group takes the id of the new
    group holding most of its notes, facilitator-named groups first and keeping their
    name; a facilitator-named group that gets no notes is kept empty. The same notes
    give the same groups in any order.
    """
    analyzer = analyzer or _default_analyzer()
    if not notes:
        kept = tuple(replace(g, notes=()) for g in groups if g.name_set_by_facilitator)
        removed = [g.id for g in groups if g.id is not None and not g.name_set_by_facilitator]
        return Regrouping(kept, tuple(sorted(removed, key=_sort_key)))
    prepared = _prepare(notes, analyzer)
    clusters, other = _clusters(prepared, threshold)
    names = _names(prepared, clusters, analyzer, other)
    ids, kept_names = _inherit(prepared, clusters, groups)
    regrouped = [
        LiveGroup(
            id=ids[index],
            name=kept_names.get(index, names[index]),
            notes=tuple(prepared.notes[row] for row in rows),
            name_set_by_facilitator=index in kept_names,
        )
        for index, rows in enumerate(clusters)
    ]
    taken = set(ids.values())
    for group in groups:
        if group.name_set_by_facilitator and group.id not in taken:
            regrouped.append(replace(group, notes=()))
            taken.add(group.id)
    removed = sorted(
        (g.id for g in groups if g.id is not None and g.id not in taken), key=_sort_key
    )
    return Regrouping(tuple(regrouped), tuple(removed))


def _sort_key(value: GroupId | NoteId | None) -> str:
    # ids of mixed types (1 and "1") still sort: by type name first
    return f"{type(value).__name__}:{value:>20}" if value is not None else ""


def _prepare(notes: Iterable[LiveNote], analyzer: Analyzer) -> _Prepared:
    given = list(notes)
    normalized = [_normalized(analyzer, note.text[: MAX_NOTE_CHARS * 2]) for note in given]
    order = sorted(range(len(given)), key=lambda i: (normalized[i], _sort_key(given[i].id)))
    ordered = tuple(given[i] for i in order)
    texts = tuple(normalized[i] for i in order)
    tokens = tuple(
        note.tokens if note.tokens is not None else _analyzed(analyzer, text)
        for note, text in zip(ordered, texts, strict=True)
    )
    blank = np.array([not _has_letters(text) for text in texts], dtype=bool)
    counted = [_counted_terms(text, words) for text, words in zip(texts, tokens, strict=True)]
    words = _tfidf([c[0] for c in counted], blank)
    chars = _tfidf([c[1] for c in counted], blank)
    vectors = _unit_rows(sp.hstack([words, chars]))
    row_of = [0] * len(order)
    for row, position in enumerate(order):
        row_of[position] = row
    return _Prepared(ordered, texts, tokens, vectors, blank, tuple(row_of))


def _unit_rows(matrix: sp.spmatrix) -> sp.csr_matrix:
    """Rows scaled to length 1 (zero rows stay zero)."""
    matrix = sp.csr_matrix(matrix)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ matrix)


_Counts = tuple[np.ndarray, np.ndarray]  # hashed term ids, their counts in one note


@lru_cache(maxsize=16384)
def _counted_terms(normalized: str, tokens: tuple[str, ...]) -> tuple[_Counts, _Counts]:
    """Word and character 2-3-gram counts of one note, by a stable hash of each term.

    Kept per note: a board's notes come back on every call, so only a new note is counted.
    The terms are those of ``nlp.features.CommentFeatures`` (digits left out of the
    characters, lower case, n-grams within whitespace-separated words).
    """
    text = _DIGITS.sub(" ", normalized).lower()
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        for size in (2, 3):
            grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return _hashed(tokens), _hashed(grams)


def _hashed(terms: Sequence[str]) -> _Counts:
    counts = Counter(
        int.from_bytes(
            hashlib.blake2b(term.encode(), digest_size=8).digest(), "little", signed=True
        )
        for term in terms
    )
    keys = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    return keys, values


def _tfidf(counted: Sequence[_Counts], blank: np.ndarray) -> sp.csr_matrix:
    """TF-IDF as ``nlp.features`` fits it (sublinear tf, smooth idf, min_df 2 from 50
    notes, max_df 0.5 from 20, all terms if that leaves none), L2-normalised rows;
    notes with nothing to compare get zero rows."""
    n_rows = len(counted)
    kept = [c if not blank[row] else (c[0][:0], c[1][:0]) for row, c in enumerate(counted)]
    lengths = np.array([len(keys) for keys, _ in kept], dtype=np.int64)
    if not lengths.sum():
        return sp.csr_matrix((n_rows, 0))
    keys = np.concatenate([keys for keys, _ in kept])
    values = np.concatenate([values for _, values in kept])
    columns, column_of = np.unique(keys, return_inverse=True)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    matrix = sp.csr_matrix((values, column_of, indptr), shape=(n_rows, len(columns)))
    df = np.bincount(column_of, minlength=len(columns))
    n_docs = int((~blank).sum())
    min_df = 2 if n_docs >= 50 else 1
    max_df = 0.5 * n_docs if n_docs >= 20 else n_docs
    keep = (df >= min_df) & (df <= max_df)
    if not keep.any():
        keep[:] = True
    matrix = sp.csr_matrix(matrix[:, np.flatnonzero(keep)])
    idf = np.log((1 + n_docs) / (1 + df[keep])) + 1.0
    matrix.data = np.log(matrix.data) + 1.0
    return _unit_rows(matrix @ sp.diags(idf))


@lru_cache(maxsize=16384)
def _normalized(analyzer: Analyzer, text: str) -> str:
    """A note's normalised text, kept: a board's notes come back on every call."""
    return analyzer.normalize(text)


@lru_cache(maxsize=16384)
def _analyzed(analyzer: Analyzer, normalized: str) -> tuple[str, ...]:
    """Tokens of a note given without them, kept: its board will ask again."""
    return analyzer.analyze_normalized(normalized)


def _has_letters(text: str) -> bool:
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def _clusters(prepared: _Prepared, threshold: float) -> tuple[list[list[int]], int | None]:
    """Rows of each cluster, largest first (ties: first row), and the index of the
    その他 cluster (None when there is none).

    Average linkage cut at ``threshold``; beyond ``max_groups_for(n)`` clusters the
    smallest ones are dissolved into the nearest kept one, or into その他 with the notes
    that have nothing to compare.
    """
    comparable = np.flatnonzero(~prepared.blank)
    clusters: list[list[int]] = []
    if len(comparable) == 1:
        clusters.append([int(comparable[0])])
    elif len(comparable) > 1:
        vectors = prepared.vectors[comparable]
        distance = 1.0 - np.asarray((vectors @ vectors.T).todense())
        np.fill_diagonal(distance, 0.0)
        distance = np.clip((distance + distance.T) / 2, 0.0, 1.0)
        tree = linkage(squareform(distance, checks=False), method="average")
        labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
        for label in sorted(set(labels.tolist())):
            clusters.append([int(r) for r in comparable[labels == label]])
    clusters.sort(key=lambda rows: (-len(rows), rows[0]))
    cap = max_groups_for(len(prepared.notes))
    other = [int(r) for r in np.flatnonzero(prepared.blank)]
    if len(clusters) > cap:
        kept, dropped = clusters[:cap], [row for rows in clusters[cap:] for row in rows]
        similarity = _group_similarity(prepared.vectors, kept, dropped)
        best = similarity.argmax(axis=1)
        for row, index, value in zip(dropped, best, similarity.max(axis=1), strict=True):
            if value > 0:
                kept[index].append(row)
            else:
                other.append(row)
        clusters = [sorted(rows) for rows in kept]
    if not other:
        return clusters, None
    clusters.append(sorted(other))
    clusters.sort(key=lambda rows: (-len(rows), rows[0]))
    return clusters, next(i for i, rows in enumerate(clusters) if rows[0] == min(other))


def max_groups_for(n_notes: int) -> int:
    """At most this many groups (その他 aside) for a board of ``n_notes`` notes:
    about √n, at least 6, so the projector stays readable."""
    return max(MIN_MAX_GROUPS, math.ceil(GROUPS_PER_SQRT * math.sqrt(n_notes)))


def _group_similarity(
    vectors: sp.csr_matrix, groups: Sequence[Sequence[int]], rows: Sequence[int]
) -> np.ndarray:
    """Similarity of each row to each group (rows x groups): its mean cosine to the
    group's notes, as average linkage measures it (on the bench, the cosine to the
    group's normalised centre grouped no better)."""
    if not groups or not rows:
        return np.zeros((len(rows), len(groups)))
    membership = sp.csr_matrix(
        (
            np.ones(sum(len(g) for g in groups)),
            [r for g in groups for r in g],
            np.concatenate([[0], np.cumsum([len(g) for g in groups])]),
        ),
        shape=(len(groups), vectors.shape[0]),
    )
    # the mean of the notes' rows: a dot product with it is the mean cosine to the notes
    centers = sp.diags(1.0 / np.array([len(g) for g in groups])) @ (membership @ vectors)
    return np.asarray((vectors[list(rows)] @ sp.csr_matrix(centers).T).todense())


def _inherit(
    prepared: _Prepared, clusters: Sequence[Sequence[int]], groups: Sequence[LiveGroup]
) -> tuple[dict[int, GroupId | None], dict[int, str]]:
    """Earlier group ids (and facilitator names) for the new clusters.

    Named groups choose first, then the others; within each, a larger overlap first.
    Each earlier group takes the free cluster holding most of its notes.
    """
    cluster_of = {
        prepared.notes[row].id: index for index, rows in enumerate(clusters) for row in rows
    }
    candidates: list[tuple[bool, int, str, int, LiveGroup]] = []
    for group in groups:
        if group.id is None:
            continue
        overlap = Counter(cluster_of[n.id] for n in group.notes if n.id in cluster_of)
        for cluster, count in overlap.items():
            key = (not group.name_set_by_facilitator, -count, _sort_key(group.id), cluster)
            candidates.append((*key, group))
    ids: dict[int, GroupId | None] = dict.fromkeys(range(len(clusters)))
    names: dict[int, str] = {}
    placed: set[GroupId] = set()
    for _, _, _, cluster, group in sorted(candidates, key=lambda c: c[:4]):
        if group.id is None or group.id in placed or ids[cluster] is not None:
            continue
        ids[cluster] = group.id
        placed.add(group.id)
        if group.name_set_by_facilitator:
            names[cluster] = group.name
    return ids, names


def _names(
    prepared: _Prepared,
    clusters: Sequence[Sequence[int]],
    analyzer: Analyzer,
    other: int | None = None,
) -> list[str]:
    """A name per cluster: a shared phrase, else keywords, else a one-note group's own text."""
    namer = _CachedPhraseNamer(analyzer.stopwords).fit(prepared.tokens, prepared.normalized)
    phrases = namer.names(clusters) if len(prepared.notes) > 1 else [None] * len(clusters)
    terms = [
        label_terms(tokens, text)
        for tokens, text in zip(prepared.tokens, prepared.normalized, strict=True)
    ]
    scorer: TermScorer | None = None
    names: list[str] = []
    for index, (rows, phrase) in enumerate(zip(clusters, phrases, strict=True)):
        if index == other:
            names.append(OTHER_NAME)
        elif phrase is not None:
            names.append(phrase)
        elif len(rows) == 1:
            names.append(_own_name(prepared.normalized[rows[0]], terms[rows[0]]))
        else:
            scorer = scorer or TermScorer().fit(terms)
            keywords = scorer.keywords(rows, min_count=2) or _common_terms(terms, rows)
            names.append(make_label(keywords, n_terms=2) if keywords else "")
        if index != other and names[-1] in ("", OTHER_NAME):
            # only the group of notes that fit nowhere is called その他
            shortest = min((prepared.normalized[row] for row in rows), key=len)
            names[-1] = _own_name(shortest, ())
            if names[-1] in ("", OTHER_NAME):
                names[-1] = "その他の付箋"
    return [name[:MAX_NAME_CHARS] for name in names]


def _common_terms(terms: Sequence[Sequence[str]], rows: Sequence[int]) -> list[tuple[str, float]]:
    """The terms most of the group's notes share, for a group whose terms are not
    distinctive (it holds every note of a small board)."""
    counts = Counter(term for row in rows for term in set(terms[row]))
    if not counts:
        return []
    most = max(counts.values())
    ranked = sorted(counts.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))
    return [(term, count / most) for term, count in ranked if count >= min(2, most)]


class _CachedPhraseNamer(PhraseNamer):
    """``PhraseNamer`` with each note's phrase candidates and each phrase's check kept
    between calls: a board's notes come back with every new note."""

    def fit(self, tokens: Sequence[Sequence[str]], normalized: Sequence[str]) -> PhraseNamer:
        docs = [
            _phrase_candidates(tuple(t), text, self.stopwords)
            for t, text in zip(tokens, normalized, strict=True)
        ]
        self.fit_candidates(docs)
        self.checked_ = _CHECKED_PHRASES
        return self


_CHECKED_PHRASES: dict[str, int | None] = {}  # phrase -> its kind as a name (one analyzer)


@lru_cache(maxsize=16384)
def _phrase_candidates(
    tokens: tuple[str, ...], normalized: str, stopwords: frozenset[str]
) -> tuple[str, ...]:
    return phrase_candidates(tokens, normalized, stopwords)


def _own_name(text: str, terms: Sequence[str]) -> str:
    """A one-note group's name: its short text, else its first keywords."""
    flat = " ".join(text.split())
    if len(flat) <= MAX_TEXT_NAME_CHARS:
        return flat
    keywords = [(term, 1.0) for term in dict.fromkeys(terms)]
    label = make_label(keywords, n_terms=2)
    return label if keywords else flat[:MAX_TEXT_NAME_CHARS] + "…"
