"""Themes by consensus k-means on LSA vectors; k by the gap statistic.

One k-means run on short comments depends on its random start and on which
comments happen to be there: the same comments gave quite different themes
from run to run. So many k-means runs, each on a random part of the comments,
vote on which comments belong together (the share of runs that put two
comments in one cluster, a co-association), and average linkage cuts that
vote into k themes (Fred & Jain's evidence accumulation). A matrix over all
pairs of comments would not fit at 50,000 comments, so the vote is taken
among at most ``max_anchors`` anchor comments, chosen by a hash of their text
(the same comments are anchors in a rerun with a few more or fewer); every
comment then goes to the nearest theme centre.

With k not given, k is the larger of the gap statistic's choice and about
√n (see ``min_themes_for``). Silhouette keeps rising with k on short comments (it picked 100+ themes where
people saw 7-9), and so do k-means stability and Calinski-Harabasz-style
scores: short texts have weak structure at every scale. The gap statistic
(Tibshirani, Walther & Hastie 2001) instead compares the k-means spread of the
LSA vectors with that of a reference without themes (uniform in the box of the
data along its principal axes) and takes the smallest k after which adding a
theme explains no more than chance.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.preprocessing import normalize as l2_normalize

from nlp.parallel import Beside
from nlp.themes import KScore

MIN_ROWS_FOR_SQRT_RULE = 100
MAX_AUTO_THEMES = 30
# Below this many anchors the consensus runs take less time than starting a second process.
MIN_ANCHORS_TO_SPLIT = 300


class ThemeClusterer:
    """Cluster L2-normalised vectors into ``n_themes`` groups (``None``: choose k).

    ``fit(vectors, priority)``: ``priority`` ranks the rows for becoming an
    anchor (lowest first; default: row order). After ``fit``: ``labels_`` (one
    per row), ``centers_`` (unit vectors), ``n_themes_`` and ``k_scores_``
    (the gap curve up to the chosen k + 1, where the search stops; empty if k
    was given). The choice of k runs on at most ``max_selection_rows`` sampled
    rows, and the vote on at most ``max_anchors`` rows, so neither grows with
    the number of comments. Half of the consensus runs go to a second process when
    ``worker_count(n_jobs)`` allows (identical labels either way).
    """

    def __init__(
        self,
        n_themes: int | None = None,
        *,
        min_k: int = 2,
        max_k: int = 20,
        n_runs: int = 60,
        sample_share: float = 0.8,
        max_anchors: int = 2000,
        n_references: int = 3,
        max_selection_rows: int = 500,
        seed: int = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.n_themes = n_themes
        self.min_k = min_k
        self.max_k = max_k
        self.n_runs = n_runs
        self.sample_share = sample_share
        self.max_anchors = max_anchors
        self.n_references = n_references
        self.max_selection_rows = max_selection_rows
        self.seed = seed
        self.n_jobs = n_jobs

    def fit(self, vectors: np.ndarray, priority: np.ndarray | None = None) -> ThemeClusterer:
        n_rows = vectors.shape[0]
        self.k_scores_: tuple[KScore, ...] = ()
        if self.n_themes is None:
            k = max(self._select_k(vectors), min_themes_for(n_rows))
        else:
            k = self.n_themes
        k = max(1, min(k, n_rows))
        if k == 1:
            labels = np.zeros(n_rows, dtype=int)
        else:
            anchors = _anchor_rows(n_rows, self.max_anchors, priority)
            anchor_labels = self._consensus_labels(vectors[anchors], k)
            labels = nearest_center(vectors, _centers(vectors[anchors], anchor_labels))
        self.labels_, self.centers_ = _renumbered(vectors, labels)
        self.n_themes_ = len(self.centers_)
        return self

    def _consensus_labels(self, anchors: np.ndarray, k: int) -> np.ndarray:
        together = self._coassociation(anchors, k)
        distance = squareform(1.0 - together, checks=False).astype(np.float64)
        tree = linkage(distance, method="average")
        return _cut_into_themes(tree, k, min_size=max(2, len(anchors) // 200))

    def _coassociation(self, anchors: np.ndarray, k: int) -> np.ndarray:
        """Share of k-means runs (each on a random part of the anchors) that join two anchors."""
        n_anchors = len(anchors)
        n_sample = max(k, round(self.sample_share * n_anchors))
        # Each run draws from its own generator, so the runs split over two processes
        # give the same votes as in one.
        half = self.n_runs // 2
        n_jobs = self.n_jobs if n_anchors >= MIN_ANCHORS_TO_SPLIT else 1
        with Beside(
            _consensus_runs, anchors, k, n_sample, self.seed, range(half), n_jobs=n_jobs
        ) as first:
            second = _consensus_runs(anchors, k, n_sample, self.seed, range(half, self.n_runs))
            runs = first.result() + second
        # One-hot clusters of every run side by side, sparse (one 1 per anchor and run):
        # its product with itself counts the runs that join two anchors, as the dense
        # product did (whole numbers: the same float32 counts) in about half the time.
        offsets = np.cumsum([0, *(run_k for run_k, _ in runs)])
        columns = np.column_stack([labels + offsets[run] for run, (_, labels) in enumerate(runs)])
        stacked = sp.csr_matrix(
            (
                np.ones(columns.size, dtype=np.float32),
                columns.ravel(),
                np.arange(0, columns.size + 1, len(runs)),
            ),
            shape=(n_anchors, int(offsets[-1])),
        )
        together = (stacked @ stacked.T).toarray() / self.n_runs
        np.fill_diagonal(together, 1.0)
        return together

    def _select_k(self, vectors: np.ndarray) -> int:
        rng = np.random.default_rng(self.seed)
        n_rows = vectors.shape[0]
        if n_rows > self.max_selection_rows:
            rows = np.sort(rng.choice(n_rows, self.max_selection_rows, replace=False))
            vectors = vectors[rows]
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


def _consensus_runs(
    anchors: np.ndarray, k: int, n_sample: int, seed: int, runs: range
) -> list[tuple[int, np.ndarray]]:
    """The k and the labels of the anchors in each consensus run: k-means on a random
    part of them, then every anchor to its nearest centre."""
    labelled = []
    for run in runs:
        rng = np.random.default_rng([seed, run])
        # between k and 2k clusters per run: finer runs vote on who is close, the cut merges
        run_k = min(n_sample, round(k * rng.uniform(1.0, 2.0)))
        sample = np.sort(rng.choice(len(anchors), n_sample, replace=False))
        centers, _, _ = lloyd(anchors[sample], run_k, rng)
        labelled.append((run_k, nearest_center(anchors, centers)))
    return labelled


def min_themes_for(n_rows: int) -> int:
    """At least about √n themes (at most 30) from 100 comments on.

    On real comment sets (eval-dev) the gap statistic stopped at 2-8 themes,
    while the people's own groupings were matched best (AMI) at 15-30; with
    large themes giving the overview, finer themes cost the reader little.
    Below 100 comments the gap statistic alone decides.
    """
    if n_rows < MIN_ROWS_FOR_SQRT_RULE:
        return 1
    return min(MAX_AUTO_THEMES, round(np.sqrt(n_rows)))


def _anchor_rows(n_rows: int, max_anchors: int, priority: np.ndarray | None) -> np.ndarray:
    if n_rows <= max_anchors:
        return np.arange(n_rows)
    if priority is None:
        return np.arange(max_anchors)
    return np.sort(np.argsort(priority, kind="stable")[:max_anchors])


def _cut_into_themes(tree: np.ndarray, k: int, *, min_size: int) -> np.ndarray:
    """Labels 0..k-1 of the k largest branches, cutting deeper until k have ``min_size``.

    Average linkage splits off single outlying comments before it splits two
    themes; those small branches get label -1 and later join the nearest theme.
    """
    n_leaves = len(tree) + 1
    for n_clusters in range(k, n_leaves + 1):
        cut = fcluster(tree, n_clusters, criterion="maxclust")
        sizes = np.bincount(cut)
        big = np.flatnonzero(sizes >= min_size)
        if len(big) >= k or n_clusters == n_leaves:
            break
    if not len(big):  # no branch with min_size comments: the same few points over and over
        return np.zeros(n_leaves, dtype=int)
    # the k largest branches; equal sizes keep the branch order of the tree
    keep = big[np.argsort(-sizes[big], kind="stable")[:k]]
    labels = np.full(n_leaves, -1)
    for label, branch in enumerate(np.sort(keep)):
        labels[cut == branch] = label
    return labels


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
    """Lowest k-means within-cluster sum of squares over ``n_init`` starts."""
    rng = np.random.default_rng([seed, k])
    return min(lloyd(vectors, k, rng)[2] for _ in range(n_init))


def lloyd(
    vectors: np.ndarray, k: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, float]:
    """One k-means run (k-means++ start): centres, labels and within-cluster sum of squares.

    A small NumPy k-means: the consensus and the choice of k run it dozens of
    times on a few hundred to a few thousand rows, where scikit-learn's per-call
    set-up (thread-pool limits) costs more than the clustering itself.
    """
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
    inertia = max(float(np.maximum(distances[rows, labels], 0).sum()), 1e-12)
    return centers, labels, inertia


def _plus_plus_centers(vectors: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding: each next centre drawn with probability ~ squared distance.

    Distances by |x|^2 - 2 x.c + |c|^2 (one matrix-vector product per centre, no
    temporary of the size of the data): three times faster than subtracting.
    """
    squared_norms = np.einsum("ij,ij->i", vectors, vectors)

    def squared_distances(index: int) -> np.ndarray:
        products = vectors @ vectors[index]
        return np.maximum(squared_norms - 2 * products + squared_norms[index], 0.0)

    indices = [int(rng.integers(len(vectors)))]
    closest = squared_distances(indices[0])
    for _ in range(1, k):
        total = closest.sum()
        if total <= 0:
            index = int(rng.integers(len(vectors)))
        else:
            index = int(rng.choice(len(vectors), p=closest / total))
        indices.append(index)
        closest = np.minimum(closest, squared_distances(index))
    return vectors[indices]


def nearest_center(vectors: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Index of the nearest centre of each row (squared Euclidean distance)."""
    distances = (centers**2).sum(axis=1) - 2 * vectors @ centers.T
    return np.asarray(distances.argmin(axis=1))


def _centers(vectors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Mean vector of each label 0..max (rows labelled -1 are left out)."""
    n_labels = int(labels.max()) + 1
    centers = np.zeros((n_labels, vectors.shape[1]))
    for label in range(n_labels):
        members = vectors[labels == label]
        if len(members):
            centers[label] = members.mean(axis=0)
    return centers


def _renumbered(vectors: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labels 0..m-1 without empty clusters, and the unit centre of each."""
    labels = np.unique(labels, return_inverse=True)[1]
    return labels, l2_normalize(_centers(vectors, labels))
