import os

import numpy as np
import pytest

from nlp import analyze, extend
from nlp.cluster import ThemeClusterer
from nlp.parallel import Beside
from tests.nlp_texts import four_topics


def _pid_and_sum(numbers: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


def _fail() -> None:
    raise ValueError("failed in the child")


def test_one_worker_computes_in_this_process():
    with Beside(_pid_and_sum, [1, 2, 3], n_jobs=1) as beside:
        assert beside.result() == (os.getpid(), 6)


def test_two_workers_compute_in_another_process_with_the_same_result():
    with Beside(_pid_and_sum, [1, 2, 3], n_jobs=2) as beside:
        pid, total = beside.result()
    assert pid != os.getpid()
    assert total == 6


def test_an_error_in_the_other_process_reaches_the_caller():
    with pytest.raises(ValueError, match="failed in the child"), Beside(_fail, n_jobs=2) as beside:
        beside.result()


def test_consensus_runs_split_over_two_processes_give_the_same_themes():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(5, 10))
    vectors = np.repeat(centres, 80, axis=0) + rng.normal(scale=0.8, size=(400, 10))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    one = ThemeClusterer(5, n_runs=10, n_jobs=1).fit(vectors)
    two = ThemeClusterer(5, n_runs=10, n_jobs=2).fit(vectors)
    assert np.array_equal(one.labels_, two.labels_)
    assert np.array_equal(one.centers_, two.centers_)


def test_analyze_and_extend_give_the_same_result_in_two_processes_as_in_one():
    texts, _ = four_topics(n_each=130)  # enough for the phrase candidates and the vote to split
    ids = list(range(len(texts)))
    cache: dict[str, tuple[str, ...]] = {}
    one = analyze(texts[:-5], ids[:-5], token_cache=cache, n_jobs=1)
    two = analyze(texts[:-5], ids[:-5], token_cache=cache, n_jobs=2)
    assert two == one
    extended = [
        extend(texts, ids, one.assignments, token_cache=cache, n_jobs=jobs) for jobs in (1, 2)
    ]
    assert extended[0] == extended[1]
