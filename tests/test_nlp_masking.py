from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.masking import MaskResult, PiiKind, mask_many, mask_personal_data


def found(text: str) -> list[tuple[PiiKind, str]]:
    return [(span.kind, span.original) for span in mask_personal_data(text).spans]


@pytest.mark.parametrize(
    "phone",
    [
        "03-1234-5678",
        "0463-12-3456",
        "06(1234)5678",
        "(03)1234-5678",
        "（０３）１２３４－５６７８",
        "03 1234 5678",
        "0312345678",
        "090-1234-5678",
        "080 1234 5678",
        "070.1234.5678",
        "０９０－１２３４－５６７８",
        "090ー1234ー5678",
        "09012345678",
        "0120-123-456",
        "0120-12-3456",
        "0800-123-4567",
        "+81-90-1234-5678",
        "+81 3 1234 5678",
        "+81(0)3-1234-5678",
        "＋８１９０１２３４５６７８",
        "０９０１２３４５６７８",
        "+81 90 1234 5678",
    ],
)
def test_phone_numbers_are_masked(phone: str) -> None:
    text = f"日中の連絡先は{phone}です。"
    result = mask_personal_data(text)
    assert result.text == "日中の連絡先は〔電話番号〕です。"
    assert found(text) == [(PiiKind.PHONE, phone)]


@pytest.mark.parametrize(
    "email",
    [
        "midori.taro@example.jp",
        "hanako_2026+pc@mail.example.co.jp",
        "ｍｉｄｏｒｉ＠ｅｘａｍｐｌｅ．ｊｐ",
    ],
)
def test_email_addresses_are_masked(email: str) -> None:
    text = f"返信は{email}までお願いします。"
    assert mask_personal_data(text).text == "返信は〔メールアドレス〕までお願いします。"
    assert found(text) == [(PiiKind.EMAIL, email)]


def test_digits_in_an_email_address_are_not_a_separate_phone_number() -> None:
    assert found("連絡先 taro09012345678@example.jp") == [
        (PiiKind.EMAIL, "taro09012345678@example.jp")
    ]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("〒123-4567", "〔郵便番号〕"),
        ("〒 １２３－４５６７", "〔郵便番号〕"),
        ("〒1234567", "〔郵便番号〕"),
        ("郵便番号：123-4567", "郵便番号：〔郵便番号〕"),
        ("123-4567 みどり市役所あて", "〔郵便番号〕 みどり市役所あて"),
    ],
)
def test_postal_codes_are_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text).text == masked


def test_postal_code_and_address_are_masked_separately() -> None:
    result = mask_personal_data("〒123-4567 みどり市緑町3丁目12番5号 みどり花子")
    assert result.text.startswith("〔郵便番号〕 〔住所〕 ")
    assert [span.kind for span in result.spans][:2] == [PiiKind.POSTAL_CODE, PiiKind.ADDRESS]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("自宅は緑町3丁目12番5号です。", "緑町3丁目12番5号"),
        ("みどり市本町一丁目2-3に住んでいます。", "みどり市本町一丁目2-3"),
        ("私はみどり市中央1-2-3に住んでいます。", "みどり市中央1-2-3"),
        ("みどり市緑町３丁目１２－５の者です。", "みどり市緑町３丁目１２－５"),
        ("東京都みどり市緑町3丁目12番地に住んでいます。", "東京都みどり市緑町3丁目12番地"),
        ("実家は大字青葉123番地の4です。", "大字青葉123番地の4"),
        ("事務所は5番12号にあります。", "5番12号"),
        ("緑町1-2-3の角です。", "緑町1-2-3"),
    ],
)
def test_street_addresses_down_to_the_house_number_are_masked(text: str, address: str) -> None:
    assert found(text) == [(PiiKind.ADDRESS, address)]
    assert "〔住所〕" in mask_personal_data(text).text


