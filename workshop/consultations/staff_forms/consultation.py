"""The consultation's own page: creating and editing its details, adding attachments."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from workshop.consultations.services import ConsultationInput
from workshop.formfields import JaDateField, JaRadioField
from workshop.labels import AUDIENCE
from workshop.models import Audience, Consultation
from workshop.text import clean_text, typed_lines


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
    audience = JaRadioField(
        "回答できる人",
        default=Audience.PUBLIC.value,
        choices=[(a.value, label) for a, label in AUDIENCE.items()],
    )
    staff_anonymous = BooleanField(
        "職員の回答を匿名で集める（職員向けのときだけ）",
        description="回答とアカウントを結びつけずに保存します。1人1回の回答は守られます。"
        "最初の回答のあとは変えられません。",
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
        self.audience.data = consultation.audience.value
        self.staff_anonymous.data = consultation.staff_anonymous
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
            districts=typed_lines(self.districts.data),
            sections=typed_lines(self.sections.data),
            audience=Audience(self.audience.data or Audience.PUBLIC.value),
            staff_anonymous=bool(self.staff_anonymous.data),
        )


class AttachmentForm(FlaskForm):
    title = StringField("資料の名前", validators=[Optional(), Length(max=200)])
    file = FileField("PDFファイル", validators=[FileRequired("PDFファイルを選んでください。")])
