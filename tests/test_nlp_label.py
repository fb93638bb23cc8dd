from nlp.label import TermScorer, label_terms, make_label


def test_label_prefers_nouns_and_joins_three_terms():
    keywords = [("使う", 1.0), ("スマホ教室", 0.9), ("高齢者", 0.8), ("大きい", 0.7), ("相談", 0.6)]
    assert make_label(keywords) == "スマホ教室・高齢者・相談"


def test_a_strong_compound_replaces_its_part():
    keywords = [("児童", 1.0), ("オンライン", 0.9), ("児童手当", 0.8), ("申請", 0.5)]
    assert make_label(keywords) == "児童手当・オンライン・申請"


def test_compounds_come_from_adjacent_tokens_that_stand_together_in_the_text():
    terms = label_terms(("行政", "サービス", "使う"), "行政サービスを使う")
    assert "行政サービス" in terms
    assert "サービス使う" not in terms


def test_keywords_are_the_groups_distinctive_words():
    docs = [
        ("公園", "遊具"),
        ("公園", "砂場"),
        ("公園", "遊具"),
        ("スマホ", "高齢者"),
        ("スマホ", "講座"),
    ]
    scorer = TermScorer().fit(docs)
    park = dict(scorer.keywords([0, 1, 2]))
    assert max(park, key=park.__getitem__) == "公園"
    assert "スマホ" not in park


def test_a_compound_of_two_chosen_parts_replaces_both():
    keywords = [
        ("ナンバー", 1.0),
        ("マイ", 0.9),
        ("マイナンバー", 0.9),
        ("電話", 0.8),
        ("手続き", 0.5),
    ]
    assert make_label(keywords) == "マイナンバー・電話・手続き"
