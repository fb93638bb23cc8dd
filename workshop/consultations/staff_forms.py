"""Staff forms of a consultation: its details, attachments, proxy entry, hiding, imports."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from workshop.consultations.forms import CommentForm
from workshop.consultations.imports import ATTRIBUTES, Mapping
from workshop.consultations.services import ConsultationInput
from workshop.formfields import JaDateField, JaSelectField
from workshop.labels import CHANNEL
from workshop.models import Channel, Consultation
from workshop.text import clean_text
from workshop.timeutil import today_tokyo


def lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in clean_text(text).splitlines() if line.strip())


class ConsultationForm(FlaskForm):
    title = StringField(
        "件名",
        validators=[
            DataRequired("件名を入力してください。"),
            Length(max=200, message="件名は200文字以内にしてください。"),
        ],
    )
    slug = StringField(
        "スラッグ（アドレスに使う半角英数字）",
        validators=[DataRequired("スラッグを入力してください。"), Length(max=80)],
        description="例: dx-plan-2026。/consultations/dx-plan-2026 で公開されます。",
    )
    receipt_prefix = StringField(
        "受付番号の記号",
        default="PC",
        validators=[DataRequired("受付番号の記号を入力してください。"), Length(max=10)],
        description="例: DX → 受付番号は DX-2026-000123 の形になります。",
    )
    opens_on = JaDateField(
        "募集開始日", validators=[InputRequired("募集開始日を入力してください。")]
    )
    closes_on = JaDateField(
        "締切日（この日の23時59分まで）", validators=[InputRequired("締切日を入力してください。")]
    )
    summary = TextAreaField(
        "概要（一覧に表示する短い説明）",
        validators=[Optional(), Length(max=1000, message="概要は1,000文字以内にしてください。")],
    )
    body = TextAreaField(
        "本文（Markdown が使えます）",
        validators=[Optional(), Length(max=100_000, message="本文が長すぎます。")],
    )
    sections = TextAreaField(
        "章・節（1行に1つ）",
        validators=[Optional(), Length(max=10_000)],
        description="例: 第1章 計画の概要",
    )
    districts = TextAreaField("地区の一覧（1行に1つ）", validators=[Optional(), Length(max=5_000)])
    video_url = URLField(
        "説明動画のリンク（任意）",
        validators=[Optional(), Length(max=500, message="リンクが長すぎます。")],
    )

    def fill(self, consultation: Consultation) -> ConsultationForm:
        self.title.data = consultation.title
        self.slug.data = consultation.slug
        self.receipt_prefix.data = consultation.receipt_prefix
        self.opens_on.data = consultation.opens_on
        self.closes_on.data = consultation.closes_on
        self.summary.data = consultation.summary
        self.body.data = consultation.body
        self.sections.data = "\n".join(s.heading for s in consultation.sections)
        self.districts.data = "\n".join(consultation.districts)
        self.video_url.data = consultation.video_url or ""
        return self

    def to_input(self) -> ConsultationInput:
        assert self.opens_on.data is not None and self.closes_on.data is not None
        return ConsultationInput(
            slug=(self.slug.data or "").strip(),
            title=clean_text(self.title.data),
            opens_on=self.opens_on.data,
            closes_on=self.closes_on.data,
            summary=clean_text(self.summary.data),
            body=clean_text(self.body.data),
            video_url=(self.video_url.data or "").strip() or None,
            receipt_prefix=(self.receipt_prefix.data or "").strip().upper(),
            districts=lines(self.districts.data),
            sections=lines(self.sections.data),
        )


class AttachmentForm(FlaskForm):
    title = StringField("資料の名前", validators=[Optional(), Length(max=200)])
    file = FileField("PDFファイル", validators=[FileRequired("PDFファイルを選んでください。")])


class ProxyCommentForm(CommentForm):
    channel = JaSelectField(
        "受付の経路",
        validators=[InputRequired("受付の経路を選んでください。")],
        choices=[(c.value, label) for c, label in CHANNEL.items() if c is not Channel.WEB],
    )
    received_on = JaDateField(
        "受付日（郵送は消印の日付）",
        default=today_tokyo,
        validators=[InputRequired("受付日を入力してください（例: 2026-11-23）。")],
    )


class HideForm(FlaskForm):
    reason = TextAreaField(
        "公表しない理由",
        validators=[
            DataRequired("公表しない理由を入力してください。"),
            Length(max=2000, message="理由は2,000文字以内で入力してください。"),
        ],
    )


ATTRIBUTE_LABELS = {
    "age_group": "年代の列",
    "district": "地区の列",
    "relation": "市との関係の列",
    "received_on": "受付日の列",
    "section": "章・節の列",
    "name": "氏名の列",
    "email": "メールアドレスの列",
}
assert set(ATTRIBUTE_LABELS) == set(ATTRIBUTES)


class ImportForm(FlaskForm):
    file = FileField("CSVファイル", validators=[FileRequired("CSVファイルを選んでください。")])
    text_column = StringField(
        "意見の列名", validators=[DataRequired("意見が入っている列の名前を入力してください。")]
    )
    id_column = StringField("ID の列名（任意・二重取り込みを防ぎます）", validators=[Optional()])
    age_group = StringField(ATTRIBUTE_LABELS["age_group"] + "（任意）", validators=[Optional()])
    district = StringField(ATTRIBUTE_LABELS["district"] + "（任意）", validators=[Optional()])
    relation = StringField(ATTRIBUTE_LABELS["relation"] + "（任意）", validators=[Optional()])
    received_on = StringField(ATTRIBUTE_LABELS["received_on"] + "（任意）", validators=[Optional()])
    channel = JaSelectField(
        "経路",
        default=Channel.LINE.value,
        choices=[(c.value, label) for c, label in CHANNEL.items() if c is not Channel.WEB],
    )

    def to_mapping(self) -> Mapping:
        attributes = {
            name: value.strip()
            for name in ("age_group", "district", "relation", "received_on")
            if (value := getattr(self, name).data or "").strip()
        }
        return Mapping(
            text_column=(self.text_column.data or "").strip(),
            id_column=(self.id_column.data or "").strip() or None,
            attributes=attributes,
        )
