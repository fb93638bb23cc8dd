"""Find near-duplicate opinions: the same or almost the same text sent many times.

Organised campaigns (組織的な同一意見) submit one template, sometimes with the
sender's name changed or a sentence added. Such opinions are grouped so that
staff can count them as one voice with many senders.

Two texts are compared by their character 3-grams after normalisation (NFKC,
case, whitespace, punctuation and symbols removed). Their similarity is the
cosine of the two 3-gram sets, |A∩B| / √(|A||B|), which tolerates an added
sentence better than Jaccard. MinHash signatures with banded LSH propose
candidate pairs in roughly linear time, so 50,000 opinions take seconds.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

_NGRAM = 3
_N_HASHES = 128
_SEED = 20261123
# Candidate pairs with an estimated similarity this close to the threshold are
# checked exactly; MinHash with 128 hashes estimates Jaccard to about ±0.04.
_UNCERTAIN = 0.08
# Hash one slice of texts at a time so that each thread's (hashes × 3-grams)
# matrix stays around 64 MB whatever the number of texts.
_CHUNK_SHINGLES = 65_536
_MAX_THREADS = 4
# Everything but letters and digits: punctuation, spaces, symbols, emoji.
_NOT_WORD = re.compile(r"[\W_]+")

_U64 = npt.NDArray[np.uint64]
_U32 = npt.NDArray[np.uint32]
_I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class DuplicateGroup:
    representative_id: Hashable  # the most repeated wording, else the earliest
    ids: tuple[Hashable, ...]  # in input order

    @property
    def size(self) -> int:
        return len(self.ids)


def find_near_duplicates(
    texts: Sequence[str], ids: Sequence[Hashable], *, threshold: float = 0.8
) -> list[DuplicateGroup]:
    """Group texts whose 3-gram cosine similarity reaches ``threshold``.

    Groups are connected components, so A~B and B~C put A, B and C together.
    Texts that are empty after normalisation never join a group. The result is
    sorted largest group first, then by the position of the first member.
    """
    if len(texts) != len(ids):
        raise ValueError(f"texts and ids differ in length: {len(texts)} != {len(ids)}")
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")

    # Identical wordings are grouped by a dictionary; only distinct wordings
    # go through MinHash, which keeps a campaign of 10,000 copies cheap.
    positions_by_wording: dict[str, list[int]] = {}
    for position, text in enumerate(texts):
        wording = normalize_for_duplicates(text)
        if wording:
            positions_by_wording.setdefault(wording, []).append(position)
    wordings = list(positions_by_wording)

    labels = _group_wordings(wordings, threshold)
    members: dict[int, list[int]] = {}
    for wording, label in zip(wordings, labels, strict=True):
        members.setdefault(int(label), []).extend(positions_by_wording[wording])

    groups = [sorted(positions) for positions in members.values() if len(positions) >= 2]
    groups.sort(key=lambda positions: (-len(positions), positions[0]))
    return [
        DuplicateGroup(
            representative_id=ids[_representative(positions, texts)],
            ids=tuple(ids[position] for position in positions),
        )
        for positions in groups
    ]


def normalize_for_duplicates(text: str) -> str:
    """NFKC, casefold, and drop whitespace, punctuation and symbols."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def _representative(positions: list[int], texts: Sequence[str]) -> int:
    counts = Counter(normalize_for_duplicates(texts[position]) for position in positions)
    most_common = max(counts.values())
    return next(
        position
        for position in positions
        if counts[normalize_for_duplicates(texts[position])] == most_common
    )


def _group_wordings(wordings: list[str], threshold: float) -> npt.NDArray[np.int32]:
    """Connected-component label of each distinct wording."""
    count = len(wordings)
    if count < 2:
        return np.arange(count, dtype=np.int32)
    shingles, offsets = _shingles(wordings)
    sizes = np.diff(offsets)
    signatures = _minhash(shingles, offsets)
    left, right = _candidate_pairs(signatures, _rows_per_band(threshold))
    keep = _is_similar(left, right, signatures, sizes, shingles, offsets, threshold)
    graph = coo_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (left[keep], right[keep])),
        shape=(count, count),
    )
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int32)


