from nlp.phrases import (
    HEAD_MARK,
    PhraseNamer,
    is_phrase_name,
    phrase_candidates,
    phrase_key,
    unwrapped,
)
from nlp.pipeline import analyze
from nlp.tokenize import Analyzer

COUNTER = [
    "市役所の窓口の待ち時間が長すぎます。平日に休みを取って行っても一時間以上待たされました。",
    "窓口の待ち時間を減らすために、予約制を取り入れてほしいです。",
    "転入届を出しに行ったら窓口の待ち時間が二時間でした。呼び出しをスマホで確認できると助かります。",
    "住民票を取るだけなのに窓口で長く待たされるのは困ります。",
    "窓口の混雑状況をホームページで見られるようにしてください。",
    "土曜日にも窓口を開けてもらえると、混雑も分散すると思います。",
]
BUS = [
    "郊外の団地からはコミュニティバスの本数が少なく、通院に困っています。",
    "コミュニティバスの本数を朝夕だけでも増やしてほしい。",
    "高齢になって車を手放したので、公共交通の確保をお願いします。",
    "バス停までの距離が遠く、公共交通の確保が地域の課題だと感じます。",
    "駅へ向かうバスの最終便が早すぎて、仕事帰りに使えません。",
    "山間部ではバスの路線が廃止され、買い物にも行けない人がいます。",
]


def fitted_namer(texts: list[str]) -> tuple[PhraseNamer, list[str]]:
    analyzer = Analyzer()
    normalized = [analyzer.normalize(text) for text in texts]
    tokens = [analyzer.analyze_normalized(text) for text in normalized]
    return PhraseNamer(analyzer.stopwords).fit(tokens, normalized), normalized


def test_a_group_is_named_by_its_distinctive_phrase():
    namer, _ = fitted_namer(COUNTER + BUS)
    counter, bus = namer.names([range(6), range(6, 12)])
    assert counter == "窓口の待ち時間"
    assert bus in ("公共交通の確保", "コミュニティバスの本数")


def held_by(name: str, texts: list[str]) -> tuple[int, int]:
    """Comments writing ``name`` as such, and comments holding it in any written form."""
    analyzer = Analyzer()
    verbatim = folded = 0
    for text in texts:
        normalized = analyzer.normalize(text)
        candidates = phrase_candidates(
            analyzer.analyze_normalized(normalized), normalized, analyzer.stopwords
        )
        verbatim += name in normalized
        folded += phrase_key(name) in {phrase_key(c) for c in candidates}
    return verbatim, folded


def test_the_name_occurs_in_two_comments_of_its_own_group():
    namer, normalized = fitted_namer(COUNTER + BUS)
    for rows in (range(6), range(6, 12)):
        (name,) = namer.names([rows])
        assert name is not None
        assert sum(name in normalized[row] for row in rows) >= 2


def test_one_phrase_written_with_other_particles_counts_once_per_comment():
    assert (
        phrase_key("公共交通の確保") == phrase_key("公共交通を確保") == phrase_key("公共交通確保")
    )
    assert phrase_key("公共交通が確保") == phrase_key("公共交通の 確保")  # a line wrap
    assert (
        phrase_key("子どもの居場所") == phrase_key("子供の居場所") == phrase_key("こどもの居場所")
    )
    assert phrase_key("おいしい野菜") == phrase_key("美味しい野菜")
    assert phrase_key("ものづくりの拠点") != phrase_key("もづくりの拠点")  # の inside a word stays
    texts = [
        "山間部では公共交通の確保をお願いしたい。",
        "免許を返したので、公共交通を確保してほしいです。",
        "公共交通が確保されないと通院できません。",
        "駅前の駐輪場が足りません。",
        "駐輪場をもっと広くしてほしい。",
        "雨の日は自転車が濡れて困る。",
    ]
    namer, _ = fitted_namer(texts)
    (name,) = namer.names([range(3)])
    assert name == "公共交通の確保"  # the form a comment writes, の before を
    verbatim, folded = held_by(name, texts[:3])
    assert verbatim >= 1 and folded == 3


