"""Themes as NMF topics of the TF-IDF matrix (or k-means on LSA vectors), k by the gap statistic.

Each comment goes to its strongest NMF topic. On the evaluation set this beat
k-means on the LSA vectors (AMI 0.25 vs 0.22 at the true k, and steadier over
seeds); k-means on LSA remains for callers without a TF-IDF matrix.

Silhouette keeps rising with k on short comments (it picked 100+ themes where
people saw 7-9), and so do k-means stability and Calinski-Harabasz-style
scores: short texts have weak structure at every scale. The gap statistic
(Tibshirani, Walther & Hastie 2001) instead compares the k-means spread of the
LSA vectors with that of a reference without themes (uniform in the box of the
data along its principal axes) and takes the smallest k after which adding a
theme explains no more than chance.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import normalize as l2_normalize

from nlp.themes import KScore

NO_THEME = -1  # label of a comment none of whose words made it into the TF-IDF vocabulary


class ThemeClusterer:
    """Cluster comments into ``n_themes`` groups (``None``: choose k).

    ``fit(vectors, matrix)``: ``vectors`` are the L2-normalised LSA rows (for
    choosing k, the centres and k-means), ``matrix`` the non-negative TF-IDF
    rows of the same comments (for NMF; without it, k-means on ``vectors``).
    After ``fit``: ``labels_`` (one per row, -1 for no theme), ``centers_`` (unit vectors),
    ``n_themes_`` and ``k_scores_`` (the gap curve up to the chosen k + 1, where the
    search stops; empty if k was given).
    The choice of k runs on at most ``max_selection_rows`` sampled rows, so its
    cost does not grow with the number of comments.
    """

    def __init__(
        self,
        n_themes: int | None = None,
        *,
        min_k: int = 2,
        max_k: int = 20,
        n_init: int = 4,
        n_references: int = 3,
        max_selection_rows: int = 500,
        seed: int = 0,
    ) -> None:
        self.n_themes = n_themes
        self.min_k = min_k
        self.max_k = max_k
        self.n_init = n_init
        self.n_references = n_references
        self.max_selection_rows = max_selection_rows
        self.seed = seed

    def fit(self, vectors: np.ndarray, matrix: sp.spmatrix | None = None) -> ThemeClusterer:
        n_rows = vectors.shape[0]
        self.k_scores_: tuple[KScore, ...] = ()
        k = self._select_k(vectors) if self.n_themes is None else self.n_themes
        k = max(1, min(k, n_rows))
        self.n_themes_ = k
        if k == 1:
            self.labels_ = np.zeros(n_rows, dtype=int)
        elif matrix is not None and min(matrix.shape) >= k:
            self.labels_ = self._nmf_labels(sp.csr_matrix(matrix), k)
        else:
            self.labels_ = self._kmeans_labels(vectors, k)
        self.centers_ = _centers(vectors, self.labels_, k)
        return self

    def _nmf_labels(self, matrix: sp.csr_matrix, k: int) -> np.ndarray:
        model = NMF(n_components=k, init="nndsvda", max_iter=400, random_state=self.seed)
        with warnings.catch_warnings():
            # An approximate factorisation is enough to tell the strongest topic.
            warnings.simplefilter("ignore", ConvergenceWarning)
            weights = model.fit_transform(matrix)
        labels = weights.argmax(axis=1)
        labels[weights.max(axis=1) <= 0] = NO_THEME
        return labels

    def _kmeans_labels(self, vectors: np.ndarray, k: int) -> np.ndarray:
        model = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.seed)
        with warnings.catch_warnings():
            # Identical comments can leave fewer distinct points than k; the
            # empty clusters simply become no theme.
            warnings.simplefilter("ignore", ConvergenceWarning)
            return np.asarray(model.fit_predict(vectors))

    def _select_k(self, vectors: np.ndarray) -> int:
        rng = np.random.default_rng(self.seed)
        n_rows = vectors.shape[0]
        if n_rows > self.max_selection_rows:
            vectors = vectors[rng.choice(n_rows, self.max_selection_rows, replace=False)]
            n_rows = self.max_selection_rows
        max_k = min(self.max_k, n_rows // 5)
        if max_k < self.min_k:
            return 1
        references = [uniform_reference(vectors, rng) for _ in range(self.n_references)]
        gaps: list[tuple[int, float, float]] = []
        chosen = max_k
        # The rule looks one k ahead, so the search stops as soon as it is met.
        for k in range(self.min_k, max_k + 2):
            gaps.append(self._gap(vectors, references, k))
            if len(gaps) >= 2 and _meets_gap_rule(gaps[-2], gaps[-1]):
                chosen = gaps[-2][0]
                break
        self.k_scores_ = tuple(KScore(k, gap) for k, gap, _ in gaps if k <= max_k)
        return chosen

    def _gap(
        self, vectors: np.ndarray, references: list[np.ndarray], k: int
    ) -> tuple[int, float, float]:
        """k, the gap log W_ref(k) - log W(k), and its tolerance s(k)."""
        log_spread = np.log(_inertia(vectors, k, self.seed, n_init=2))
        reference = np.log([_inertia(r, k, self.seed, n_init=1) for r in references])
        tolerance = reference.std() * np.sqrt(1 + 1 / len(references))
        return k, float(reference.mean() - log_spread), float(tolerance)


def _meets_gap_rule(current: tuple[int, float, float], following: tuple[int, float, float]) -> bool:
    """gap(k) >= gap(k+1) - s(k+1), with gap(k) clearly above zero.

    A k whose gap is within its tolerance of zero (no more structure than the
    reference) is never chosen: on weakly structured text that noise would
    otherwise often stop the search at k = 2.
    """
    _, gap, tolerance = current
    _, next_gap, next_tolerance = following
    return gap > tolerance and gap >= next_gap - next_tolerance


def uniform_reference(vectors: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uniform points in the box of the data along its principal axes: its extent, no themes."""
    centered = vectors - vectors.mean(axis=0)
    _, _, axes = np.linalg.svd(centered, full_matrices=False)
    projected = centered @ axes.T
    low, high = projected.min(axis=0), projected.max(axis=0)
    reference = rng.uniform(low, high, size=projected.shape) @ axes + vectors.mean(axis=0)
    return l2_normalize(reference)


