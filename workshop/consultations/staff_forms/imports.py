"""The import of a survey file: the file with its columns typed in (first step), then the
file's columns chosen per question (second step)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import Field, HiddenField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from workshop.consultations.imports.columns import (
    ATTRIBUTES,
    Mapping,
    column_choices,
    question_columns,
    suggested_column,
)
from workshop.errors import ImportFailed
from workshop.formfields import JaSelectField
from workshop.labels import CHANNEL
from workshop.models import Channel, Question
from workshop.text import typed_lines

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
        for line in typed_lines(field.data):
            key, sep, column = line.partition("=")
            if not sep or not key.strip() or not column.strip():
                raise ValidationError(f"「{line}」は「質問のkey=列名」の形で書いてください。")

    # set by the page: with questions and no lines above, the columns are chosen on a next step
    has_questions = False

    @property
    def maps_next(self) -> bool:
        return self.has_questions and not typed_lines(self.question_columns.data)

    def validate_text_column(self, field: Field) -> None:
        if self.maps_next:
            return
        if not (field.data or "").strip() and not typed_lines(self.question_columns.data):
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
                line.partition("=") for line in typed_lines(self.question_columns.data)
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
