import numpy as np

from nlp import Analyzer
from nlp.features import CommentFeatures, LsaFeatures
from tests.nlp_texts import four_topics


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
