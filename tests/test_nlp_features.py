import numpy as np
import pytest

from nlp import Analyzer
from nlp.features import CommentFeatures, FittedFeatures, LsaFeatures
from tests.nlp_texts import four_topics, two_topics


def cosines(vectors: np.ndarray) -> np.ndarray:
    return vectors @ vectors.T


def test_the_lsa_space_does_not_depend_on_the_seed():
    analyzer = Analyzer()
    texts, _ = four_topics()
    normalized = [analyzer.normalize(text) for text in texts]
    docs = [analyzer.analyze_normalized(text) for text in normalized]
    matrix = CommentFeatures().fit_transform(docs, normalized)
    first = LsaFeatures(n_components=20, seed=0).fit_transform(matrix)
    second = LsaFeatures(n_components=20, seed=1).fit_transform(matrix)
    assert first.shape[1] == 20
    np.testing.assert_allclose(cosines(first), cosines(second), atol=1e-6)


def fitted_on(texts: list[str], n_components: int = 20) -> tuple[FittedFeatures, list, list]:
    analyzer = Analyzer()
    normalized = [analyzer.normalize(text) for text in texts]
    docs = [analyzer.analyze_normalized(text) for text in normalized]
    features = CommentFeatures()
    lsa = LsaFeatures(n_components=n_components)
    vectors = lsa.fit_transform(features.fit_transform(docs, normalized))
    return FittedFeatures.of(features, lsa, analyzer.version, normalized, vectors), docs, normalized


def test_fitted_features_transform_new_comments_as_the_fitted_steps_do():
    texts, _ = four_topics()
    analyzer = Analyzer()
    normalized = [analyzer.normalize(text) for text in texts]
    docs = [analyzer.analyze_normalized(text) for text in normalized]
    features = CommentFeatures()
    lsa = LsaFeatures(n_components=20)
    lsa.fit(features.fit_transform(docs[:-5], normalized[:-5]))
    fitted = FittedFeatures.of(
        features,
        lsa,
        analyzer.version,
        normalized[:-5],
        lsa.transform(features.transform(docs[:-5], normalized[:-5])),
    )
    expected = lsa.transform(features.transform(docs[-5:], normalized[-5:]))
    assert np.array_equal(fitted.transform(docs[-5:], normalized[-5:]), expected)


def test_fitted_features_keep_each_comments_vector_by_its_text():
    texts, _ = two_topics()
    fitted, docs, normalized = fitted_on(texts)
    vectors, found = fitted.stored_vectors(
        [normalized[3], "まだ誰も書いていない意見", normalized[0]]
    )
    assert found.tolist() == [True, False, True]
    np.testing.assert_allclose(
        vectors[0], fitted.transform([docs[3]], [normalized[3]])[0], atol=1e-9
    )
    assert not vectors[1].any()
    kept = fitted.with_vectors(normalized[:2], vectors[[2, 0]])
    assert kept.stored_vectors(normalized[2:3])[1].tolist() == [False]


@pytest.mark.parametrize("n_texts", [40, 2])  # 2: too few to reduce, the TF-IDF is kept
def test_fitted_features_are_the_same_after_bytes(n_texts):
    texts, _ = two_topics()
    fitted, docs, normalized = fitted_on(texts[:n_texts])
    again = FittedFeatures.from_bytes(fitted.to_bytes())
    assert (again.version, again.words, again.chars) == (fitted.version, fitted.words, fitted.chars)
    for name in ("word_idf", "char_idf", "text_keys", "vectors"):
        assert np.array_equal(getattr(again, name), getattr(fitted, name)), name
    assert (again.projection is None) == (n_texts == 2)
    assert np.array_equal(again.transform(docs, normalized), fitted.transform(docs, normalized))


def test_features_stored_in_another_format_are_refused():
    texts, _ = two_topics()
    fitted, _, _ = fitted_on(texts)
    older = FittedFeatures.from_bytes(fitted.to_bytes())
    object.__setattr__(older, "version", "0:" + fitted.version.split(":", 1)[1])
    with pytest.raises(ValueError):
        FittedFeatures.from_bytes(older.to_bytes())
