"""Staff forms of a consultation: its details, attachments, proxy entry, the comment list's
filters, hiding, imports."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, Field, HiddenField, StringField, TextAreaField, URLField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from workshop.consultations.forms import CommentForm
from workshop.consultations.imports import (
    ATTRIBUTES,
    Mapping,
    column_choices,
    question_columns,
    suggested_column,
)
from workshop.consultations.services import CommentFilter, ConsultationInput, LinkInput
from workshop.consultations.services.audience import LINK_MAX_USES
from workshop.errors import ImportFailed
from workshop.formfields import JaDateField, JaIntegerField, JaRadioField, JaSelectField, at_most
from workshop.labels import AGE_GROUP, AUDIENCE, CHANNEL, LANGUAGE, RELATION_SHORT
from workshop.models import AgeGroup, Audience, Channel, Consultation, Question, Relation
from workshop.models.audience import LINK_LABEL_MAX_CHARS
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
            districts=lines(self.districts.data),
            sections=lines(self.sections.data),
            audience=Audience(self.audience.data or Audience.PUBLIC.value),
            staff_anonymous=bool(self.staff_anonymous.data),
        )


class AttachmentForm(FlaskForm):
    title = StringField("資料の名前", validators=[Optional(), Length(max=200)])
    file = FileField("PDFファイル", validators=[FileRequired("PDFファイルを選んでください。")])


class ProxyCommentForm(CommentForm):
    # a paper form is entered as it was filled in: every question at once, none required
    asks_in_steps = False

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
        "意見の列名",
        description="アンケートの回答だけを取り込むときは、空けたままにできます。",
    )
    id_column = StringField("ID の列名（任意・二重取り込みを防ぎます）", validators=[Optional()])
    question_columns = TextAreaField(
        "アンケートの質問の列（任意・1行に1つ「質問のkey=列名」）",
        description="空けておくと、ファイルを選んだあとの次の画面で、質問ごとに列を選べます。"
        "書くときは、例: smartphone=スマートフォンの利用。複数選択で選択肢ごとに列があるときは "
        "「troubles=困ったこと*」のように列名の始まりに * を付けます（○・1・選択肢名が「選んだ」）。",
    )
    age_group = StringField(ATTRIBUTE_LABELS["age_group"] + "（任意）", validators=[Optional()])
    district = StringField(ATTRIBUTE_LABELS["district"] + "（任意）", validators=[Optional()])
    relation = StringField(ATTRIBUTE_LABELS["relation"] + "（任意）", validators=[Optional()])
    received_on = StringField(ATTRIBUTE_LABELS["received_on"] + "（任意）", validators=[Optional()])
    channel = JaSelectField(
        "経路",
        default=Channel.LINE.value,
        choices=[(c.value, label) for c, label in CHANNEL.items() if c is not Channel.WEB],
    )

    def validate_question_columns(self, field: Field) -> None:
        for line in lines(field.data):
            key, sep, column = line.partition("=")
            if not sep or not key.strip() or not column.strip():
                raise ValidationError(f"「{line}」は「質問のkey=列名」の形で書いてください。")

    # set by the page: with questions and no lines above, the columns are chosen on a next step
    has_questions = False

    @property
    def maps_next(self) -> bool:
        return self.has_questions and not lines(self.question_columns.data)

    def validate_text_column(self, field: Field) -> None:
        if self.maps_next:
            return
        if not (field.data or "").strip() and not lines(self.question_columns.data):
            raise ValidationError(
                "意見が入っている列の名前を入力してください（アンケートの回答だけなら、質問の列を）。"
            )

    def to_mapping(self) -> Mapping:
        attributes = {
            name: value.strip()
            for name in ("age_group", "district", "relation", "received_on")
            if (value := getattr(self, name).data or "").strip()
        }
        questions = dict(
            (key.strip(), column.strip())
            for key, _, column in (
                line.partition("=") for line in lines(self.question_columns.data)
            )
        )
        return Mapping(
            text_column=(self.text_column.data or "").strip() or None,
            id_column=(self.id_column.data or "").strip() or None,
            attributes=attributes,
            questions=questions,
        )


NO_COLUMN = ("", "（なし）")


class ColumnMapForm(FlaskForm):
    """The import's second step: the uploaded file's columns, chosen per question from its
    column names. The question fields (question_<id>) are added by column_map_form()."""

    upload = HiddenField()
    text_column = JaSelectField(
        "意見の列", description="アンケートの回答だけを取り込むときは「（なし）」のままにします。"
    )
    id_column = JaSelectField("ID の列（二重取り込みを防ぎます）")
    age_group = JaSelectField(ATTRIBUTE_LABELS["age_group"])
    district = JaSelectField(ATTRIBUTE_LABELS["district"])
    relation = JaSelectField(ATTRIBUTE_LABELS["relation"])
    received_on = JaSelectField(ATTRIBUTE_LABELS["received_on"])
    channel = ImportForm.channel

    questions: list[Question]
    header: list[str]

    def question_fields(self) -> list[tuple[Question, Field]]:
        return [(q, self[f"question_{q.id}"]) for q in self.questions]

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        chosen = False
        for question, field in self.question_fields():
            if not field.data:
                continue
            chosen = True
            if field.errors:  # not one of the file's columns: said already
                continue
            try:  # the import's own reading of the mapping, said by the question's field
                question_columns(
                    self.header, [question], Mapping(None, questions={question.key: field.data})
                )
            except ImportFailed as error:
                field.errors = [*field.errors, error.message]
                ok = False
        if not chosen and not self.text_column.data:
            self.text_column.errors = [
                *self.text_column.errors,
                "意見の列か、質問の列を1つ以上選んでください。",
            ]
            ok = False
        return ok

    def to_mapping(self) -> Mapping:
        return Mapping(
            text_column=self.text_column.data or None,
            id_column=self.id_column.data or None,
            attributes={
                name: value
                for name in ("age_group", "district", "relation", "received_on")
                if (value := getattr(self, name).data)
            },
            questions={q.key: field.data for q, field in self.question_fields() if field.data},
        )


def column_map_form(
    questions: list[Question], header: list[str], step1: ImportForm | None = None
) -> ColumnMapForm:
    """The second step's form for a file's header; from the first step (step1), the columns
    typed there and the suggested column of each question are chosen ahead."""
    fields: dict[str, Any] = {}
    initial: dict[str, Any] = {}
    for number, question in enumerate(questions, start=1):
        choices = column_choices(header, question)
        fields[f"question_{question.id}"] = JaSelectField(
            f"問{number} {question.text}（{question.key}）",
            choices=[("", "（取り込まない）"), *choices],
        )
        initial[f"question_{question.id}"] = suggested_column(choices, question)
    form_class = type("ColumnMapFormOf", (ColumnMapForm,), fields)
    columns = [NO_COLUMN, *((name, name) for name in header if name)]
    if step1 is not None:
        for name in (
            "text_column",
            "id_column",
            "age_group",
            "district",
            "relation",
            "received_on",
        ):
            typed = (getattr(step1, name).data or "").strip()
            initial[name] = typed if typed in header else ""
        initial["channel"] = step1.channel.data
    form = form_class(data=initial) if step1 is not None else form_class()
    form.questions = questions
    form.header = header
    for name in ("text_column", "id_column", "age_group", "district", "relation", "received_on"):
        getattr(form, name).choices = columns
    return form


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


ALL = ("", "すべて")


class CommentFilterForm(FlaskForm):
    """The comment list's filters, read from the query string. A value that does not pass is
    shown with its message and left out of the filter; the others still apply."""

    class Meta:
        csrf = False  # a GET form: it changes nothing

    q = StringField(
        "言葉で探す", filters=[strip], validators=[Optional(), at_most(200, "探す言葉")]
    )
    channel = JaSelectField("経路", choices=[ALL] + [(c.value, x) for c, x in CHANNEL.items()])
    section = JaSelectField("章・節")
    age_group = JaSelectField("年代", choices=[ALL] + [(a.value, x) for a, x in AGE_GROUP.items()])
    district = JaSelectField("地区")
    relation = JaSelectField(
        "市との関係", choices=[ALL] + [(r.value, x) for r, x in RELATION_SHORT.items()]
    )
    language = JaSelectField("言語", choices=[ALL, *LANGUAGE.items()])
    hidden = JaSelectField("公表", choices=[ALL, ("no", "公表する意見"), ("yes", "公表しない意見")])
    received_from = JaDateField("受付日（この日から）", validators=[Optional()])
    received_to = JaDateField("受付日（この日まで）", validators=[Optional()])

    def configure(self, consultation: Consultation) -> CommentFilterForm:
        self.section.choices = [ALL] + [(str(s.id), s.heading) for s in consultation.sections]
        self.district.choices = [ALL] + [(d, d) for d in consultation.districts]
        # without a list of districts, the districts the comments came with are not checked
        self.district.validate_choice = bool(consultation.districts)
        return self

    def validate_received_to(self, field: JaDateField) -> None:
        start = self.received_from.data
        if start is not None and field.data is not None and field.data < start:
            raise ValidationError(
                "受付日の範囲が逆です。「この日まで」には「この日から」と同じか後の日付を入力してください。"
            )

    def to_filter(self) -> CommentFilter:
        """The filter of the values that passed; call it after validate()."""

        def value(field: Field) -> Any:
            return None if field.errors or field.data in (None, "") else field.data

        # a reversed range is dropped whole: which of the two dates is wrong is not known
        reversed_range = self.received_to.data is not None and bool(self.received_to.errors)
        section, hidden = value(self.section), value(self.hidden)
        return CommentFilter(
            q="" if self.q.errors else (self.q.data or ""),
            channel=Channel(channel) if (channel := value(self.channel)) else None,
            section_id=int(section) if section else None,
            age_group=AgeGroup(age) if (age := value(self.age_group)) else None,
            district=value(self.district),
            relation=Relation(relation) if (relation := value(self.relation)) else None,
            language=value(self.language),
            hidden=None if hidden is None else hidden == "yes",
            received_from=None if reversed_range else value(self.received_from),
            received_to=value(self.received_to),
        )


class LinkForm(FlaskForm):
    """Private links to answer: one per panel member (1 answer each), or one for a class."""

    label = StringField(
        "名前（任意・職員だけが見ます）",
        validators=[Optional(), at_most(LINK_LABEL_MAX_CHARS, "名前")],
        description="例: 無作為抽出パネル、第二中学校3年1組",
    )
    max_uses = JaIntegerField(
        "1つのリンクで回答できる回数",
        default=1,
        validators=[
            InputRequired("回答できる回数を数字で入力してください。"),
            NumberRange(1, LINK_MAX_USES, f"回答できる回数は1から{LINK_MAX_USES:,}までです。"),
        ],
        description="1人に1つ送るときは 1、クラスなどで共有するときは人数を入れます。",
    )
    count = JaIntegerField(
        "作るリンクの数",
        default=1,
        validators=[
            InputRequired("作るリンクの数を数字で入力してください。"),
            NumberRange(1, 1000, "一度に作れるリンクは1から1,000までです。"),
        ],
    )

    def to_input(self) -> LinkInput:
        return LinkInput(
            label=clean_text(self.label.data),
            max_uses=self.max_uses.data or 1,
            count=self.count.data or 1,
        )