def test_spellings_of_one_word_make_one_phrase():
    texts = [
        "子どもの居場所が近所にありません。",
        "放課後の子供の居場所をつくってください。",
        "図書館の開館時間を延ばしてほしい。",
        "図書館の本が古い。",
    ]
    namer, _ = fitted_namer(texts)
    (name,) = namer.names([range(2)])
    assert name in ("子どもの居場所", "子供の居場所")


def test_the_head_of_a_compound_counts_as_the_phrase_but_names_only_as_written():
    texts = [
        "地域公共交通の確保が課題です。",
        "山あいの集落では公共交通の確保をお願いしたい。",
        "駅前の駐輪場が足りません。",
        "駐輪場をもっと広くしてほしい。",
    ]
    namer, _ = fitted_namer(texts)
    assert namer.names([range(2)]) == ["公共交通の確保"]
    namer, _ = fitted_namer(
        ["地域公共交通の確保が課題です。", "地域公共交通の確保を。", *texts[2:]]
    )
    assert namer.names([range(2)]) == ["地域公共交通の確保"]
    namer, _ = fitted_namer(["株主資本主義の限界", "新たな国家資本主義の台頭", *texts[2:]])
    assert namer.names([range(2)]) == [None]  # 資本主義 written on its own in neither


def test_a_form_that_is_no_noun_phrase_does_not_name():
    texts = ["駐車場に車を停めた。", "駐車場に車を停めたい。", "公園が広い。", "公園の芝生"]
    namer, _ = fitted_namer(texts)
    assert namer.names([range(2)]) == [None]


def test_a_short_clause_names_a_group_without_a_shared_noun_phrase():
    texts = [
        "平日の昼間はバスの本数が少ない。",
        "本数が少ないので車で来ました。",
        "駅から遠くて歩くのが大変でした。",
        "海がきれいで、また来たいです。",
        "夕日がとてもきれいでした。",
        "海沿いの道を散歩しました。",
    ]
    namer, normalized = fitted_namer(texts)
    (name,) = namer.names([range(3)])
    assert name == "本数が少ない"
    assert sum(name in text for text in normalized[:3]) == 2


def test_a_noun_phrase_names_before_a_clause_of_the_same_words():
    texts = [
        "自然が豊かで子どもが喜びました。",
        "自然が豊かなところが良い。",
        "自然豊かな公園でした。",
        "駅前の駐輪場が足りません。",
        "駐輪場をもっと広くしてほしい。",
    ]
    namer, _ = fitted_namer(texts)
    assert namer.names([range(3)]) == ["自然豊か"]  # written once, counted in three


def test_a_phrase_written_in_every_group_does_not_name_one():
    closing = "行政の説明責任を果たしてください。"
    namer, _ = fitted_namer([text + closing for text in COUNTER + BUS])
    assert "行政の説明責任" not in namer.names([range(6), range(6, 12)])


def test_two_groups_never_share_a_name():
    namer, _ = fitted_namer(COUNTER + BUS)
    first, second = namer.names([range(6), range(6)])
    assert first != second


def test_a_group_without_a_shared_phrase_gets_no_name():
    texts = ["図書館が好きです。", "図書館をもっと開けてほしい。", "図書館は静かです。"]
    namer, _ = fitted_namer(texts + BUS)
    assert namer.names([range(3)]) == [None]


def test_a_name_holds_two_content_words():
    assert is_phrase_name("窓口の待ち時間")
    assert is_phrase_name("公共交通")  # a compound of two nouns
    assert is_phrase_name("マイナンバーカードの更新")
    assert not is_phrase_name("マイナンバーカード")  # one dictionary word
    assert not is_phrase_name("スカイツリー")  # one loanword, split by the dictionary
    assert not is_phrase_name("舞茸")  # one word, split into single kanji
    assert is_phrase_name("美味しい海鮮")
    assert not is_phrase_name("多い印象")  # the end of a sentence, not a name


def test_a_clause_names_when_it_says_what_something_is_like():
    assert is_phrase_name("本数が少ない")
    assert is_phrase_name("駐車場が狭い")
    assert is_phrase_name("交通が便利")
    assert not is_phrase_name("人が来る")  # 来る says nothing on its own
    assert not is_phrase_name("駐車場が狭く")  # not the adjective's own form
    assert not is_phrase_name("が多い")


def test_two_nouns_listed_with_to_or_ya_make_a_phrase():
    assert is_phrase_name("食事や買い物")
    assert is_phrase_name("ゴミ箱とベンチ")
    assert not is_phrase_name("友達と旅行")  # with whom, not a list


