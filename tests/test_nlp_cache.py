import gc

from nlp import Analyzer, token_cache_key, tokenize_many
from tests.nlp_texts import two_topics


class CountingAnalyzer(Analyzer):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def analyze_normalized(self, normalized: str) -> tuple[str, ...]:
        self.calls += 1
        return super().analyze_normalized(normalized)


def test_cached_texts_are_not_tokenized_again():
    analyzer = CountingAnalyzer()
    cache: dict[str, tuple[str, ...]] = {}
    texts = ["スマホ教室を増やしてほしい", "公園の遊具を新しく", "スマホ教室を増やしてほしい"]
    first = tokenize_many(texts, analyzer, n_jobs=1, cache=cache)
    assert analyzer.calls == 2  # the repeated text once
    second = tokenize_many([*texts, "電子申請を簡単に"], analyzer, n_jobs=1, cache=cache)
    assert analyzer.calls == 3
    assert second[:3] == first
    assert second[3] == ("電子申請", "簡単")


def test_cache_key_is_the_normalised_text_and_analyzer_version():
    analyzer = Analyzer()
    cache: dict[str, tuple[str, ...]] = {}
    tokenize_many(["ＬＩＮＥで申請"], analyzer, n_jobs=1, cache=cache)
    assert list(cache) == [token_cache_key("LINEで申請", analyzer.version)]


def test_changed_stopwords_invalidate_cached_tokens():
    cache: dict[str, tuple[str, ...]] = {}
    tokenize_many(["公民館でスマホ教室"], Analyzer(), n_jobs=1, cache=cache)
    tokens = tokenize_many(
        ["公民館でスマホ教室"], Analyzer(extra_stopwords=["公民館"]), n_jobs=1, cache=cache
    )
    assert tokens == [("スマホ教室",)]
    assert len(cache) == 2


def test_parallel_tokenizing_matches_one_process():
    texts, _ = two_topics(n_each=220)
    assert tokenize_many(texts, n_jobs=2) == tokenize_many(texts, n_jobs=1)


def test_parallel_tokenizing_leaves_the_callers_garbage_collection_as_it_was():
    texts, _ = two_topics(n_each=220)
    assert gc.get_freeze_count() == 0
    tokenize_many(texts, n_jobs=2)
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a caller (a pre-forking web server) froze its own objects
    try:
        tokenize_many(texts, n_jobs=2)
        assert gc.get_freeze_count() > 0  # still frozen: not thawed by tokenize_many
    finally:
        gc.unfreeze()


def test_a_web_app_can_store_tokens_and_pass_them_back_as_the_cache():
    analyzer = Analyzer()
    texts = ["ＬＩＮＥで申請したい", "スマホ教室を増やして"]
    stored = {analyzer.cache_key(text): analyzer.analyze(text) for text in texts}
    counting = CountingAnalyzer()
    assert tokenize_many(texts, counting, n_jobs=1, cache=stored) == list(stored.values())
    assert counting.calls == 0


def test_tokenizing_reports_progress_chunk_by_chunk():
    """A background job takes these reports as its sign of life, in one process or a pool."""
    texts, _ = two_topics(n_each=300)
    unique = len(set(texts))
    for n_jobs in (1, 2):
        calls: list[tuple[int, int]] = []
        tokens = tokenize_many(
            texts, n_jobs=n_jobs, on_progress=lambda d, t, calls=calls: calls.append((d, t))
        )
        assert len(tokens) == len(texts)
        assert len(calls) >= 2, (n_jobs, calls)
        assert all(total == unique for _, total in calls)
        done = [d for d, _ in calls]
        assert done == sorted(done) and done[-1] == unique and done[0] < unique


def test_worker_count_comes_from_the_call_then_nlp_jobs_then_the_cores(monkeypatch):
    from nlp.tokenize import worker_count

    monkeypatch.setenv("NLP_JOBS", "3")
    assert worker_count(2) == 2
    assert worker_count(None) == 3
    monkeypatch.setenv("NLP_JOBS", "zwei")  # not a number: every core
    assert worker_count(None) >= 1
    monkeypatch.delenv("NLP_JOBS")
    assert worker_count(None) == worker_count(0) >= 1
