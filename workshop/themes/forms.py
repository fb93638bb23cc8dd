from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp


class AnalyzeForm(FlaskForm):
    k = StringField(
        "テーマの数",
        default="auto",
        validators=[
            Optional(),
            Regexp(
                r"^(auto|[1-9][0-9]?)$", message="テーマの数は auto か 1〜99 の数字にしてください。"
            ),
        ],
        description="auto にすると、意見に合った数を自動で選びます。",
    )
    seed_themes = TextAreaField(
        "市のテーマ（任意・1行に1つ「名前: キーワード、キーワード」）",
        validators=[
            Optional(),
            Length(max=5000, message="市のテーマは5,000文字以内にしてください。"),
        ],
        description="例: デジタルデバイド対策: スマホ教室、高齢者、相談",
    )

    def k_value(self) -> int | None:
        value = (self.k.data or "auto").strip()
        return None if value == "auto" else int(value)

    def seed_theme_list(self) -> list[tuple[str, tuple[str, ...]]]:
        seeds = []
        for raw in (self.seed_themes.data or "").splitlines():
            name, _, rest = raw.replace("：", ":").partition(":")
            keywords = tuple(
                word.strip()
                for word in rest.replace("、", ",").replace("，", ",").split(",")
                if word.strip()
            )
            if name.strip():
                seeds.append((name.strip(), keywords))
        return seeds
