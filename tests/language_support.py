"""Finding Japanese interface text left on a page meant to be in another language."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff々〆ー]+[^\s<>]*")
# in a Chinese page the characters are Chinese: Japanese left there shows by its kana
KANA = re.compile(r"[^\s<>]*[\u3040-\u30ffー]+[^\s<>]*")
# the language menu names each language in itself: 日本語, やさしい日本語, 中文（简体）
MENU = re.compile(r'<nav class="language-menu".*?</nav>', re.S)
HIDDEN = re.compile(r"<(script|style|title)\b.*?</\1>", re.S)
TAG = re.compile(r"<[^>]+>")


def leftover_japanese(page: str, data: Iterable[str] = ()) -> list[str]:
    """The Japanese runs in a page's visible text once the city's own data is taken out:
    titles, places, questions, the city's name, what the resident typed. On a Chinese page
    only runs with kana count."""
    text = html.unescape(TAG.sub(" ", HIDDEN.sub(" ", MENU.sub(" ", page))))
    for value in sorted(data, key=len, reverse=True):  # longest first: a title holds a place
        text = text.replace(value, " ")
    chinese = '<html lang="zh' in page
    return (KANA if chinese else JAPANESE).findall(text)