def test_numbers_names_and_references_are_not_names():
    assert not is_phrase_name("第3章")
    assert not is_phrase_name("山田太郎")
    assert not is_phrase_name("山田さんの対応")
    assert not is_phrase_name("山田知事の政策")
    assert not is_phrase_name("下記の原文")
    assert not is_phrase_name("手続きを進める")  # ends in a verb


def test_a_place_named_after_a_person_can_name():
    # the dictionary reads 芝政 and 丸岡 as personal names
    assert is_phrase_name("芝政ワールド")
    assert is_phrase_name("丸岡城")


def test_a_name_ends_in_a_noun_that_says_what():
    assert is_phrase_name("手続きをオンライン化")
    assert not is_phrase_name("環境政策を起点")  # を needs an action
    assert not is_phrase_name("再生可能エネルギーの最大限")  # says how much, not what
    assert not is_phrase_name("整合的な形")  # vague


def test_candidates_do_not_cut_words_or_cross_numbers():
    analyzer = Analyzer()
    text = analyzer.normalize("地域公共交通の確保について、P.12の記載と第3章の表を比べました。")
    candidates = phrase_candidates(analyzer.analyze_normalized(text), text, analyzer.stopwords)
    assert "地域公共交通の確保" in candidates
    assert "公共交通の確保" not in candidates  # 公共 is only part of 地域公共交通
    assert HEAD_MARK + "公共交通の確保" in candidates  # counted, never a name by itself
    assert all(not any(char.isdigit() for char in phrase) for phrase in candidates)


def test_an_adjective_after_its_own_subject_does_not_start_a_phrase():
    analyzer = Analyzer()
    text = analyzer.normalize("実効性の高い環境教育と、新しい公園がほしい")
    candidates = phrase_candidates(analyzer.analyze_normalized(text), text, analyzer.stopwords)
    assert "高い環境教育" not in candidates
    assert "新しい公園" in candidates


def test_a_stopword_noun_and_no_start_a_phrase():
    analyzer = Analyzer()
    text = analyzer.normalize("市のホームページで町の子育て支援の充実を知りました")
    candidates = phrase_candidates(analyzer.analyze_normalized(text), text, analyzer.stopwords)
    assert "市のホームページ" in candidates  # 市 and 町 are stopwords for grouping only
    assert "町の子育て支援の充実" in candidates
    assert "ホームページ" in candidates


def test_a_stopword_noun_inside_a_word_or_after_a_particle_does_not_start_a_phrase():
    analyzer = Analyzer()
    text = analyzer.normalize("都市のホームページと、市の窓口の待ち時間を比べた")
    candidates = phrase_candidates(analyzer.analyze_normalized(text), text, analyzer.stopwords)
    assert not any(phrase.lstrip(HEAD_MARK).startswith("市のホーム") for phrase in candidates)
    assert "窓口の待ち時間" in candidates
    assert "市の窓口の待ち時間" not in candidates  # only a phrase without a particle takes it


def test_a_group_is_named_by_a_phrase_starting_on_a_stopword_noun():
    texts = [
        "市のホームページで申請書を探しましたが、どこにあるのか分かりません。",
        "市のホームページの文字が小さくて、高齢の母には読めません。",
        "ホームページより広報紙のほうが読みやすいです。",
        "公民館の駐車場が狭くて停められない。",
        "公民館の予約をネットでできるようにしてほしい。",
        "公民館の和室の畳が傷んでいます。",
    ]
    namer, _ = fitted_namer(texts)
    assert namer.names([range(3), range(3, 6)])[0] == "市のホームページ"


def test_phrases_with_niyoru_niokeru_karano_and_a_chain_of_no():
    analyzer = Analyzer()
    text = analyzer.normalize(
        "住民による清掃活動と、駅前の商店街の活性化、地域における防災訓練、紙からの移行を望みます"
    )
    candidates = phrase_candidates(analyzer.analyze_normalized(text), text, analyzer.stopwords)
    for phrase in ("住民による清掃活動", "駅前の商店街の活性化", "地域における防災訓練"):
        assert phrase in candidates
        assert is_phrase_name(phrase)
    assert is_phrase_name("拠点としての役割")
    assert is_phrase_name("ガソリン車からの転換")
    assert not is_phrase_name("駅から徒歩")  # から without の says where from, not a name


