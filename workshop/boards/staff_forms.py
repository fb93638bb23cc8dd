"""Facilitators' forms: a new board, moderation, paper notes, groups."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from workshop.boards.forms import choice_number, note_text_field
from workshop.boards.services.setup import BoardInput
from workshop.formfields import JaSelectField, at_most
from workshop.models import Board, BoardGroup
from workshop.models.boards import HIDE_REASON_MAX_CHARS


def lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


class BoardForm(FlaskForm):
    title = StringField(
        "ボードの名前（任意）",
        validators=[at_most(200, "ボードの名前")],
        description="空欄ならワークショップの名前を使います。",
    )
    questions = TextAreaField(
        "問い（1行に1つ、話し合う順に）",
        validators=[DataRequired("問いを1つ以上入力してください。")],
        render_kw={"rows": 4},
    )
    tables = TextAreaField(
        "テーブル・グループ（任意、1行に1つ）",
        description="例: Aテーブル。空欄ならテーブルを選ぶ欄は出ません。",
        render_kw={"rows": 4},
    )
    is_moderated = BooleanField(
        "確認してから表示する（モデレーション）", default=True,
        description="付箋は進行役が確認するまで、書いた本人にだけ「確認待ち」で見えます。",
    )  # fmt: skip
    is_anonymous = BooleanField(
        "ニックネームを表示しない（匿名）",
        description="スクリーンにも参加者の画面にも、ニックネームを出しません。",
    )

    def to_input(self) -> BoardInput:
        return BoardInput(
            title=self.title.data or "",
            questions=lines(self.questions.data),
            tables=lines(self.tables.data),
            is_moderated=bool(self.is_moderated.data),
            is_anonymous=bool(self.is_anonymous.data),
        )


class HideForm(FlaskForm):
    reason = StringField(
        "表示しない理由",
        validators=[
            DataRequired("表示しない理由を入力してください。"),
            at_most(HIDE_REASON_MAX_CHARS, "理由"),
        ],
    )


class CorrectForm(FlaskForm):
    text = note_text_field()


class PaperForm(FlaskForm):
    text = TextAreaField(
        "紙の付箋（1行に1枚）",
        validators=[DataRequired("付箋の内容を1行に1枚ずつ入力してください。")],
        render_kw={"rows": 8},
    )
    question_id = JaSelectField("問い", coerce=choice_number)
    table_id = JaSelectField("テーブル", coerce=choice_number)

    def configure(self, board: Board) -> PaperForm:
        self.question_id.choices = [(q.id, f"{q.number}. {q.text}") for q in board.questions]
        if self.question_id.data in (None, -1) and board.current_question:
            self.question_id.data = board.current_question.id
        self.table_id.choices = [(0, "なし")] + [(t.id, t.name) for t in board.tables]
        return self


class GroupNameForm(FlaskForm):
    name = StringField(
        "グループの名前", validators=[DataRequired("グループの名前を入力してください。")]
    )


class MoveForm(FlaskForm):
    group_id = JaSelectField(
        "グループ",
        coerce=choice_number,
        validators=[InputRequired("移すグループを選んでください。")],
    )

    def configure(self, groups: list[BoardGroup]) -> MoveForm:
        self.group_id.choices = [(g.id, g.name) for g in groups]
        return self


class QuestionForm(FlaskForm):
    position = JaSelectField(
        "いまの問い", coerce=choice_number, validators=[InputRequired("問いを選んでください。")]
    )

    def configure(self, board: Board) -> QuestionForm:
        self.position.choices = [(q.position, f"{q.number}. {q.text}") for q in board.questions]
        return self


class ConfirmForm(FlaskForm):
    """A button that changes something (open, close, approve): only its CSRF token."""
