import random
from collections import Counter

import numpy as np

from nlp import OTHER_THEME_ID, Analyzer, FittedFeatures, SeedTheme, analyze, extend
from nlp.label import make_label
from tests.nlp_texts import four_topics, two_topics


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


def _comparable(result):
    """Everything a person sees of the themes, independent of the input order of the comments."""
    return [
        (t.id, t.label, t.keywords, sorted(t.comment_ids), t.representative_ids, t.parent_id)
        for t in (*result.themes, *result.parents)
    ]


def test_the_same_comments_in_another_order_give_the_same_themes():
    texts, _ = four_topics()
    ids = [f"c{i}" for i in range(len(texts))]
    first = analyze(texts, ids, n_jobs=1)
    order = list(range(len(texts)))
    random.Random(5).shuffle(order)
    shuffled = analyze([texts[i] for i in order], [ids[i] for i in order], n_jobs=1)
    assert shuffled.assignments == first.assignments
    assert _comparable(shuffled) == _comparable(first)
    assert [shuffled.assignments[ids[i]] for i in order] == list(shuffled.theme_ids)


def test_large_themes_hold_their_themes_and_their_sizes_add_up():
    texts, _ = four_topics()
    result = analyze(texts, k=4, n_jobs=1)
    discovered = [t for t in result.themes if not t.is_other]
    assert len(discovered) == 4 and result.parents
    assert all(parent.id >= 1001 and parent.parent_id is None for parent in result.parents)
    assert {theme.parent_id for theme in discovered} == {p.id for p in result.parents}
    for parent in result.parents:
        children = result.children(parent.id)
        assert children and all(child.parent_id == parent.id for child in children)
        assert parent.size == sum(child.size for child in children)
        assert set(parent.comment_ids) == {i for child in children for i in child.comment_ids}
        assert result.theme(parent.id) == parent
    assert all(theme.parent_id is None for theme in result.themes if theme.is_other)


def test_extend_keeps_earlier_themes_and_puts_a_new_comment_into_its_topic():
    texts, topics = four_topics()
    ids = [f"c{i}" for i in range(len(texts))]
    before = analyze(texts, ids, k=4, n_jobs=1)
    parents = {t.id: t.parent_id for t in before.themes if t.parent_id is not None}
    new_texts = [
        "休日にコミュニティバスの運行本数を増やして、通院しやすくしてほしいです。",
        "集積所のごみ収集がカラスに荒らされるので対策をお願いします。",
    ]
    after = extend(
        [*texts, *new_texts], [*ids, "n1", "n2"], before.assignments, parents=parents, n_jobs=1
    )
    assert all(after.assignments[i] == before.assignments[i] for i in ids)
    assert {t.id for t in after.themes} == {t.id for t in before.themes}
    assert {t.id: t.parent_id for t in after.themes if t.parent_id} == parents

    def topic_of(theme_id):
        members = [topics[ids.index(i)] for i in before.theme(theme_id).comment_ids]
        return Counter(members).most_common(1)[0][0]

    assert topic_of(after.assignments["n1"]) == "bus"
    assert topic_of(after.assignments["n2"]) == "garbage"
    grown = after.theme(after.assignments["n1"])
    assert grown.size == before.theme(grown.id).size + 1 and "n1" in grown.comment_ids


def test_extend_keeps_the_earlier_names_it_is_given_and_names_the_rest_by_keywords():
    texts, _ = four_topics()
    ids = [f"c{i}" for i in range(len(texts))]
    before = analyze(texts[:-4], ids[:-4], k=4, n_jobs=1)
    named = [t for t in (*before.themes, *before.parents) if t.label_is_phrase]
    assert len(named) >= 2
    kept, unnamed = named[0], named[1]
    after = extend(texts, ids, before.assignments, names={kept.id: "市が付けた名前"}, n_jobs=1)
    theme = after.theme(kept.id)
    assert theme.label == "市が付けた名前" and theme.label_is_phrase
    # a theme not given a name is not named afresh: its keywords label it
    other = after.theme(unnamed.id)
    assert not other.label_is_phrase and other.label == make_label(other.keywords)
    # named afresh without names, as before
    again = extend(texts, ids, before.assignments, n_jobs=1)
    assert again.theme(unnamed.id).label_is_phrase


def test_extend_with_the_earlier_features_transforms_only_the_new_comments():
    texts, _ = four_topics()
    ids = [f"c{i}" for i in range(len(texts))]
    before = analyze(texts[:-4], ids[:-4], k=4, n_jobs=1)
    assert before.features is not None
    fitted = FittedFeatures.from_bytes(before.features.to_bytes())  # as the app stores them
    after = extend(texts, ids, before.assignments, features=fitted, n_jobs=1)
    refitted = extend(texts, ids, before.assignments, n_jobs=1)
    assert after.assignments == refitted.assignments
    assert after.features is not None and refitted.features is not None
    # the earlier space is kept, and now holds the new comments' vectors for the next time
    assert np.array_equal(after.features.projection, before.features.projection)
    assert not np.array_equal(refitted.features.projection, before.features.projection)
    normalized = [Analyzer().normalize(text) for text in texts]
    assert after.features.stored_vectors(normalized)[1].all()


def test_extend_fits_again_when_the_features_came_from_other_tokens():
    texts, _ = four_topics()
    before = analyze(texts[:-4], k=4, n_jobs=1)
    other = Analyzer(extra_stopwords=("バス",))
    after = extend(
        texts, range(len(texts)), before.assignments, features=before.features,
        analyzer=other, n_jobs=1,
    )  # fmt: skip
    assert after.features is not None
    assert after.features.version != before.features.version
    assert all(after.assignments[i] == before.assignments[i] for i in before.assignments)


def test_extend_puts_a_comment_far_from_every_theme_into_other():
    texts, _ = two_topics()
    before = analyze(texts, k=2, n_jobs=1)
    after = extend([*texts, "よろしくお願いします"], [*range(len(texts)), "x"], before.assignments)
    assert after.assignments["x"] == OTHER_THEME_ID


def test_two_themes_are_not_put_under_one_large_theme_named_other():
    texts = [
        "スマホ教室を公民館で開いてほしい。",
        "スマホ教室を増やしてほしい。",
        "スマホ教室の日程を土曜にしてほしい。",
        "バスの本数を増やしてほしい。",
        "バスの本数が少なくて困る。",
        "バスの本数を朝だけでも増やして。",
    ]
    result = analyze(texts, k=2, n_jobs=1)
    assert len(result.parents) == 2
    for parent in result.parents:
        (child,) = result.children(parent.id)
        assert parent.label == child.label != "その他"