def test_particle_before_a_hiragana_city_name_is_kept() -> None:
    result = mask_personal_data("私はみどり市中央1-2-3に住んでいます。")
    assert result.text == "私は〔住所〕に住んでいます。"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("田中さんが説明してくれました。", "田中"),
        ("山田 太郎様へ", "山田 太郎"),
        ("緑川花子さんの意見に賛成です。", "緑川花子"),
        ("佐藤くんと一緒に参加しました。", "佐藤"),
        ("由美ちゃんも楽しそうでした。", "由美"),
        ("高橋氏の発言について", "高橋"),
        ("ミドリカワ様から聞きました。", "ミドリカワ"),
        ("翠川さんに聞きました。", "翠川"),
        ("担当の蒼井さんが来ました。", "蒼井"),
        ("森下さまの資料", "森下"),
        ("𠮷田さんの提案", "𠮷田"),
    ],
)
def test_names_before_an_honorific_are_masked(text: str, name: str) -> None:
    assert found(text) == [(PiiKind.PERSON_NAME, name)]
    assert mask_personal_data(text).text == text.replace(name, "〔氏名〕", 1)


def test_full_name_without_honorific_is_masked() -> None:
    assert mask_personal_data("以上、鈴木花子でした。").text == "以上、〔氏名〕でした。"


@pytest.mark.parametrize(
    "text",
    [
        "皆さん、いつもありがとうございます。",
        "皆様のご協力をお願いします。",
        "職員さんが丁寧に教えてくれました。",
        "お客様の声を大切にしてください。",
        "市長さんにも読んでほしいです。",
        "店員さんに聞いても分かりませんでした。",
        "先生も賛成していました。",
        "八百屋さんとパン屋さんにも案内を置いてほしい。",
        "看護師さんや相談員さんの負担が心配です。",
        "お医者さんに相談しました。",
        "市役所さんと学校さん、それに子育て支援課さんにもお願いしたい。",
        "新人さんや上司さん、民生委員さん、ケアマネさんの声も聞いてください。",
        "商店街さんと自治会さんが協力してくれました。",
        "会場費や世話役さんへの支援を減らさないでください。",
        "赤ちゃん連れでも参加しやすい会場を希望します。",
        "多様な意見を聞き、同様の課題も様々な視点で検討してください。",
        "住所氏名の記入欄が多すぎます。",
    ],
)
def test_common_nouns_before_honorifics_are_not_names(text: str) -> None:
    assert mask_personal_data(text).text == text


REALISTIC_COMMENT = (
    "DX推進計画（素案）の第3章2節「窓口のデジタル化」について意見します。\n"
    "2026-11-23の説明会（令和8年11月23日 10:00〜12:00、参加者40人）に参加しました。"
    "素案の3-2-1に書かれた電子申請の利用率を30日間で50%にする目標は高すぎると思います。"
    "1件あたり1,000円の手数料や、年間12億3,456万円の予算の内訳も示してください。"
    "資料3-2の図表4-5月の数値、第1号議案、3番目の施策、0.5%の誤差についても説明が欲しいです。"
    "緑町3丁目の交差点付近は高齢者が多く、みどり市全体で見ても対面窓口は必要です。"
    "第2期（2026-2030）の計画では、午前9時～午後5時以外の時間帯も検討をお願いします。😊"
)


def test_realistic_comment_without_personal_data_is_unchanged() -> None:
    result = mask_personal_data(REALISTIC_COMMENT)
    assert result.text == REALISTIC_COMMENT
    assert result.spans == ()
    assert not result.is_masked


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-23",
        "2026/11/23",
        "令和8年11月23日",
        "10:00-12:00",
        "1,000,000円",
        "0.5%",
        "03-1234",
        "第3章2節",
        "素案の3-2-1",
        "資料3-2-1",
        "みどり市計画3-2-1",
        "みどり市2026-11-23",
        "第3地区2-1",
        "ISBN978-4-12-345678-9",
        "0120は無料です",
        "110番に通報",
        "12番目の項目",
        "3丁目12番目の家",
        "緑町3丁目の公園",
        "みどり市緑町",
        "123-4567",
        "0012345678",
        "https://www.city.midori.example.jp/pubcom/0312345678.html",
        "みどり市2-3月に実施",
        "みどり市で2-3回開催",
        "緑町1-2人の班",
        "2026-12-03",
        "1,234,567円",
        "令和8年",
    ],
)
def test_ordinary_numbers_and_places_are_left_alone(text: str) -> None:
    assert mask_personal_data(text).text == text


