"""Large themes: sub-themes joined by Ward linkage of their (unit) centres.

A plan states a handful of basic goals (基本目標) with measures under each; the
sub-themes found in the comments are grouped the same way, into about 5-12
large themes, fewer when there are few sub-themes.

Average linkage chained most themes into one large theme (75 % of our own
comments, 69 % of tokyo2050's notes); Ward keeps the large themes of
comparable size and matched people's grouping better (bench/eval_nlp.py sets,
AMI of the large themes: ours 0.14 -> 0.28, tokyo2050 0.05 -> 0.08, fukui equal).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

MIN_PARENTS = 5
MAX_PARENTS = 12
MIN_CHILDREN_TO_GROUP = 4


def n_parents_for(n_children: int) -> int:
    """About two and a half sub-themes per large theme, within 5-12.

    Below ten sub-themes, about two per large theme; below four, each sub-theme is its own
    large theme: one large theme holding every comment would say nothing (and has no words
    that set it apart, so no name but その他).
    """
    if n_children < MIN_CHILDREN_TO_GROUP:
        return n_children
    if n_children < 2 * MIN_PARENTS:
        return max(1, math.ceil(n_children / 2))
    return min(MAX_PARENTS, max(MIN_PARENTS, round(n_children / 2.5)))


def group_children(centers: np.ndarray, n_parents: int | None = None) -> np.ndarray:
    """Parent index 0..p-1 of each centre (row); p = ``n_parents_for(len(centers))`` by default.

    Parents are numbered by their first child, so the same centres in the same
    order give the same numbering.
    """
    n_children = len(centers)
    if n_parents is None:
        n_parents = n_parents_for(n_children)
    if n_children <= 1 or n_parents <= 1:
        return np.zeros(n_children, dtype=int)
    if n_parents >= n_children:
        return np.arange(n_children)
    tree = linkage(centers, method="ward")  # Euclidean on unit vectors: cosine's order
    cut = fcluster(tree, n_parents, criterion="maxclust")
    _, first = np.unique(cut, return_index=True)
    order = np.argsort(first)  # renumber parents by their first child
    renumber = np.empty(len(order), dtype=int)
    renumber[order] = np.arange(len(order))
    return np.asarray(renumber[np.unique(cut, return_inverse=True)[1]])
