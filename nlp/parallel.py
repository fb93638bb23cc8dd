"""One step computed in a forked process while the caller goes on with another.

The analysis after tokenizing is pure Python and NumPy on one core: finding
phrase candidates, the consensus k-means runs and the features do not depend
on each other, so on a machine with two cores one of them runs beside the
others. With one worker (``NLP_JOBS=1``, see ``worker_count``) or no fork, the
step is computed at once in the calling process, with the same result.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable
from multiprocessing.pool import AsyncResult, Pool
from types import TracebackType
from typing import Any, Generic, TypeVar

from nlp.tokenize import worker_count

T = TypeVar("T")

__all__ = ["Beside"]


class Beside(Generic[T]):
    """``function(*args)`` in a forked child process; ``result()`` waits for it.

    Use as a context manager, so that the child is ended when the caller fails
    first. ``function`` must be a module-level function, and its arguments and
    result are pickled (keep them small: lists of tuples, arrays).
    """

    def __init__(self, function: Callable[..., T], *args: Any, n_jobs: int | None = None) -> None:
        self._pool: Pool | None = None
        self._pending: AsyncResult[T] | None = None
        if worker_count(n_jobs) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            self._value = function(*args)
            return
        # Frozen while forking, the inherited objects stay out of the child's garbage
        # collections (see nlp.cache); a caller that froze objects itself keeps them frozen.
        freeze = gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        try:
            self._pool = multiprocessing.get_context("fork").Pool(1)
        finally:
            if freeze:
                gc.unfreeze()
        self._pending = self._pool.apply_async(function, args)

    def result(self) -> T:
        if self._pending is not None:
            assert self._pool is not None
            self._value = self._pending.get()
            self._pending = None
            self._pool.close()
            self._pool.join()
            self._pool = None
        return self._value

    def __enter__(self) -> Beside[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
