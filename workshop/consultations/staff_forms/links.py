"""Private links to answer a consultation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from workshop.consultations.services import LinkInput
from workshop.consultations.services.audience import LINK_MAX_USES
from workshop.formfields import JaIntegerField, at_most
from workshop.models.audience import LINK_LABEL_MAX_CHARS
from workshop.text import clean_text


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