def test_a_postal_code_is_not_a_phone_number() -> None:
    assert found("住所は〒220-0012です") == [(PiiKind.POSTAL_CODE, "〒220-0012")]


def test_spans_point_into_the_original_text_with_emoji_and_full_width_digits() -> None:
    text = "😀😀 田中さん📱は０９０－１２３４－５６７８、🏠はみどり市緑町３丁目１２番５号です"
    result = mask_personal_data(text)
    assert result.text == "😀😀 〔氏名〕さん📱は〔電話番号〕、🏠は〔住所〕です"
    for span in result.spans:
        assert text[span.start : span.end] == span.original
    assert [span.kind for span in result.spans] == [
        PiiKind.PERSON_NAME,
        PiiKind.PHONE,
        PiiKind.ADDRESS,
    ]


def test_several_kinds_in_one_comment() -> None:
    text = (
        "みどり市の山川一郎です。住所は〒123-4567 みどり市中央1-2-3、"
        "電話は090-1234-5678、メールは yamakawa@example.jp です。"
    )
    result = mask_personal_data(text)
    assert result.text == (
        "みどり市の〔氏名〕です。住所は〔郵便番号〕 〔住所〕、"
        "電話は〔電話番号〕、メールは 〔メールアドレス〕 です。"
    )


def test_kinds_limits_what_is_masked() -> None:
    text = "田中さんの電話は03-1234-5678です。"
    result = mask_personal_data(text, kinds={PiiKind.PHONE})
    assert result.text == "田中さんの電話は〔電話番号〕です。"


def test_result_is_frozen() -> None:
    result = mask_personal_data("電話は03-1234-5678")
    assert isinstance(result, MaskResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "x"  # type: ignore[misc]


def test_empty_text() -> None:
    assert mask_personal_data("") == MaskResult(text="", spans=())


def unmask(result: MaskResult) -> str:
    text = result.text
    for span in reversed(result.spans):
        marker_start = text.rindex(span.kind.marker, 0, len(text))
        text = text[:marker_start] + span.original + text[marker_start + len(span.kind.marker) :]
    return text


PIECES = [
    *"0123456789０１２３４５６７８９",
    *"-－ー()（）+＋ 　.@＠〒",
    "丁目",
    "番地",
    "番",
    "号",
    "さん",
    "様",
    "みどり市",
    "緑町",
    "田中",
    "花子",
    "第",
    "章",
    "年",
    "円",
    "、",
    "。",
    "😊",
    "\n",
    "abc",
    ".jp",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_text_outside_the_spans_is_kept_exactly(text: str) -> None:
    result = mask_personal_data(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(result.spans))
    assert all(text[span.start : span.end] == span.original for span in result.spans)
    assert unmask(result) == text


def test_mask_many_masks_each_text_in_order_also_in_worker_processes() -> None:
    texts = [
        f"{number}件目: 連絡先は090-1234-{number:04d}です。田中さんにも伝えました。"
        for number in range(450)
    ]
    progress: list[tuple[int, int]] = []
    masked = mask_many(
        texts, n_jobs=2, on_progress=lambda done, total: progress.append((done, total))
    )
    assert masked == [mask_personal_data(text).text for text in texts]
    assert masked[7] == "7件目: 連絡先は〔電話番号〕です。〔氏名〕さんにも伝えました。"
    assert progress[-1] == (450, 450)
