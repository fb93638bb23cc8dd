"""Render a word cloud of Japanese terms as PNG bytes.

The wordcloud package's bundled font has no Japanese glyphs and draws every
kanji as a box, so the cloud uses IPAexGothic, which the japanize-matplotlib
dependency ships; nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import io
import math
from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path

from wordcloud import WordCloud

_FONT_PACKAGE = "japanize_matplotlib"
_FONT_FILE = Path("fonts") / "ipaexg.ttf"


def render_wordcloud(
    frequencies: Mapping[str, float],
    *,
    width: int = 800,
    height: int = 500,
    seed: int = 0,
    max_words: int = 150,
    stopwords: Collection[str] = (),
) -> bytes:
    """PNG of ``frequencies`` (term → weight); the same input and seed give the same bytes.

    Terms in ``stopwords`` and terms without a positive finite weight are left
    out. Raises ValueError when no term remains: an empty cloud says nothing, so
    the caller should show a message such as 「まだ意見がありません」 instead.
    """
    terms = {
        term: float(weight)
        for term, weight in frequencies.items()
        if term.strip() and term not in stopwords and math.isfinite(weight) and weight > 0
    }
    if not terms:
        raise ValueError("no terms with a positive weight to draw in the word cloud")
    cloud = WordCloud(
        font_path=str(japanese_font_path()),
        width=width,
        height=height,
        max_words=max_words,
        random_state=seed,
        background_color="white",
        colormap="Dark2",  # dark colours stay readable on white; viridis ends in pale yellow
        prefer_horizontal=1.0,  # rotated Japanese is hard to read
    )
    cloud.generate_from_frequencies(terms)
    buffer = io.BytesIO()
    cloud.to_image().save(buffer, format="PNG")
    return buffer.getvalue()


@cache
def japanese_font_path() -> Path:
    """Path of IPAexGothic inside the installed japanize-matplotlib package.

    The package is located without importing it, which would import matplotlib.
    """
    spec = importlib.util.find_spec(_FONT_PACKAGE)
    locations = spec.submodule_search_locations if spec is not None else None
    for location in locations or ():
        path = Path(location) / _FONT_FILE
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"Japanese font {_FONT_FILE} not found: install the project's dependencies "
        f"(pip install japanize-matplotlib) to draw Japanese word clouds"
    )
