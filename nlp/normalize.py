"""Character filters: small ``str -> str`` steps run before tokenizing.

The original text is never changed; callers keep it for display and only
feed the normalised copy to the tokenizer.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Sequence

CharFilter = Callable[[str], str]

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_SPACES = re.compile(r"[ \t\u3000]+")
# Runs of the same symbol ("!!!", "・・・", "ーーー", "www") carry emphasis, not content.
_REPEATED_SYMBOLS = re.compile(r"([!?!?。、,.・…ー〜~\-=*＊☆★♪wW笑])\1+")
_WAVE_DASHES = re.compile("[〜~〰]")


def unescape_entities(text: str) -> str:
    """HTML character references left by a web form's export (&hellip; &amp; &#12354;)
    become the characters they stand for; otherwise "hellip" is read as a word."""
    return html.unescape(text) if "&" in text else text


def nfkc(text: str) -> str:
    """Unicode NFKC: full-width ASCII and half-width katakana become their usual forms."""
    return unicodedata.normalize("NFKC", text)


def join_lines(text: str) -> str:
    """Line breaks end a thought in free text; treat them as a sentence end."""
    return _LINE_BREAKS.sub("。", text.strip())


def collapse_repeats(text: str) -> str:
    """Squeeze runs of one symbol into a single one."""
    return _REPEATED_SYMBOLS.sub(r"\1", text)


def unify_wave_dashes(text: str) -> str:
    """Wave dashes used as long vowels ("すご〜い") become "ー"."""
    return _WAVE_DASHES.sub("ー", text)


def squeeze_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


DEFAULT_CHAR_FILTERS: tuple[CharFilter, ...] = (
    unescape_entities,
    nfkc,
    join_lines,
    unify_wave_dashes,
    collapse_repeats,
    squeeze_spaces,
)


def normalize(text: str, char_filters: Sequence[CharFilter] = DEFAULT_CHAR_FILTERS) -> str:
    """Run the character filters in order."""
    for char_filter in char_filters:
        text = char_filter(text)
    return text
