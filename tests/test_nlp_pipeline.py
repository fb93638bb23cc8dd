from collections import Counter

from nlp import OTHER_THEME_ID, Analyzer, SeedTheme, analyze
from tests.nlp_texts import two_topics


def _theme_topics(result, topics):
    """Majority topic and purity of each non-その他 theme."""
    by_theme: dict[int, Counter] = {}
    for theme_id, topic in zip(result.theme_ids, topics, strict=True):
        by_theme.setdefault(theme_id, Counter())[topic] += 1
    return {
        theme_id: (counts.most_common(1)[0][0], counts.most_common(1)[0][1] / counts.total())
        for theme_id, counts in by_theme.items()
        if theme_id != OTHER_THEME_ID
    }


def test_two_clear_topics_split_into_two_themes():
    texts, topics = two_topics()
    result = analyze(texts, k=None, n_jobs=1)
    assert result.n_themes == 2
    found = _theme_topics(result, topics)
    assert sorted(topic for topic, _ in found.values()) == ["park", "smartphone"]
    assert all(purity == 1.0 for _, purity in found.values())


def test_a_given_k_is_used():
    texts, _ = two_topics()
    result = analyze(texts, k=3, n_jobs=1)
    assert result.n_themes == 3
    assert result.k_scores == ()


def test_labels_are_built_from_the_themes_own_words():
    texts, _ = two_topics()
    analyzer = Analyzer()
    result = analyze(texts, k=2, n_jobs=1)
    for theme in result.themes:
        own_text = "".join(analyzer.normalize(texts[i]) for i in theme.comment_ids)
        parts = theme.label.split("・")
        assert 1 <= len(parts) <= 3
        assert all(part in own_text for part in parts)
        assert theme.keywords[0][1] == 1.0
    labels = " ".join(theme.label for theme in result.themes)
    assert "公園" in labels or "遊具" in labels
    assert "スマホ教室" in labels or "高齢者" in labels


def test_representative_comments_belong_to_their_theme():
    texts, _ = two_topics()
    ids = [f"c{i}" for i in range(len(texts))]
    result = analyze(texts, ids, k=2, n_jobs=1)
    for theme in result.themes:
        assert 3 <= len(theme.representative_ids) <= 5
        assert set(theme.representative_ids) <= set(theme.comment_ids)
        assert all(result.assignments[i] == theme.id for i in theme.comment_ids)
    assert sum(theme.size for theme in result.themes) == len(texts)
    assert abs(sum(theme.share for theme in result.themes) - 1.0) < 1e-9


def test_same_input_and_seed_give_the_same_result():
    texts, _ = two_topics(seed=3)
    first = analyze(texts, n_jobs=1, seed=7)
    second = analyze(texts, n_jobs=1, seed=7)
    assert first == second


def test_comments_without_content_words_go_to_other():
    texts, _ = two_topics()
    texts += ["よろしくお願いします", "", "!!!"]
    result = analyze(texts, k=2, n_jobs=1)
    other = result.theme(OTHER_THEME_ID)
    assert other.is_other and other.label == "その他"
    assert set(other.comment_ids) >= {len(texts) - 3, len(texts) - 2, len(texts) - 1}


def test_themes_below_the_minimum_size_go_to_other():
    texts, _ = two_topics()
    result = analyze(texts, k=4, n_jobs=1, min_theme_size=11)  # 4 themes of 40: one has <= 10
    other = result.theme(OTHER_THEME_ID)
    assert other.size >= 1
    assert all(theme.size >= 11 for theme in result.themes if not theme.is_other)


def test_comments_near_a_seed_theme_are_assigned_to_it():
    texts, topics = two_topics()
    seed = SeedTheme("デジタルデバイド対策", ("スマホ教室", "高齢者", "スマートフォン"))
    result = analyze(texts, seed_themes=[seed], n_jobs=1)
    seeded = next(theme for theme in result.themes if theme.seed_name == seed.name)
    assert seeded.label == "デジタルデバイド対策"
    members = [topics[i] for i in seeded.comment_ids]
    assert members.count("smartphone") >= 15
    assert members.count("park") == 0
    discovered = [t for t in result.themes if t.seed_name is None and not t.is_other]
    assert discovered  # the park comments become a theme of their own


def test_token_cache_is_filled_and_reused():
    texts, _ = two_topics()
    cache: dict[str, tuple[str, ...]] = {}
    first = analyze(texts, k=2, n_jobs=1, token_cache=cache)
    assert len(cache) == len(set(texts))
    assert analyze(texts, k=2, n_jobs=1, token_cache=cache) == first


def test_no_comments_give_no_themes():
    result = analyze([], n_jobs=1)
    assert result.themes == () and result.theme_ids == ()


def test_identical_comments_form_one_theme():
    result = analyze(["スマホ教室を増やしてほしい"] * 10, n_jobs=1)
    assert [theme.size for theme in result.themes] == [10]
    assert "スマホ教室" in result.themes[0].label
