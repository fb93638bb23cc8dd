"""Token cache and parallel tokenizing.

Janome is pure Python and the slowest step, so texts are tokenized once:
the cache maps ``token_cache_key(normalised text, analyzer.version)`` to the
tokens, and only texts missing from it are tokenized, in worker processes.
A web app can keep this mapping in its database and pass it back in.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, MutableMapping, Sequence

from nlp.tokenize import Analyzer, shared_tokenizer, token_cache_key, worker_count

TokenCache = MutableMapping[str, tuple[str, ...]]
# called with (texts tokenized so far, texts to tokenize) as the work goes on
Progress = Callable[[int, int], None]

__all__ = ["Progress", "TokenCache", "token_cache_key", "tokenize_many", "tokenize_normalized"]

# Below this many texts a process pool costs more than it saves.
_MIN_TEXTS_PER_WORKER = 200
# Work is handed out, and progress reported, in chunks of at most this many texts.
_CHUNK_TEXTS = 500

_worker_analyzer: Analyzer | None = None


def tokenize_many(
    texts: Sequence[str],
    analyzer: Analyzer | None = None,
    *,
    n_jobs: int | None = None,
    cache: TokenCache | None = None,
    on_progress: Progress | None = None,
) -> list[tuple[str, ...]]:
    """Tokens of every text, in order; only texts not in ``cache`` are tokenized.

    ``n_jobs`` is the number of processes (``None``: ``worker_count()``, ``1``: no pool).
    New tokens are written into ``cache`` when one is given. ``on_progress`` is
    called after each chunk of at most 500 texts (a caller's sign of life).
    """
    analyzer = analyzer or Analyzer()
    normalized = [analyzer.normalize(text) for text in texts]
    return tokenize_normalized(
        normalized, analyzer, n_jobs=n_jobs, cache=cache, on_progress=on_progress
    )


def tokenize_normalized(
    normalized: Sequence[str],
    analyzer: Analyzer,
    *,
    n_jobs: int | None = None,
    cache: TokenCache | None = None,
    on_progress: Progress | None = None,
) -> list[tuple[str, ...]]:
    """``tokenize_many`` for texts already passed through ``analyzer.normalize``."""
    keys = [token_cache_key(text, analyzer.version) for text in normalized]
    known: dict[str, tuple[str, ...]] = {}
    if cache is not None:
        known.update((key, cache[key]) for key in set(keys) if key in cache)
    missing = {key: text for key, text in zip(keys, normalized, strict=True) if key not in known}
    if missing:
        fresh = _tokenize_all(list(missing.values()), analyzer, n_jobs, on_progress)
        new_tokens = dict(zip(missing, fresh, strict=True))
        known.update(new_tokens)
        if cache is not None:
            cache.update(new_tokens)
    return [known[key] for key in keys]


def _tokenize_all(
    normalized: list[str],
    analyzer: Analyzer,
    n_jobs: int | None,
    on_progress: Progress | None = None,
) -> list[tuple[str, ...]]:
    workers = min(worker_count(n_jobs), len(normalized) // _MIN_TEXTS_PER_WORKER)
    report = on_progress or (lambda _done, _total: None)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        tokens: list[tuple[str, ...]] = []
        for chunk in _split(normalized, -(-len(normalized) // _CHUNK_TEXTS)):
            tokens.extend(analyzer.analyze_normalized(text) for text in chunk)
            report(len(tokens), len(normalized))
        return tokens
    global _worker_analyzer
    # Build the dictionary before forking so that every worker inherits it, compiled.
    shared_tokenizer(analyzer.userdic)
    _worker_analyzer = analyzer
    parts: list[list[tuple[str, ...]]] = []
    done = 0
    # Frozen, the inherited objects are left out of the workers' garbage collections,
    # which otherwise walk the caller's whole heap (a web app's): 15-20 % less CPU.
    # A caller that froze objects itself keeps them frozen (unfreeze() thaws all).
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        n_chunks = max(workers * 4, -(-len(normalized) // _CHUNK_TEXTS))
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # in order, as each chunk is ready: the caller hears of progress as it happens
            for part in pool.imap(_analyze_chunk, _split(normalized, n_chunks), chunksize=1):
                parts.append(part)
                done += len(part)
                report(done, len(normalized))
    finally:
        if freeze:
            gc.unfreeze()
        _worker_analyzer = None
    return [tokens for part in parts for tokens in part]


def _analyze_chunk(texts: list[str]) -> list[tuple[str, ...]]:
    assert _worker_analyzer is not None
    return [_worker_analyzer.analyze_normalized(text) for text in texts]


def _split(items: list[str], n_parts: int) -> list[list[str]]:
    size = -(-len(items) // n_parts)
    return [items[start : start + size] for start in range(0, len(items), size)]
