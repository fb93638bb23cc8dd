"""Mask personal data in an opinion before it is published.

Finds phone numbers, e-mail addresses, postal codes, street addresses down to the
house number, and personal names next to an honorific (さん・様・氏・くん・ちゃん),
and replaces each with a bracketed marker such as 〔電話番号〕.

Deliberately left alone, because opinions about the plan need them: dates, times,
money, percentages, counts, plan section numbers (第3章2節, 素案の3-2-1) and
neighbourhood references without a house number (緑町3丁目の交差点).

The word lists (prefectures, honorifics, words that are not names or not towns) are
data files, nlp/data/masking_*.txt. ``MASKING_VERSION`` changes with them, the rules
and Janome: a masked text stored under an older version is to be made again.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import metadata

from janome.tokenizer import Token

from nlp.tokenize import DATA_DIR, janome_tokens, shared_tokenizer, worker_count

# Word lists, one word per line in nlp/data/; a city may correct them without touching code.
_WORD_FILES = (
    "masking_prefectures.txt",
    "masking_not_towns.txt",
    "masking_honorifics.txt",
    "masking_not_names.txt",
    "masking_role_suffixes.txt",
)
# Bump when a rule below changes, so that stored masked texts are made again.
RULES_VERSION = "1"


def _read_words(name: str) -> tuple[str, ...]:
    """One word per line, as written (no normalising: ヶ and 〆 matter); "#" starts a comment."""
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    words = (line.split("#", 1)[0].strip() for line in lines)
    return tuple(word for word in words if word)


def _masking_version() -> str:
    """Changes with the rules, the word lists and Janome (its dictionary finds the names)."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update(RULES_VERSION.encode())
    digest.update(metadata.version("janome").encode())
    for name in _WORD_FILES:
        digest.update((DATA_DIR / name).read_bytes())
    return digest.hexdigest()


MASKING_VERSION = _masking_version()


class PiiKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    POSTAL_CODE = "postal_code"
    ADDRESS = "address"
    PERSON_NAME = "person_name"

    @property
    def marker(self) -> str:
        return _MARKERS[self]


_MARKERS = {
    PiiKind.PHONE: "〔電話番号〕",
    PiiKind.EMAIL: "〔メールアドレス〕",
    PiiKind.POSTAL_CODE: "〔郵便番号〕",
    PiiKind.ADDRESS: "〔住所〕",
    PiiKind.PERSON_NAME: "〔氏名〕",
}

# When two findings overlap the more specific one wins: digits inside an e-mail
# address are not a phone number, a house number is not a postal code.
_PRIORITY = (
    PiiKind.EMAIL,
    PiiKind.PHONE,
    PiiKind.POSTAL_CODE,
    PiiKind.ADDRESS,
    PiiKind.PERSON_NAME,
)


@dataclass(frozen=True)
class MaskedSpan:
    kind: PiiKind
    start: int  # offsets in the original text
    end: int
    original: str  # the personal data itself: for staff review, never for publication


@dataclass(frozen=True)
class MaskResult:
    text: str  # the text to publish
    spans: tuple[MaskedSpan, ...]  # in order of position in the original text

    @property
    def is_masked(self) -> bool:
        return bool(self.spans)


def mask_personal_data(text: str, *, kinds: Collection[PiiKind] = tuple(PiiKind)) -> MaskResult:
    """Replace personal data in ``text`` with markers such as 〔電話番号〕."""
    finders = {
        PiiKind.EMAIL: _find_emails,
        PiiKind.PHONE: _find_phones,
        PiiKind.POSTAL_CODE: _find_postal_codes,
        PiiKind.ADDRESS: _find_addresses,
        PiiKind.PERSON_NAME: _find_person_names,
    }
    accepted: list[MaskedSpan] = []
    for kind in _PRIORITY:
        if kind not in kinds:
            continue
        for start, end in finders[kind](text):
            if not any(start < span.end and span.start < end for span in accepted):
                accepted.append(MaskedSpan(kind, start, end, text[start:end]))
    spans = tuple(sorted(accepted, key=lambda span: span.start))
    return MaskResult(text=_replace(text, spans), spans=spans)


