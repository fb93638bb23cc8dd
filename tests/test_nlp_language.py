import csv
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from nlp.language import LANGUAGE_NAMES, UNDETERMINED, Detection, detect_language

DATA = Path(__file__).parent / "data"
LANGUAGES = ("ja", "en", "zh", "ko", "vi", "pt")


def read_texts(name: str) -> list[tuple[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as file:
        rows = csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["code"], row["text"]) for row in rows]


# languages_heldout.tsv was written after the rules were settled and never tuned on.
TEXTS = read_texts("languages.tsv") + read_texts("languages_heldout.tsv")
LONG_TEXTS = [(code, text) for code, text in TEXTS if len(text) >= 20]


def test_our_texts_cover_every_language_with_forty_of_twenty_characters_or_more():
    counts = Counter(code for code, _ in LONG_TEXTS)
    assert set(counts) == set(LANGUAGES)
    assert min(counts.values()) >= 40
    assert max(len(text) for _, text in TEXTS) <= 200


def test_texts_of_twenty_characters_or_more_are_detected_right_95_percent_overall():
    right = sum(detect_language(text).code == code for code, text in LONG_TEXTS)
    assert right / len(LONG_TEXTS) >= 0.95


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_is_detected_right_90_percent(language):
    texts = [text for code, text in LONG_TEXTS if code == language]
    right = sum(detect_language(text).code == language for text in texts)
    assert right / len(texts) >= 0.9


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n ",
        "OK",
        "あ",
        "2026年",
        "12345 / 090-0000-0000",
        "😀👍🙏",
        "！？。、…",
        "https://example.jp/form?id=123",
    ],
)
def test_too_short_or_without_letters_is_undetermined(text):
    assert detect_language(text) == Detection(UNDETERMINED, 0.0)


def test_kanji_both_languages_write_alike_cannot_be_told():
    assert detect_language("市役所").code == UNDETERMINED
    assert detect_language("温泉").code == UNDETERMINED


@pytest.mark.parametrize(
    "text",
    [
        "Me gustaría que el autobús pasara más seguido por el parque.",
        "Salamat po sa tulong ng mga staff sa city hall.",
        "Saya ingin belajar cara menggunakan aplikasi kota.",
        "Je voudrais des informations en français sur la garderie.",
        "Ich möchte einen Kurs für Smartphones besuchen.",
        "Здравствуйте, где находится ближайший пункт эвакуации?",
        "สวัสดีครับ ผมอยากเรียนภาษาญี่ปุ่น",
    ],
)
def test_other_languages_are_undetermined_rather_than_forced(text):
    assert detect_language(text).code == UNDETERMINED


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("DXって言うけど、LINEで申請できる手続きはまだ少ない。", "ja"),
        ("ＬＩＮＥで申請したい", "ja"),  # full-width letters
        ("避難所運営体制強化要望", "ja"),  # kanji only, Japanese forms (運 営 強 要)
        ("しやくしょの まどぐちは なんじまで ですか", "ja"),  # やさしい日本語
        ("我的マイナンバーカード下个月到期，网上预约已经满了。", "zh"),  # a katakana word quoted
        ("社区巴士早上7点到9点之间只有2班，根本不够用。", "zh"),  # numerals
        ("防灾训练", "zh"),
        ("시 공식 LINE 계정에서 한국어 메시지도 보내 주세요.", "ko"),
        ("The sign at the 市役所前 bus stop is only in kanji.", "en"),
        ("Nao entendi como fazer a inscricao da creche.", "pt"),
        ("Toi muon hoc cach dung dien thoai thong minh.", "vi"),
        ("Cam on chi nhan vien da giup em lam thu tuc.", "vi"),
    ],
)
def test_mixed_and_unmarked_texts(text, code):
    assert detect_language(text).code == code


def test_vietnamese_with_combining_marks_is_read_like_precomposed():
    text = "Tôi muốn học cách dùng điện thoại thông minh."
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    assert detect_language(decomposed) == detect_language(text)
    assert detect_language(text).code == "vi"


def test_confidence_is_lower_on_little_evidence():
    long = detect_language("公園のトイレが夜は暗くて怖いので、照明を増やしてほしいです。")
    short = detect_language("はい")
    assert long == Detection("ja", 1.0)
    assert short.code == "ja"
    assert 0.0 < short.confidence < long.confidence
    assert all(0.0 <= detect_language(text).confidence <= 1.0 for _, text in TEXTS)


def test_every_code_has_a_japanese_name_for_the_staff_pages():
    assert set(LANGUAGE_NAMES) == {*LANGUAGES, UNDETERMINED}
    assert LANGUAGE_NAMES["vi"] == "ベトナム語"
