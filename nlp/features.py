"""Document features: TF-IDF of words and of characters, then LSA (TruncatedSVD + L2).

k-means straight on sparse TF-IDF tends to pour most short comments into one
cluster; a ~50-dimension LSA space in front of it is far more robust.

Words are the content words Janome found; character 2-3-grams of the
normalised text sit beside them with equal weight (``CommentFeatures``). The
characters catch what the word filter drops or splits differently
(香害 and 柔軟剤の香り, 子育て and 子ども), and on every real comment set we
measured (bench/eval_nlp.py) they raised agreement with people's grouping.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

Docs = Sequence[Sequence[str]]
_DIGITS = re.compile(r"[0-9]+")
# Changes with what the vectorizers below compute: FittedFeatures stored under another
# format are not used (extend() fits afresh).
FEATURES_FORMAT = 1


def _identity(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


def _word_vectorizer(**terms: Any) -> TfidfVectorizer:
    """TF-IDF of the tokens; ``terms``: min_df and max_df to fit, or a fitted vocabulary."""
    return TfidfVectorizer(analyzer=_identity, sublinear_tf=True, **terms)


def _char_vectorizer(**terms: Any) -> TfidfVectorizer:
    """TF-IDF of the character 2- and 3-grams of the text, digits left out."""
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 3),
        sublinear_tf=True,
        preprocessor=_without_digits,
        **terms,
    )


class TfidfFeatures:
    """TF-IDF over pre-tokenized documents (sublinear tf, L2-normalised rows)."""

    def __init__(self, *, min_df: int = 2, max_df: float = 0.5) -> None:
        self.min_df = min_df
        self.max_df = max_df

    def fit(self, docs: Docs) -> TfidfFeatures:
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: Docs) -> sp.csr_matrix:
        # A tiny corpus has few repeated words; keep them all rather than none.
        min_df = self.min_df if len(docs) >= 50 else 1
        max_df = self.max_df if len(docs) >= 20 else 1.0
        self.vectorizer_ = _word_vectorizer(min_df=min_df, max_df=max_df)
        try:
            matrix = self.vectorizer_.fit_transform(docs)
        except ValueError:  # every word was pruned: fall back to keeping all of them
            self.vectorizer_ = _word_vectorizer()
            matrix = self.vectorizer_.fit_transform(docs)
        self.vocabulary_: tuple[str, ...] = tuple(self.vectorizer_.get_feature_names_out())
        self.idf_: np.ndarray = self.vectorizer_.idf_
        return sp.csr_matrix(matrix)

    def transform(self, docs: Docs) -> sp.csr_matrix:
        return sp.csr_matrix(self.vectorizer_.transform(docs))


class CharTfidfFeatures:
    """TF-IDF over character 2- and 3-grams of each (normalised) text, L2-normalised rows.

    Digits are left out: numbers (dates, counts, amounts) name no topic, and
    「3回目のお願いです」 and 「4回目のお願いです」 say the same.
    """

    def __init__(self, *, min_df: int = 2, max_df: float = 0.5) -> None:
        self.min_df = min_df
        self.max_df = max_df

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        min_df = self.min_df if len(texts) >= 50 else 1
        max_df = self.max_df if len(texts) >= 20 else 1.0
        self.vectorizer_ = _char_vectorizer(min_df=min_df, max_df=max_df)
        try:
            return sp.csr_matrix(self.vectorizer_.fit_transform(texts))
        except ValueError:  # every n-gram was pruned
            self.vectorizer_ = _char_vectorizer()
            return sp.csr_matrix(self.vectorizer_.fit_transform(texts))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return sp.csr_matrix(self.vectorizer_.transform(texts))


def _without_digits(text: str) -> str:
    return _DIGITS.sub(" ", text)


class CommentFeatures:
    """Word TF-IDF and character TF-IDF side by side, equal weight, each row L2-normalised."""

    def __init__(self) -> None:
        self.words = TfidfFeatures()
        self.chars = CharTfidfFeatures()

    def fit_transform(self, docs: Docs, texts: Sequence[str]) -> sp.csr_matrix:
        return _side_by_side(self.words.fit_transform(docs), self.chars.fit_transform(texts))

    def transform(self, docs: Docs, texts: Sequence[str]) -> sp.csr_matrix:
        return _side_by_side(self.words.transform(docs), self.chars.transform(texts))


def _side_by_side(words: sp.csr_matrix, chars: sp.csr_matrix) -> sp.csr_matrix:
    return sp.csr_matrix(l2_normalize(sp.hstack([words, chars]).tocsr()))


class LsaFeatures:
    """Project TF-IDF rows onto ``n_components`` latent dimensions and L2-normalise."""

    def __init__(self, *, n_components: int = 50, seed: int = 0) -> None:
        self.n_components = n_components
        self.seed = seed

    def fit(self, matrix: sp.spmatrix) -> LsaFeatures:
        self.fit_transform(matrix)
        return self

    def fit_transform(self, matrix: sp.spmatrix) -> np.ndarray:
        n_components = min(self.n_components, matrix.shape[0] - 1, matrix.shape[1] - 1)
        self.svd_: TruncatedSVD | None
        if n_components < 2:  # too little text to reduce: keep the TF-IDF space itself
            self.svd_ = None
            return l2_normalize(matrix.toarray())
        # The exact truncated SVD (ARPACK), not the randomized one: its space does not
        # hang on a random start, and on the eval-dev sets it grouped better and more
        # stably (fresh -1 % ARI 0.55 -> 0.66 and 0.40 -> 0.52 on the weak-key sets).
        svd = TruncatedSVD(n_components=n_components, algorithm="arpack", random_state=self.seed)
        self.svd_ = svd
        # identical rows have no variance: scikit-learn's explained-variance ratio is 0/0
        with np.errstate(divide="ignore", invalid="ignore"):
            reduced = svd.fit_transform(matrix)
        return l2_normalize(reduced)

    def transform(self, matrix: sp.spmatrix) -> np.ndarray:
        if self.svd_ is None:
            return l2_normalize(matrix.toarray())
        return l2_normalize(self.svd_.transform(matrix))


def text_key(normalized_text: str) -> int:
    """A 64-bit hash of a normalised text: which stored vector is a comment's."""
    return int.from_bytes(hashlib.blake2b(normalized_text.encode(), digest_size=8).digest())