# Below this many texts a process pool costs more than it saves.
_MIN_TEXTS_PER_WORKER = 200
_CHUNK_TEXTS = 500


def mask_many(
    texts: Sequence[str],
    *,
    n_jobs: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """The masked text of each text, in order, in worker processes when there are many.

    Janome finds the names and takes milliseconds a text, so 50,000 comments take minutes on
    one core. ``n_jobs``: processes (None: ``worker_count()``); ``on_progress(done, total)`` after
    each chunk of at most 500 texts.
    """
    chunks = [texts[start : start + _CHUNK_TEXTS] for start in range(0, len(texts), _CHUNK_TEXTS)]
    workers = min(worker_count(n_jobs), len(texts) // _MIN_TEXTS_PER_WORKER)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _collect(map(_mask_chunk, chunks), len(texts), on_progress)
    shared_tokenizer(None)  # built before forking: every worker inherits the dictionary
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return _collect(pool.imap(_mask_chunk, chunks), len(texts), on_progress)


def _collect(
    parts: Iterator[list[str]], total: int, on_progress: Callable[[int, int], None] | None
) -> list[str]:
    masked: list[str] = []
    for part in parts:
        masked.extend(part)
        if on_progress is not None:
            on_progress(len(masked), total)
    return masked


def _mask_chunk(texts: Sequence[str]) -> list[str]:
    return [mask_personal_data(text).text for text in texts]


def _replace(text: str, spans: tuple[MaskedSpan, ...]) -> str:
    parts: list[str] = []
    cursor = 0
    for span in spans:
        parts.append(text[cursor : span.start])
        parts.append(span.kind.marker)
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)


# Citizens type full-width digits and any of a dozen dash-like characters,
# so the patterns match the text as written instead of an NFKC copy whose
# offsets would no longer line up with the original.
_D = "[0-9０-９]"
_NOT_DIGIT_BEFORE = "(?<![0-9０-９])"
_NOT_DIGIT_AFTER = "(?![0-9０-９])"
_HYPHEN = "[-－ー―‐‑−–—]"
_SPACE = "[ 　]"
_SEP = f"(?:{_SPACE}*(?:{_HYPHEN}|[.．]){_SPACE}*|{_SPACE}+)"
_OPEN = "[(（]"
_CLOSE = "[)）]"
# CJK ideographs with compatibility forms and the supplementary planes (𠮷田).
_KANJI = "々〆ヶ\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KATAKANA = "ァ-ヴー"
_KANJI_NUMERAL = "一二三四五六七八九十〇"

# --- e-mail ---------------------------------------------------------------

_MAIL_CHAR = "A-Za-z0-9Ａ-Ｚａ-ｚ０-９"
_EMAIL = re.compile(
    f"(?<![{_MAIL_CHAR}._%+＿．＋-])"
    f"[{_MAIL_CHAR}._%+＿．＋－-]+"
    "[@＠]"
    f"[{_MAIL_CHAR}－-]+(?:[.．][{_MAIL_CHAR}－-]+)*[.．][A-Za-zＡ-Ｚａ-ｚ]{{2,}}"
)


def _find_emails(text: str) -> Iterator[tuple[int, int]]:
    for match in _EMAIL.finditer(text):
        yield match.span()


# --- phone ----------------------------------------------------------------

_PHONE = re.compile(
    # Not inside a URL path or query (…/0123456789, ?id=0312345678).
    "(?<![/=&?#%])"
    + _NOT_DIGIT_BEFORE
    + f"(?P<intl>[+＋][8８][1１]{_SEP}?(?:{_OPEN}[0０]{_CLOSE}{_SPACE}*)?)?"
    + "(?:"
    + f"{_OPEN}(?P<a1>{_D}{{1,5}}){_CLOSE}{_SPACE}*(?P<b1>{_D}{{1,4}}){_SEP}(?P<c1>{_D}{{3,4}})"
    + f"|(?P<a2>{_D}{{1,5}}){_SPACE}*{_OPEN}(?P<b2>{_D}{{1,4}}){_CLOSE}{_SPACE}*(?P<c2>{_D}{{3,4}})"
    + f"|(?P<a3>{_D}{{1,5}}){_SEP}(?P<b3>{_D}{{1,4}}){_SEP}(?P<c3>{_D}{{3,4}})"
    + f"|(?P<flat>{_D}{{10,11}})"
    + ")"
    + _NOT_DIGIT_AFTER
)
_ELEVEN_DIGIT_PREFIXES = ("020", "050", "070", "080", "090", "0800")
_SHORT_LAST_GROUP_PREFIXES = ("0120", "0570", "0990")  # 0120-123-456


def _find_phones(text: str) -> Iterator[tuple[int, int]]:
    for match in _PHONE.finditer(text):
        if _is_japanese_phone_number(match):
            yield match.span()


def _is_japanese_phone_number(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    last_group = groups["c1"] or groups["c2"] or groups["c3"] or ""
    digits = _ascii_digits(
        "".join(groups[name] or "" for name in ("a1", "b1", "c1", "a2", "b2", "c2"))
        + "".join(groups[name] or "" for name in ("a3", "b3", "c3", "flat"))
    )
    if groups["intl"] and not digits.startswith("0"):
        digits = "0" + digits  # +81 replaces the trunk prefix 0
    # Japanese numbers start with a single 0; 00… is an international prefix
    # and anything else (2026-11-23, 1,000) is not a phone number.
    if len(digits) < 10 or digits[0] != "0" or digits[1] == "0":
        return False
    if len(last_group) == 3 and not digits.startswith(_SHORT_LAST_GROUP_PREFIXES):
        return False
    expected = 11 if digits.startswith(_ELEVEN_DIGIT_PREFIXES) else 10
    return len(digits) == expected


def _ascii_digits(digits: str) -> str:
    return "".join(str(unicodedata.digit(char)) for char in digits)


# --- postal code ----------------------------------------------------------

_PREFECTURE = f"(?:{'|'.join(_read_words('masking_prefectures.txt'))})"
# Hiragana names exist (みどり市, さいたま市), so a municipality is a kanji/katakana
# or a hiragana run ending in 市区町村, optionally after a 郡 and before a ward.
_MUNICIPALITY = (
    f"(?:[{_KANJI}]{{1,5}}郡)?"
    f"(?:[{_KANJI}{_KATAKANA}]{{1,6}}|[ぁ-ん]{{2,5}})[市区町村]"
    f"(?:[{_KANJI}]{{1,4}}区)?"
)
_POSTAL_DIGITS = f"{_D}{{3}}{_HYPHEN}?{_D}{{4}}"
_POSTAL = re.compile(
    f"(?P<marked>〒{_SPACE}*{_POSTAL_DIGITS}){_NOT_DIGIT_AFTER}"
    f"|郵便番号[はがの:：]?{_SPACE}*(?P<labelled>{_POSTAL_DIGITS}){_NOT_DIGIT_AFTER}"
    # A bare 123-4567 is only a postal code when an address follows it.
    f"|{_NOT_DIGIT_BEFORE}(?P<bare>{_D}{{3}}{_HYPHEN}{_D}{{4}}){_NOT_DIGIT_AFTER}"
    f"(?={_SPACE}*(?:{_PREFECTURE}|{_MUNICIPALITY}))"
)


def _find_postal_codes(text: str) -> Iterator[tuple[int, int]]:
    for match in _POSTAL.finditer(text):
        group = next(name for name in ("marked", "labelled", "bare") if match.group(name))
        yield match.span(group)


# --- street address -------------------------------------------------------

_TOWN = f"[{_KANJI}{_KATAKANA}]{{1,8}}"
_NUMBER = f"(?:{_D}+|[{_KANJI_NUMERAL}]+)"
# A house number after 丁目: 12番5号, 12番地, 12番, 12-5, 12-5-301.
_LOT = (
    f"(?:{_D}+番地?(?!目)(?:の?{_D}+号?)?"
    f"|{_D}+{_HYPHEN}{_D}+(?:{_HYPHEN}{_D}+)?"
    f"|[{_KANJI_NUMERAL}]+番地"
    f"|[{_KANJI_NUMERAL}]+番[{_KANJI_NUMERAL}]+号)"
)
_CHOME = f"{_NUMBER}丁目{_SPACE}?{_LOT}"
_BANCHI = f"(?:{_D}+番地(?:の?{_D}+号?)?|{_D}+番{_D}+号)"
# A range of counts is not a house number: みどり市2-3月, 市内5-6か所.
_COUNTER = "[月日年人回件歳才時分秒円割%％倍個台本枚週ヶか箇名度期]"
_DASHED = f"{_D}{{1,4}}{_HYPHEN}{_D}{{1,4}}(?:{_HYPHEN}{_D}{{1,4}})?"
_ADDRESS = re.compile(
    # 丁目・番地・号 are unambiguous, so a town name before them is optional.
    f"(?:{_PREFECTURE})?(?:{_MUNICIPALITY})?(?:{_TOWN})?(?:{_CHOME}|{_BANCHI})"
    f"(?!目){_NOT_DIGIT_AFTER}"
    # 1-2-3 is also how plan sections are numbered, so it needs a municipality
    # (みどり市中央1-2-3, 緑町1-2-3) and is checked against _NOT_TOWNS below.
    f"|(?P<place>(?:{_PREFECTURE})?{_MUNICIPALITY}(?:{_TOWN})?)(?P<dashed>{_DASHED})"
    f"(?!{_HYPHEN}?{_D}|{_COUNTER})"
)
# Words before section or item numbers, not towns: 計画3-2-1, 地区2-1.
_NOT_TOWNS = _read_words("masking_not_towns.txt")
_DATE = re.compile(r"(?:19|20)\d\d-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])")
# A hiragana municipality (みどり市) can pull the particle before it into the
# match (私はみどり市…); these are dropped from the front of an address.
_PARTICLES = "はがのをにでともへやか"


# Every address ends in one of these; checking for them first spares most
# texts the address pattern, which backtracks over long kanji runs.
_ADDRESS_ANCHOR = re.compile(f"丁目|番|{_D}{_HYPHEN}{_D}")


def _find_addresses(text: str) -> Iterator[tuple[int, int]]:
    if not _ADDRESS_ANCHOR.search(text):
        return
    for match in _ADDRESS.finditer(text):
        if match.group("dashed") and not _is_dashed_address(match):
            continue
        start, end = match.span()
        while text[start] in _PARTICLES and _starts_same_address(text, start + 1, end):
            start += 1
        yield start, end


def _is_dashed_address(match: re.Match[str]) -> bool:
    dashed = unicodedata.normalize("NFKC", match.group("dashed"))
    if _DATE.fullmatch(re.sub(_HYPHEN, "-", dashed)):
        return False
    return not match.group("place").endswith(_NOT_TOWNS)


def _starts_same_address(text: str, start: int, end: int) -> bool:
    match = _ADDRESS.match(text, start)
    return match is not None and match.end() == end


# --- personal names -------------------------------------------------------

_HONORIFICS = frozenset(_read_words("masking_honorifics.txt"))
# Nouns that take さん・様 but are roles, relatives or groups, not names.
_NOT_NAMES = frozenset(_read_words("masking_not_names.txt"))
# Role and office words not worth listing one by one: 八百屋さん, 相談員さん.
_ROLE_SUFFIXES = _read_words("masking_role_suffixes.txt")
_NAME_CHARS = re.compile(f"[{_KANJI}{_KATAKANA}]+")
_MAX_PIECED_NAME = 4  # longer runs of split pieces are compounds, not names


def _find_person_names(text: str) -> Iterator[tuple[int, int]]:
    tokens = list(_positioned_tokens(text))
    for index, (token, _, _) in enumerate(tokens):
        if _is_honorific(token):
            span = _name_before(tokens, index)
            if span is not None:
                yield span
        elif _is_surname(token):
            span = _full_name_from(tokens, index)
            if span is not None:
                yield span


_Positioned = tuple[Token, int, int]


def _positioned_tokens(text: str) -> Iterator[_Positioned]:
    cursor = 0
    for token in janome_tokens(shared_tokenizer(None), text):
        surface = str(token.surface)
        start = text.find(surface, cursor)
        if start < 0:
            continue
        cursor = start + len(surface)
        yield token, start, cursor


def _is_honorific(token: Token) -> bool:
    return token.surface in _HONORIFICS and token.part_of_speech.startswith("名詞,接尾,人名")


def _is_person_name(token: Token) -> bool:
    return "人名" in token.part_of_speech and not token.part_of_speech.startswith("名詞,接尾")


def _is_surname(token: Token) -> bool:
    return token.part_of_speech.startswith("名詞,固有名詞,人名,姓")


def _is_space(token: Token) -> bool:
    return token.part_of_speech.startswith("記号,空白")


def _name_before(tokens: list[_Positioned], honorific: int) -> tuple[int, int] | None:
    """The name right before an honorific: 田中さん, 山田 太郎様, 翠川さん.

    The name is the run of kanji/katakana nouns before the honorific. Janome
    splits names it does not know into single characters or proper-noun pieces
    (翠|川, 蒼|井) but keeps common nouns whole (学校, 新人), so a run of one
    ordinary dictionary noun is not a name, and neither is a compound with a
    verbal noun or suffix in it (世話|役).
    """
    run = _name_run(tokens, honorific)
    if not run:
        return None
    words = [token for token, _, _ in run if not _is_space(token)]
    text = "".join(str(token.surface) for token in words)
    last = words[-1]
    if text in _NOT_NAMES or str(last.surface) in _NOT_NAMES:
        return None
    if not _is_person_name(last) and text.endswith(_ROLE_SUFFIXES):
        return None
    named = 0
    while named < len(run) and (
        _is_person_name(run[-1 - named][0]) or _is_space(run[-1 - named][0])
    ):
        named += 1
    if named:
        # Trailing 人名 tokens are the name, also after a title: 担当の|山田.
        first = next(
            index for index in range(len(run) - named, len(run)) if not _is_space(run[index][0])
        )
        return run[first][1], run[-1][2]
    if len(words) == 1:
        return (run[0][1], run[-1][2]) if _is_unlisted_or_proper(last) else None
    is_pieced_name = (
        len(text) <= _MAX_PIECED_NAME
        and (
            any(_is_unlisted_or_proper(word) for word in words)
            or all(len(word.surface) == 1 for word in words)
        )
        and not any(word.part_of_speech.startswith(_COMPOUND_PARTS) for word in words)
    )
    return (run[0][1], run[-1][2]) if is_pieced_name else None


def _name_run(tokens: list[_Positioned], honorific: int) -> list[_Positioned]:
    """Kanji/katakana noun tokens right before an honorific; a space only between 人名."""
    index = honorific
    while index >= 1 and (
        _is_name_piece(tokens[index - 1][0])
        or (index < honorific and _is_space_between_names(tokens, index - 1))
    ):
        index -= 1
    return tokens[index:honorific]


def _is_name_piece(token: Token) -> bool:
    # Kanji missing from the dictionary (𠮷) come out as unknown symbols.
    is_word = token.part_of_speech.startswith("名詞") or token.node_type == "UNKNOWN"
    return is_word and bool(_NAME_CHARS.fullmatch(token.surface))


def _is_space_between_names(tokens: list[_Positioned], index: int) -> bool:
    return (
        _is_space(tokens[index][0])
        and index >= 1
        and _is_person_name(tokens[index - 1][0])
        and _is_person_name(tokens[index + 1][0])
    )


# Pieces that make common compounds rather than names: 世話|役, 支援|課, 地域|包括.
_COMPOUND_PARTS = (
    "名詞,サ変接続",
    "名詞,形容動詞語幹",
    "名詞,副詞可能",
    "名詞,接尾,一般",
    "名詞,接尾,助数詞",
)


def _is_unlisted_or_proper(token: Token) -> bool:
    if token.node_type == "UNKNOWN":
        return True
    return token.part_of_speech.startswith(("名詞,固有名詞,一般", "名詞,固有名詞,地域,一般"))


def _full_name_from(tokens: list[_Positioned], surname: int) -> tuple[int, int] | None:
    """A surname followed by a given name, without honorific: 鈴木花子."""
    index = surname + 1
    if index < len(tokens) and _is_space(tokens[index][0]):
        index += 1
    if index >= len(tokens):
        return None
    token, _, end = tokens[index]
    if not token.part_of_speech.startswith("名詞,固有名詞,人名,名"):
        return None
    return tokens[surname][1], end
