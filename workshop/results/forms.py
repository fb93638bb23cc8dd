from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from workshop.formfields import JaSelectField
from workshop.labels import OUTCOME
from workshop.models import Outcome
from workshop.results.services.writing import RESPONSE_MAX_CHARS, SUMMARY_MAX_CHARS, ResponseInput


class OutcomeField(JaSelectField):
    choice_message = "反映状況は一覧から選んでください。"


class ResponseForm(FlaskForm):
    """One theme's 意見の概要・市の考え方・反映状況; the page holds one per theme (prefix theme-<id>)."""

    summary = TextAreaField(
        "意見の概要",
        validators=[
            DataRequired("意見の概要を入力してください。"),
            Length(
                max=SUMMARY_MAX_CHARS,
                message=f"意見の概要は{SUMMARY_MAX_CHARS:,}文字以内で入力してください。",
            ),
        ],
        description="このテーマに寄せられた意見を、要点がわかるようにまとめてください。",
    )
    response = TextAreaField(
        "市の考え方",
        validators=[
            DataRequired("市の考え方を入力してください。"),
            Length(
                max=RESPONSE_MAX_CHARS,
                message=f"市の考え方は{RESPONSE_MAX_CHARS:,}文字以内で入力してください。",
            ),
        ],
    )
    outcome = OutcomeField(
        "反映状況",
        choices=[(outcome.value, label) for outcome, label in OUTCOME.items()],
        default=Outcome.NOTED.value,
        validators=[InputRequired("反映状況を選んでください。")],
    )

    def to_input(self) -> ResponseInput:
        return ResponseInput(
            summary=self.summary.data or "",
            response=self.response.data or "",
            outcome=Outcome(self.outcome.data),
        )


class PublishForm(FlaskForm):
    analysis_id = HiddenField(validators=[InputRequired("公表する分析を選んでください。")])

    def analysis_value(self) -> int | None:
        value = (self.analysis_id.data or "").strip()
        return int(value) if value.isdigit() else None


class CarryOverForm(FlaskForm):
    source_id = HiddenField(validators=[InputRequired("引き継ぐもとの分析を選んでください。")])
    target_id = HiddenField(validators=[InputRequired("引き継ぐ先の分析を選んでください。")])

    def ids(self) -> tuple[int, int] | None:
        source, target = (self.source_id.data or "").strip(), (self.target_id.data or "").strip()
        if not (source.isdigit() and target.isdigit()):
            return None
        return int(source), int(target)


class WithdrawForm(FlaskForm):
    pass
