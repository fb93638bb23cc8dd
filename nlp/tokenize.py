"""Janome tokenizing in the style of ``janome.analyzer.Analyzer``.

char filters -> one shared Janome ``Tokenizer`` (with the packaged user dictionary)
-> token filters -> base forms of the content words.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from janome.dic import UserDictionary
from janome.tokenizer import Token, Tokenizer

from nlp.normalize import DEFAULT_CHAR_FILTERS, CharFilter, normalize

DATA_DIR = Path(str(resources.files("nlp") / "data"))
DEFAULT_USERDIC = DATA_DIR / "userdic.csv"
DEFAULT_STOPWORDS = DATA_DIR / "stopwords.txt"
# Bump when a filter's behaviour changes, so cached tokens are recomputed.
PIPELINE_VERSION = "1"


@dataclass(frozen=True, slots=True)
class Morpheme:
    surface: str
    pos: tuple[str, ...]  # e.g. ("名詞", "サ変接続", "*", "*")
    base_form: str


TokenFilter = Callable[[Iterable[Morpheme]], Iterator[Morpheme]]


def worker_count(n_jobs: int | None = None) -> int:
    """Processes for tokenizing or masking many texts: ``n_jobs`` when given (> 0), else the
    environment's ``NLP_JOBS``, else every core this process may use.

    ``NLP_JOBS=1`` keeps the work in the calling process: for a caller that runs threads (a
    test session with a mail server and a live web server) forking a pool is not safe.
    """
    if n_jobs is not None and n_jobs > 0:
        return n_jobs
    configured = os.environ.get("NLP_JOBS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


_tokenizers: dict[str | None, Tokenizer] = {}
_building = threading.Lock()


def shared_tokenizer(userdic: str | None) -> Tokenizer:
    """One Janome tokenizer per dictionary and process; the user dictionary is compiled once.

    Built under a lock: a web worker's first posts ask for it at once from several threads,
    and Janome's dictionary compiler is not thread-safe (a module-level set changed during
    iteration, and each thread compiled its own copy meanwhile).
    """
    tokenizer = _tokenizers.get(userdic)
    if tokenizer is None:
        with _building:
            tokenizer = _tokenizers.get(userdic)
            if tokenizer is None:
                tokenizer = _tokenizers[userdic] = build_tokenizer(userdic)
    return tokenizer


def build_tokenizer(userdic: str | None) -> Tokenizer:
    if userdic is None:
        return Tokenizer()
    tokenizer = Tokenizer(userdic, udic_type="simpledic", udic_enc="utf8")
    # Janome has no public hook for the user-dictionary lookup, so its own dictionary
    # is swapped for a filtered one (built again: ~20 ms) only where it is the attribute
    # and class Janome 0.5 uses; anywhere else Janome's stays, slower but right, and
    # test_user_dictionary_is_searched_only_where_a_user_word_can_start fails.
    built = getattr(tokenizer, "user_dic", None)
    if built is not None and type(built) is UserDictionary:
        tokenizer.user_dic = _PrefixFilteredDictionary(userdic, built.connections)
    return tokenizer


def janome_tokens(tokenizer: Tokenizer, text: str) -> Iterator[Token]:
    """``tokenizer.tokenize(text)``, typed as tokens: only wakati mode yields plain strings."""
    for token in tokenizer.tokenize(text):
        if not isinstance(token, Token):
            raise TypeError("a wakati tokenizer gives surfaces only, not parts of speech")
        yield token


def _prefixes(userdic: str) -> frozenset[bytes]:
    """The first two characters of every user word (the whole word if it has one)."""
    lines = Path(userdic).read_text(encoding="utf-8").splitlines()
    return frozenset(line.split(",", 1)[0][:2].encode() for line in lines if line)


def _utf8_length(lead_byte: int) -> int:
    if lead_byte < 0x80:
        return 1
    if lead_byte < 0xE0:
        return 2
    return 3 if lead_byte < 0xF0 else 4


class _PrefixFilteredDictionary(UserDictionary):
    """Janome's user dictionary, skipping the lookup where no user word can start.

    Janome searches the user dictionary's automaton at every character, which
    made tokenizing ~25 % slower; a user word can only match where the text
    starts with one of the words' first two characters, so elsewhere the answer
    is known to be empty.
    """

    def __init__(self, userdic: str, connections: Any) -> None:
        super().__init__(userdic, "utf8", "simpledic", connections)
        self.prefixes = _prefixes(userdic)

    def lookup(self, s: bytes, matcher: Any = None) -> list[Any]:
        if not self._may_start_word(s):
            return []
        # Janome's tokenizer passes no matcher; 0.5.0's lookup takes none, 0.5.1's an optional one.
        return super().lookup(s) if matcher is None else super().lookup(s, matcher)

    def _may_start_word(self, encoded: bytes) -> bool:
        if not encoded:
            return False
        first = _utf8_length(encoded[0])
        second = first + _utf8_length(encoded[first]) if len(encoded) > first else first
        return encoded[:first] in self.prefixes or encoded[:second] in self.prefixes


# Noun subtypes that carry meaning; 非自立, 代名詞, 数, 接尾 and 副詞可能 (今後, 現在) do not.
_CONTENT_NOUNS = frozenset({"一般", "固有名詞", "サ変接続", "形容動詞語幹", "ナイ形容詞語幹", "*"})


def content_words(morphemes: Iterable[Morpheme]) -> Iterator[Morpheme]:
    """Keep nouns, independent verbs and adjectives (a strict part-of-speech filter)."""
    for morpheme in morphemes:
        major, minor = morpheme.pos[0], morpheme.pos[1]
        if (major == "名詞" and minor in _CONTENT_NOUNS) or (
            major in ("動詞", "形容詞") and minor == "自立"
        ):
            yield morpheme


def _is_noise(word: str) -> bool:
    if len(word) == 1 and not _is_kanji(word):
        return True
    return all(not char.isalpha() for char in word)


def _is_kanji(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def drop_noise(morphemes: Iterable[Morpheme]) -> Iterator[Morpheme]:
    """Drop numbers, symbols and single kana or latin letters."""
    return (m for m in morphemes if not _is_noise(m.base_form))


def join_compounds(morphemes: Iterable[Morpheme]) -> Iterator[Morpheme]:
    """Join runs of adjacent nouns (行政 + サービス -> 行政サービス); for labels, not features."""
    run: list[Morpheme] = []
    for morpheme in morphemes:
        if morpheme.pos[0] == "名詞" and morpheme.pos[1] not in ("非自立", "代名詞"):
            run.append(morpheme)
            continue
        if run:
            yield _joined(run)
            run = []
        yield morpheme
    if run:
        yield _joined(run)


def _joined(run: Sequence[Morpheme]) -> Morpheme:
    if len(run) == 1:
        return run[0]
    surface = "".join(m.surface for m in run)
    return Morpheme(surface, ("名詞", "複合", "*", "*"), surface)


class StopwordFilter:
    """Drop tokens whose base form is a stopword."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(words)

    def __call__(self, morphemes: Iterable[Morpheme]) -> Iterator[Morpheme]:
        return (m for m in morphemes if m.base_form not in self.words)

    def __repr__(self) -> str:
        return f"StopwordFilter({sorted(self.words)!r})"