def _inertia(vectors: np.ndarray, k: int, seed: int, *, n_init: int) -> float:
    """Lowest k-means within-cluster sum of squares over ``n_init`` starts.

    A small NumPy k-means: the choice of k runs it about sixty times on a few
    hundred rows, where scikit-learn's per-call set-up (thread-pool limits)
    costs more than the clustering itself.
    """
    rng = np.random.default_rng([seed, k])
    return min(_lloyd_inertia(vectors, k, rng) for _ in range(n_init))


def _lloyd_inertia(vectors: np.ndarray, k: int, rng: np.random.Generator) -> float:
    centers = _plus_plus_centers(vectors, k, rng)
    squared_norms = np.einsum("ij,ij->i", vectors, vectors)
    rows = np.arange(len(vectors))
    labels = np.full(len(vectors), -1)
    for _ in range(50):
        distances = squared_norms[:, None] - 2 * vectors @ centers.T + (centers**2).sum(axis=1)
        new_labels = distances.argmin(axis=1)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        members = np.zeros((len(vectors), k))
        members[rows, labels] = 1.0
        counts = members.sum(axis=0)
        filled = counts > 0
        centers[filled] = (members.T @ vectors)[filled] / counts[filled, None]
    return max(float(np.maximum(distances[rows, labels], 0).sum()), 1e-12)


def _plus_plus_centers(vectors: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding: each next centre drawn with probability ~ squared distance."""
    centers = [vectors[rng.integers(len(vectors))]]
    closest = ((vectors - centers[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = closest.sum()
        if total <= 0:
            index = int(rng.integers(len(vectors)))
        else:
            index = int(rng.choice(len(vectors), p=closest / total))
        centers.append(vectors[index])
        closest = np.minimum(closest, ((vectors - vectors[index]) ** 2).sum(axis=1))
    return np.array(centers)


def _centers(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    centers = np.zeros((k, vectors.shape[1]))
    for cluster in range(k):
        members = vectors[labels == cluster]
        if len(members):
            centers[cluster] = members.mean(axis=0)
    return l2_normalize(centers)