def _shingles(wordings: list[str]) -> tuple[_U64, _I64]:
    """Sorted distinct 3-grams of every wording, concatenated, with offsets.

    Characters are renumbered densely, so a 3-gram and the number of its text
    usually pack losslessly into one integer: equal integers are equal 3-grams,
    and one plain sort (much faster than an argsort) finds each text's distinct
    set. Only a corpus with tens of thousands of distinct characters needs the
    3-grams hashed to fit, with a negligible chance of two colliding.
    """
    lengths = np.fromiter((len(wording) for wording in wordings), dtype=np.int64)
    points = np.frombuffer("".join(wordings).encode("utf-32-le"), dtype=np.uint32)
    alphabet = np.zeros(0x110000, dtype=np.uint64)
    present = np.flatnonzero(np.bincount(points, minlength=0x110000))
    alphabet[present] = np.arange(1, len(present) + 1, dtype=np.uint64)  # 0 pads short texts
    codes = np.concatenate((alphabet[points], np.zeros(_NGRAM - 1, dtype=np.uint64)))

    # Texts shorter than a 3-gram are one shingle of themselves, padded with 0.
    per_text = np.maximum(lengths - _NGRAM + 1, 1)
    starts = np.cumsum(lengths) - lengths
    within = np.arange(int(per_text.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(per_text) - per_text, per_text
    )
    position = np.repeat(starts, per_text) + within
    length = np.repeat(lengths, per_text)
    char_bits = np.uint64(len(present).bit_length())
    grams = codes[position] << (char_bits * np.uint64(2))
    grams |= np.where(length > 1, codes[position + 1], 0).astype(np.uint64) << char_bits
    grams |= np.where(length > 2, codes[position + 2], 0).astype(np.uint64)

    text_bits = len(wordings).bit_length()
    gram_bits = 64 - text_bits
    if 3 * int(char_bits) > gram_bits:
        grams = _mix(grams) >> np.uint64(text_bits)
    keys = np.repeat(np.arange(len(wordings), dtype=np.uint64), per_text) << np.uint64(gram_bits)
    keys |= grams
    keys.sort()
    distinct = np.ones(len(keys), dtype=bool)
    distinct[1:] = keys[1:] != keys[:-1]
    keys = keys[distinct]
    owners = (keys >> np.uint64(gram_bits)).astype(np.int64)
    shingles = keys & np.uint64((1 << gram_bits) - 1)
    offsets = np.searchsorted(owners, np.arange(len(wordings) + 1)).astype(np.int64)
    return shingles, offsets


def _mix(values: _U64) -> _U64:
    # splitmix64 finaliser: packed code points share most of their bits, and
    # the affine hashes below need well-spread inputs.
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values *= np.uint64(0x94D049BB133111EB)
    values ^= values >> np.uint64(31)
    return values


def _minhash(shingles: _U64, offsets: _I64) -> _U32:
    """(texts × hashes) MinHash signatures."""
    rng = np.random.default_rng(_SEED)
    high = np.iinfo(np.uint64).max
    multipliers = rng.integers(1, high, size=(_N_HASHES, 1), dtype=np.uint64) | np.uint64(1)
    increments = rng.integers(0, high, size=(_N_HASHES, 1), dtype=np.uint64)
    mixed = _mix(shingles)
    count = len(offsets) - 1
    # The top 32 bits of each minimum suffice to compare signatures and halve
    # the memory that the band and similarity steps read.
    signatures = np.empty((count, _N_HASHES), dtype=np.uint32)

    def sign(first: int, last: int) -> None:
        hashed = mixed[offsets[first] : offsets[last]] * multipliers
        hashed += increments
        minima = np.minimum.reduceat(hashed, offsets[first:last] - offsets[first], axis=1)
        signatures[first:last] = (minima >> np.uint64(32)).astype(np.uint32).T

    # NumPy releases the GIL inside these loops, so threads use every core.
    with ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, _MAX_THREADS)) as pool:
        for future in [pool.submit(sign, first, last) for first, last in _chunks(offsets)]:
            future.result()
    return signatures


