"""nlp: turn Japanese free-text comments into themes a planner can read.

A pure library: no Flask, no database, no network. Entry points::

    from nlp import analyze, Analyzer, tokenize_many, SeedTheme

    result = analyze(texts, ids, k=None, seed_themes=[SeedTheme("デジタルデバイド対策", ("スマホ教室", "高齢者"))])
    for theme in result.themes:
        print(theme.id, theme.label, theme.size, theme.representative_ids)
    result.assignments[comment_id]  # -> theme id (0 is その他)
    for parent in result.parents:  # large themes (ids 1001, ...) holding the themes
        print(parent.label, [theme.label for theme in result.children(parent.id)])

    # later, with more comments: earlier ones keep their themes, new ones join the nearest;
    # result.features (FittedFeatures, to_bytes/from_bytes) spares fitting the features again
    result = extend(all_texts, all_ids, previous=result.assignments, features=result.features)

    tokens = Analyzer().analyze("マイナンバーカードの電子申請が難しい")  # store with the comment
    tokens_list = tokenize_many(texts, n_jobs=None, cache=cache)  # parallel, only new texts

    # a live board: each new note into the nearest group, or a new one (see nlp.live)
    found = assign(LiveNote(note_id, text, tokens), groups)  # groups: list[LiveGroup]
    result = regroup(notes, groups)  # on the facilitator's click; their names are kept

    detect_language("Tôi muốn học cách dùng điện thoại")  # -> Detection("vi", 1.0); see nlp.language
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Names are loaded on first use: a web worker that only masks text (nlp.masking) or draws a
# word cloud must not pay for scikit-learn and SciPy, which only the analysis needs.
_EXPORTS = {
    "TokenCache": "nlp.cache",
    "token_cache_key": "nlp.cache",
    "tokenize_many": "nlp.cache",
    "tokenize_normalized": "nlp.cache",
    "ThemeClusterer": "nlp.cluster",
    "FittedFeatures": "nlp.features",
    "LsaFeatures": "nlp.features",
    "Assignment": "nlp.live",
    "LiveGroup": "nlp.live",
    "LiveNote": "nlp.live",
    "Regrouping": "nlp.live",
    "assign": "nlp.live",
    "regroup": "nlp.live",
    "TfidfFeatures": "nlp.features",
    "Detection": "nlp.language",
    "detect_language": "nlp.language",
    "normalize": "nlp.normalize",
    "OTHER_THEME_ID": "nlp.pipeline",
    "analyze": "nlp.pipeline",
    "extend": "nlp.pipeline",
    "read_seed_themes": "nlp.seeds",
    "KScore": "nlp.themes",
    "SeedTheme": "nlp.themes",
    "Theme": "nlp.themes",
    "ThemeResult": "nlp.themes",
    "Analyzer": "nlp.tokenize",
    "read_stopwords": "nlp.tokenize",
}

if TYPE_CHECKING:
    from nlp.cache import TokenCache, token_cache_key, tokenize_many, tokenize_normalized
    from nlp.cluster import ThemeClusterer
    from nlp.features import FittedFeatures, LsaFeatures, TfidfFeatures
    from nlp.language import Detection, detect_language
    from nlp.live import Assignment, LiveGroup, LiveNote, Regrouping, assign, regroup
    from nlp.normalize import normalize
    from nlp.pipeline import OTHER_THEME_ID, analyze, extend
    from nlp.seeds import read_seed_themes
    from nlp.themes import KScore, SeedTheme, Theme, ThemeResult
    from nlp.tokenize import Analyzer, read_stopwords


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nlp' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "OTHER_THEME_ID",
    "Analyzer",
    "Assignment",
    "Detection",
    "FittedFeatures",
    "KScore",
    "LiveGroup",
    "LiveNote",
    "LsaFeatures",
    "Regrouping",
    "SeedTheme",
    "TfidfFeatures",
    "Theme",
    "ThemeClusterer",
    "ThemeResult",
    "TokenCache",
    "analyze",
    "assign",
    "detect_language",
    "extend",
    "normalize",
    "read_seed_themes",
    "read_stopwords",
    "regroup",
    "token_cache_key",
    "tokenize_many",
    "tokenize_normalized",
]
