from __future__ import annotations

import importlib.util
import io

import pytest
from PIL import Image, ImageChops
from wordcloud import WordCloud

from nlp import wordcloud as nlp_wordcloud
from nlp.wordcloud import japanese_font_path, render_wordcloud

FREQUENCIES = {
    "デジタル": 12.0,
    "窓口": 9.0,
    "高齢者": 7.0,
    "オンライン申請": 5.0,
    "説明会": 3.0,
    "マイナンバーカード": 2.0,
}


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def has_ink(image: Image.Image) -> bool:
    white = Image.new("RGB", image.size, "white")
    return ImageChops.difference(image.convert("RGB"), white).getbbox() is not None


def test_png_decodes_at_the_requested_size() -> None:
    png = render_wordcloud(FREQUENCIES, width=320, height=200)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = decode(png)
    assert image.format == "PNG"
    assert image.size == (320, 200)
    assert has_ink(image)


def test_japanese_glyphs_are_drawn_not_boxes() -> None:
    # Two different kana give two different pictures only if the font has them;
    # the wordcloud default font draws the same box for both.
    hiragana_a = render_wordcloud({"あ": 1.0}, width=120, height=120)
    hiragana_i = render_wordcloud({"い": 1.0}, width=120, height=120)
    assert has_ink(decode(hiragana_a))
    assert hiragana_a != hiragana_i

    def with_default_font(word: str) -> bytes:
        cloud = WordCloud(width=120, height=120, random_state=0, background_color="white")
        buffer = io.BytesIO()
        cloud.generate_from_frequencies({word: 1.0}).to_image().save(buffer, format="PNG")
        return buffer.getvalue()

    assert with_default_font("あ") == with_default_font("い")


def test_same_seed_gives_the_same_image_and_another_seed_another_layout() -> None:
    first = render_wordcloud(FREQUENCIES, width=320, height=200, seed=7)
    assert render_wordcloud(FREQUENCIES, width=320, height=200, seed=7) == first
    assert render_wordcloud(FREQUENCIES, width=320, height=200, seed=8) != first


def test_stopwords_and_non_positive_weights_are_left_out() -> None:
    expected = render_wordcloud({"窓口": 5.0, "デジタル": 3.0}, width=200, height=120)
    noisy = {"窓口": 5.0, "デジタル": 3.0, "こと": 20.0, "ため": 0.0, "もの": -1.0}
    assert render_wordcloud(noisy, width=200, height=120, stopwords={"こと"}) == expected


@pytest.mark.parametrize(
    ("frequencies", "stopwords"),
    [({}, set()), ({"こと": 3.0}, {"こと"}), ({"窓口": 0.0}, set()), ({" ": 2.0}, set())],
)
def test_nothing_to_draw_raises_value_error(
    frequencies: dict[str, float], stopwords: set[str]
) -> None:
    with pytest.raises(ValueError, match="no terms"):
        render_wordcloud(frequencies, stopwords=stopwords)


def test_max_words_limits_the_cloud() -> None:
    many = {f"語{number}": float(100 - number) for number in range(60)}
    one_word = render_wordcloud(many, width=200, height=120, max_words=1)
    assert one_word == render_wordcloud({"語0": 100.0}, width=200, height=120)


def test_font_comes_from_the_installed_japanize_matplotlib() -> None:
    path = japanese_font_path()
    assert path.name == "ipaexg.ttf"
    assert path.parent.parent.name == "japanize_matplotlib"
    assert path.is_file()


def test_missing_font_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    nlp_wordcloud.japanese_font_path.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="japanize-matplotlib"):
            render_wordcloud(FREQUENCIES)
    finally:
        monkeypatch.undo()
        nlp_wordcloud.japanese_font_path.cache_clear()