def test_a_phrase_with_niyoru_counts_with_its_no_form():
    assert phrase_key("住民による清掃") == phrase_key("住民の清掃") == "住民清掃"


def test_two_particles_other_than_no_still_break_a_phrase():
    analyzer = Analyzer()
    text = analyzer.normalize("住民による清掃の推進を")
    candidates = phrase_candidates(analyzer.analyze_normalized(text), text, analyzer.stopwords)
    assert "住民による清掃の推進" not in candidates


def test_a_counter_after_a_number_does_not_start_a_phrase():
    analyzer = Analyzer()
    text = analyzer.normalize("2050 年カーボンニュートラルの達成に向けて")
    candidates = phrase_candidates(analyzer.analyze_normalized(text), text, analyzer.stopwords)
    assert not any(phrase.startswith("年") for phrase in candidates)


def test_a_longer_phrase_holding_the_best_one_names_the_group():
    texts = [
        "公共交通の確保が課題です。",
        "山間部では公共交通の確保をお願いしたい。",
        "公共交通が不便で困っています。",
        "駅前の駐輪場が足りません。",
        "駐輪場をもっと広くしてほしい。",
        "駅前の駐輪場の料金が高い。",
    ]
    namer, _ = fitted_namer(texts)
    assert namer.names([range(3)]) == ["公共交通の確保"]


def test_analysis_labels_themes_with_phrases_and_keeps_the_keywords():
    result = analyze(COUNTER + BUS, k=2)
    for theme in result.themes:
        if theme.is_other:
            continue
        rows = [int(i) for i in theme.comment_ids]
        if theme.label_is_phrase:
            verbatim, folded = held_by(theme.label, [(COUNTER + BUS)[row] for row in rows])
            assert verbatim >= 1 and folded >= 2
        assert theme.keywords


def test_analysis_falls_back_to_keywords_when_no_phrase_qualifies():
    texts = [
        "図書館で本を借りる。",
        "図書館の本が古い。",
        "図書館に本が少ない。",
        "公園で子どもと遊ぶ。",
        "公園に遊具が少ない。",
        "公園の遊具が古い。",
    ]
    result = analyze(texts, k=2, min_theme_size=2)
    themes = [theme for theme in result.themes if not theme.is_other]
    assert themes
    for theme in themes:
        assert not theme.label_is_phrase
        assert theme.label.split("・")[0] in ("図書館", "公園")


def test_a_phrase_does_not_end_in_the_stem_of_a_word():
    analyzer = Analyzer()
    text = analyzer.normalize("ファミリー向けのメニューと、窓口業務の効率化をお願いします")
    candidates = phrase_candidates(analyzer.analyze_normalized(text), text, analyzer.stopwords)
    assert not any(phrase.endswith("向") for phrase in candidates)
    assert "窓口業務の効率化" in candidates


def test_a_phrase_written_across_a_line_wrap_names_without_the_wrap():
    # sticky notes wrap lines where the note is full: the space is no word break
    notes = [
        "空き家 活用を進めてほしい",
        "空き家 活用の相談窓口",
        "公園の遊具が古い",
        "公園のトイレが汚い",
    ]
    namer, normalized = fitted_namer(notes)
    (name,) = namer.names([range(2)])
    assert name == "空き家活用"
    assert all(name in text.replace(" ", "") for text in normalized[:2])
    assert unwrapped("商店街の 活性化") == "商店街の活性化"
    assert unwrapped("ESG 投資") == "ESG投資"
    assert unwrapped("Free Wi-Fi") == "Free Wi-Fi"  # a space between Latin words stays


def test_a_form_written_without_a_wrap_names_first():
    notes = ["治安 悪化が心配", "治安 悪化", "治安の悪化", "公園の遊具が古い", "公園の芝生"]
    namer, _ = fitted_namer(notes)
    assert namer.names([range(3)]) == ["治安の悪化"]


