"""Assign comments to the city's own seed themes when they are close enough."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.preprocessing import normalize as l2_normalize

from nlp.themes import SeedTheme

UNASSIGNED = -1


def seed_text(seed_theme: SeedTheme) -> str:
    """The pseudo-comment standing for a seed theme: its name and keywords."""
    return "。".join((seed_theme.name, *seed_theme.keywords))


class SeedAssigner:
    """Nearest seed theme by cosine in the comment feature space, above ``threshold``.

    One refinement step moves each seed towards the comments it took, so a seed
    described by three keywords also catches comments phrased differently.
    After ``fit``: ``labels_`` (seed index or -1 per row) and ``centers_``.
    """

    def __init__(self, *, threshold: float = 0.2, refine: bool = True) -> None:
        self.threshold = threshold
        self.refine = refine

    def fit(self, vectors: np.ndarray, seed_vectors: np.ndarray) -> SeedAssigner:
        centers = l2_normalize(seed_vectors)
        labels = self._assign(vectors, centers)
        if self.refine:
            for seed_index in range(len(centers)):
                members = vectors[labels == seed_index]
                if len(members):
                    centers[seed_index] = centers[seed_index] + members.mean(axis=0)
            centers = l2_normalize(centers)
            labels = self._assign(vectors, centers)
        self.centers_ = centers
        self.labels_ = labels
        return self

    def _assign(self, vectors: np.ndarray, centers: np.ndarray) -> np.ndarray:
        similarity = vectors @ centers.T
        best = similarity.argmax(axis=1)
        close = similarity[np.arange(len(vectors)), best] >= self.threshold
        return np.where(close, best, UNASSIGNED)


def read_seed_themes(path: str | Path) -> list[SeedTheme]:
    """One theme per line: ``name: keyword, keyword, ...`` (``#`` starts a comment).

    Full-width colons and commas (：、，) work too.
    """
    seed_themes = []
    for raw in Path(path).read_text(encoding="utf-8-sig").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, rest = line.replace("：", ":").partition(":")
        keywords = [word.strip() for word in _split_keywords(rest) if word.strip()]
        seed_themes.append(SeedTheme(name.strip(), tuple(keywords)))
    return seed_themes


def _split_keywords(text: str) -> Sequence[str]:
    for separator in ("、", "，", "・"):
        text = text.replace(separator, ",")
    return text.split(",")