@dataclass(frozen=True, eq=False)
class FittedFeatures:
    """What an analysis fitted, kept so that a later ``extend()`` only transforms new comments.

    The word and character vocabularies with their idf weights and the LSA projection
    (``CommentFeatures`` then ``LsaFeatures``, fitted once), and the vector of each comment
    analysed, by ``text_key`` of its normalised text: a comment whose text changed is
    transformed again like a new one. ``to_bytes()`` is NumPy's ``.npz``, no pickle.
    """

    version: str  # FEATURES_FORMAT and the analyzer's version; another one: fit afresh
    words: tuple[str, ...]
    word_idf: np.ndarray
    chars: tuple[str, ...]
    char_idf: np.ndarray
    projection: np.ndarray | None  # LSA components (dimensions x terms); None: TF-IDF kept
    text_keys: np.ndarray  # uint64, a vector per key (comments with content words)
    vectors: np.ndarray  # L2-normalised rows

    @classmethod
    def of(
        cls,
        features: CommentFeatures,
        lsa: LsaFeatures,
        analyzer_version: str,
        texts: Sequence[str],
        vectors: np.ndarray,
    ) -> FittedFeatures:
        """The fitted ``features`` and ``lsa``, with the vector of each normalised text."""
        projection = None if lsa.svd_ is None else lsa.svd_.components_
        return cls(
            version=features_version(analyzer_version),
            words=features.words.vocabulary_,
            word_idf=features.words.idf_,
            chars=tuple(features.chars.vectorizer_.get_feature_names_out()),
            char_idf=features.chars.vectorizer_.idf_,
            projection=projection,
            text_keys=np.array([], dtype=np.uint64),
            vectors=np.zeros((0, vectors.shape[1])),
        ).with_vectors(texts, vectors)

    def transform(self, docs: Docs, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised vectors of tokenized ``docs`` and their normalised ``texts``."""
        words = _word_vectorizer(vocabulary={term: i for i, term in enumerate(self.words)})
        words.idf_ = self.word_idf
        chars = _char_vectorizer(vocabulary={term: i for i, term in enumerate(self.chars)})
        chars.idf_ = self.char_idf
        matrix = _side_by_side(words.transform(docs), chars.transform(texts))
        if self.projection is None:
            return l2_normalize(matrix.toarray())
        return l2_normalize(matrix @ self.projection.T)

    def stored_vectors(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The stored vector of each normalised text (zero where there is none), and
        whether there is one."""
        row_of = {int(key): row for row, key in enumerate(self.text_keys)}
        rows = [row_of.get(text_key(text), -1) for text in texts]
        found = np.array([row >= 0 for row in rows], dtype=bool)
        vectors = np.zeros((len(texts), self.vectors.shape[1]))
        vectors[found] = self.vectors[[row for row in rows if row >= 0]]
        return vectors, found

    def with_vectors(self, texts: Sequence[str], vectors: np.ndarray) -> FittedFeatures:
        """The same features holding the vectors of these normalised texts (only)."""
        keys, first = np.unique(
            np.array([text_key(text) for text in texts], dtype=np.uint64), return_index=True
        )
        return dataclasses.replace(self, text_keys=keys, vectors=vectors[first])

    def to_bytes(self) -> bytes:
        arrays = {
            "version": np.array(self.version),
            "words": np.array(self.words, dtype=np.str_),
            "word_idf": self.word_idf,
            "chars": np.array(self.chars, dtype=np.str_),
            "char_idf": self.char_idf,
            "text_keys": self.text_keys,
            "vectors": self.vectors,
        }
        if self.projection is not None:
            arrays["projection"] = self.projection
        buffer = io.BytesIO()
        np.savez(buffer, allow_pickle=False, **arrays)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> FittedFeatures:
        """What ``to_bytes()`` wrote; ValueError when written in another FEATURES_FORMAT."""
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            version = str(arrays["version"])
            if not version.startswith(f"{FEATURES_FORMAT}:"):
                raise ValueError(f"features stored in format {version.split(':')[0]}")
            return cls(
                version=version,
                words=tuple(str(w) for w in arrays["words"]),
                word_idf=arrays["word_idf"],
                chars=tuple(str(c) for c in arrays["chars"]),
                char_idf=arrays["char_idf"],
                projection=arrays.get("projection"),
                text_keys=arrays["text_keys"],
                vectors=arrays["vectors"],
            )


def features_version(analyzer_version: str) -> str:
    """What stored features must match to be used: the format and the analyzer (tokens)."""
    return f"{FEATURES_FORMAT}:{analyzer_version}"