def _chunks(offsets: _I64) -> Iterator[tuple[int, int]]:
    """Ranges of texts holding about _CHUNK_SHINGLES 3-grams, at least one text each."""
    count = len(offsets) - 1
    first = 0
    while first < count:
        last = int(np.searchsorted(offsets, offsets[first] + _CHUNK_SHINGLES, side="right")) - 1
        last = min(max(last, first + 1), count)
        yield first, last
        first = last


def _rows_per_band(threshold: float) -> int:
    """The most selective LSH banding that still finds 99% of similar pairs.

    Cosine c between sets implies Jaccard at least c² (one set inside the
    other), so pairs at the threshold collide in some band with probability
    1 - (1 - (c²)^rows)^bands.
    """
    jaccard = threshold**2
    for rows in range(8, 1, -1):
        bands = _N_HASHES // rows
        if 1 - (1 - jaccard**rows) ** bands >= 0.99:
            return rows
    return 1


def _candidate_pairs(signatures: _U32, rows: int) -> tuple[_I64, _I64]:
    """Pairs of texts that share a whole band of their signatures.

    Inside a bucket every text is paired with the bucket's first text and with
    its predecessor rather than with all others: a bucket of n copies yields
    2n pairs, not n²/2, and the connected components come out the same when
    the bucket's texts are alike, which is what a shared band indicates.
    """
    count = signatures.shape[0]
    lefts: list[_I64] = []
    rights: list[_I64] = []
    weights = _mix(np.arange(1, rows + 1, dtype=np.uint64))
    for band in range(_N_HASHES // rows):
        columns = signatures[:, band * rows : (band + 1) * rows]
        keys = (columns * weights).sum(axis=1, dtype=np.uint64)
        order = np.argsort(keys, kind="stable").astype(np.int64)
        sorted_keys = keys[order]
        same_as_previous = np.zeros(count, dtype=bool)
        same_as_previous[1:] = sorted_keys[1:] == sorted_keys[:-1]
        bucket_start = np.maximum.accumulate(np.where(same_as_previous, 0, np.arange(count)))
        followers = np.flatnonzero(same_as_previous)
        lefts += [order[bucket_start[followers]], order[followers - 1]]
        rights += [order[followers], order[followers]]
    if not lefts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    left = np.concatenate(lefts)
    right = np.concatenate(rights)
    low, high = np.minimum(left, right), np.maximum(left, right)
    pairs = np.sort(low * count + high)  # np.sort is far faster than np.unique here
    first = np.ones(len(pairs), dtype=bool)
    first[1:] = pairs[1:] != pairs[:-1]
    pairs = pairs[first]
    return pairs // count, pairs % count


def _is_similar(
    left: _I64,
    right: _I64,
    signatures: _U32,
    sizes: _I64,
    shingles: _U64,
    offsets: _I64,
    threshold: float,
) -> npt.NDArray[np.bool_]:
    estimate = np.empty(len(left), dtype=np.float64)
    step = 65_536
    for first in range(0, len(left), step):
        part = slice(first, first + step)
        agreement = (signatures[left[part]] == signatures[right[part]]).mean(axis=1)
        estimate[part] = _cosine_from_jaccard(agreement, sizes[left[part]], sizes[right[part]])
    similar = estimate >= threshold + _UNCERTAIN
    for index in np.flatnonzero(np.abs(estimate - threshold) < _UNCERTAIN):
        a = shingles[offsets[left[index]] : offsets[left[index] + 1]]
        b = shingles[offsets[right[index]] : offsets[right[index] + 1]]
        common = len(np.intersect1d(a, b, assume_unique=True))
        similar[index] = common / math.sqrt(len(a) * len(b)) >= threshold
    return similar


def _cosine_from_jaccard(
    jaccard: npt.NDArray[np.float64], size_a: _I64, size_b: _I64
) -> npt.NDArray[np.float64]:
    # |A∩B| = J(|A|+|B|)/(1+J), then divide by √(|A||B|).
    common = jaccard * (size_a + size_b) / (1 + jaccard)
    return np.asarray(common / np.sqrt(size_a * size_b), dtype=np.float64)