def test_a_longer_phrase_only_across_a_wrap_does_not_replace_the_name():
    # 商店街の活性化 イベント is two phrases side by side more likely than one
    texts = [
        "商店街の活性化 イベントを増やして",
        "商店街の活性化 イベントがもっとほしい",
        "商店街の活性化が必要です",
        "図書館の開館時間を延ばしてほしい",
        "図書館の本が古い",
    ]
    namer, _ = fitted_namer(texts)
    assert namer.names([range(3)]) == ["商店街の活性化"]


def test_a_name_does_not_end_in_an_adjectival_teki():
    assert not is_phrase_name("洋上風力発電への積極的")  # cut from 積極的な導入
    assert not is_phrase_name("環境への効果的")
    assert is_phrase_name("洋上風力発電の導入")


def candidates_of(text: str) -> tuple[str, ...]:
    analyzer = Analyzer()
    normalized = analyzer.normalize(text)
    return phrase_candidates(
        analyzer.analyze_normalized(normalized), normalized, analyzer.stopwords
    )


def test_an_inflected_adjective_counts_its_clause_but_does_not_name_it():
    assert candidates_of("休日の駅前は人が多すぎる") == (HEAD_MARK + "人が多い",)
    assert HEAD_MARK + "駐車場が狭い" in candidates_of("駐車場が狭かったです")
    assert HEAD_MARK + "本数が少ない" in candidates_of("バスの本数が少なく不便")
    texts = [
        "休日の駅前は人が多すぎる",
        "人が多いので朝早く行きます",
        "川沿いの桜がきれい",
        "夜景がきれいな展望台",
    ]
    namer, _ = fitted_namer(texts)
    assert namer.names([range(2)]) == ["人が多い"]  # written as such in one, counted in two
    verbatim, folded = held_by("人が多い", texts[:2])
    assert verbatim == 1 and folded == 2
    only_inflected = ["駐車場が狭くて困る", "駐車場が狭かった", *texts[2:]]
    namer, _ = fitted_namer(only_inflected)
    assert namer.names([range(2)]) == [None]  # a name is written as such somewhere


def test_a_clause_names_what_happens_to_something():
    assert is_phrase_name("高齢者が増える")
    assert is_phrase_name("駅の統廃合が進む")
    assert is_phrase_name("地域の格差が広がる")
    assert is_phrase_name("商店街がなくなる")
    assert not is_phrase_name("駐車場がある")  # a verb that says nothing on its own
    assert not is_phrase_name("変な音がする")
    assert not is_phrase_name("子どもがいる")
    assert not is_phrase_name("高齢者が増えた")  # not the verb's own form
    assert not is_phrase_name("統廃合を進める")  # an object, not a subject


def test_an_inflected_verb_counts_its_clause_in_the_base_form():
    assert candidates_of("これから高齢者が増えていくと思います") == (HEAD_MARK + "高齢者が増える",)
    assert HEAD_MARK + "統廃合が進む" in candidates_of("駅の統廃合が進んでいる")
    assert HEAD_MARK + "格差が広がる" in candidates_of("地域の格差が広がった")
    assert HEAD_MARK + "人口が減る" in candidates_of("人口が減りました。")
    # a negative or a wish says something else
    assert candidates_of("人口が増えていない") == ()
    assert candidates_of("格差が広がってほしくない") == ()
    assert candidates_of("人口が増えない") == ()


def test_a_verb_clause_names_where_two_comments_write_it():
    texts = [
        "2050年には高齢者が増えていると思う",
        "高齢者が増えるので病院が足りなくなりそう",
        "空き家がたくさんある",
        "川沿いの桜がきれい",
        "夜景がきれいな展望台",
        "バスの本数が少ない",
    ]
    namer, _ = fitted_namer(texts)
    assert namer.names([range(3)]) == ["高齢者が増える"]
    alone = ["高齢者が増えていると思う", "若い人は都心に集まる", *texts[2:]]
    namer, _ = fitted_namer(alone)
    assert namer.names([range(3)]) == [None]  # written in one comment only


def test_a_noun_phrase_names_before_a_clause_that_holds_it():
    texts = [
        "子育て支援が広がるとうれしい",
        "子育て支援が広がってほしい",
        "子育て支援が広がることを願っています",
        *BUS,
    ]
    namer, _ = fitted_namer(texts)
    assert namer.candidates(range(3))[:2] == ("子育て支援", "子育て支援が広がる")
    assert namer.names([range(3)]) == ["子育て支援"]