def read_stopwords(path: str | Path) -> list[str]:
    """One word per line; blank lines and ``#`` comments are skipped."""
    lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    words = (line.split("#", 1)[0].strip() for line in lines)
    return [normalize(word) for word in words if word]


def default_stopwords() -> list[str]:
    return read_stopwords(DEFAULT_STOPWORDS)


def token_cache_key(normalized_text: str, version: str) -> str:
    """Key of one text's tokens: a hash of the normalised text and the analyzer version."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(version.encode())
    digest.update(b"\0")
    digest.update(normalized_text.encode())
    return digest.hexdigest()


class Analyzer:
    """Turn one text into the tuple of base forms the pipeline keeps.

    ``stopwords`` replaces the packaged list; ``extra_stopwords`` and
    ``stopword_files`` extend it. ``version`` changes whenever Janome, the
    dictionary, the stopwords or the filters do, so it belongs in any token-cache key.
    """

    def __init__(
        self,
        *,
        userdic: str | Path | None = DEFAULT_USERDIC,
        stopwords: Iterable[str] | None = None,
        extra_stopwords: Iterable[str] = (),
        stopword_files: Iterable[str | Path] = (),
        char_filters: Sequence[CharFilter] = DEFAULT_CHAR_FILTERS,
        token_filters: Sequence[TokenFilter] | None = None,
    ) -> None:
        words = set(default_stopwords() if stopwords is None else stopwords)
        words.update(normalize(word) for word in extra_stopwords)
        for path in stopword_files:
            words.update(read_stopwords(path))
        self.userdic = None if userdic is None else str(userdic)
        self.stopwords = frozenset(words)
        self.char_filters = tuple(char_filters)
        if token_filters is None:
            token_filters = (content_words, drop_noise, StopwordFilter(self.stopwords))
        self.token_filters = tuple(token_filters)
        self.version = self._fingerprint()

    def normalize(self, text: str) -> str:
        return normalize(text, self.char_filters)

    def morphemes(self, normalized: str) -> Iterator[Morpheme]:
        """Janome morphemes of an already normalised text, before the token filters."""
        for token in janome_tokens(shared_tokenizer(self.userdic), normalized):
            surface = token.surface
            base_form = token.base_form
            yield Morpheme(
                surface,
                tuple(token.part_of_speech.split(",")),
                surface if base_form == "*" else base_form,
            )

    def analyze_normalized(self, normalized: str) -> tuple[str, ...]:
        stream: Iterable[Morpheme] = self.morphemes(normalized)
        for token_filter in self.token_filters:
            stream = token_filter(stream)
        return tuple(m.base_form for m in stream)

    def analyze(self, text: str) -> tuple[str, ...]:
        """Normalise, tokenize and filter one text."""
        return self.analyze_normalized(self.normalize(text))

    def cache_key(self, text: str) -> str:
        """The token-cache key of a text for this analyzer (see ``nlp.tokenize_many``)."""
        return token_cache_key(self.normalize(text), self.version)

    def _fingerprint(self) -> str:
        digest = hashlib.blake2b(digest_size=8)
        digest.update(PIPELINE_VERSION.encode())
        # a Janome release may change its system dictionary or how it reads ours
        digest.update(metadata.version("janome").encode())
        if self.userdic is not None:
            digest.update(Path(self.userdic).read_bytes())
        digest.update("\n".join(sorted(self.stopwords)).encode())
        for step in (*self.char_filters, *self.token_filters):
            digest.update(_describe(step).encode())
        return digest.hexdigest()


def _describe(step: object) -> str:
    if isinstance(step, StopwordFilter):
        return "StopwordFilter"  # its words are hashed separately
    return getattr(step, "__qualname__", None) or repr(step)
