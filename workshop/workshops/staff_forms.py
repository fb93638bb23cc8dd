"""Staff forms: a workshop's details, check-in by code, walk-ins, the day's opinions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from workshop.formfields import JaRadioField, JaSelectField, at_most, email_field, required
from workshop.labels import WORKSHOP_FORMAT
from workshop.models import Consultation, Profile, User, Workshop, WorkshopFormat
from workshop.questionnaires.services import offered_choices
from workshop.text import clean_text
from workshop.timeutil import TOKYO, as_tokyo
from workshop.workshops.forms import ApplicantWithMode, JaCheckboxField, age_group_choices
from workshop.workshops.services.events import WorkshopInput
from workshop.workshops.services.opinions import OpinionBatch
from workshop.workshops.services.signup import Applicant


def tokyo_datetime(text: str | None) -> datetime | None:
    if not text or not text.strip():
        return None
    value = text.strip().replace("/", "-").replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value, pattern).replace(tzinfo=TOKYO)
        except ValueError:
            continue
    raise ValidationError("日時は 2026-12-05 13:30 の形で入力してください。")


class TokyoDateTimeField(StringField):
    """A datetime-local input read as Asia/Tokyo time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"type": "datetime-local"})
        super().__init__(*args, **kwargs)

    def moment(self) -> datetime | None:
        return tokyo_datetime(self.data)

    def pre_validate(self, form: Any) -> None:
        tokyo_datetime(self.data)

    def fill(self, moment: datetime | None) -> None:
        self.data = as_tokyo(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


class WalkInForm(ApplicantWithMode):
    email = email_field("メールアドレス（任意）")

    def to_applicant(self) -> Applicant:
        return Applicant(**self.applicant_fields(), mode=self.chosen_mode())


class CheckInForm(FlaskForm):
    code = StringField(
        "受付コード（QRコードを読み取るか、入力してください）",
        validators=[
            DataRequired("受付コードを読み取るか、入力してください。"),
            Length(max=300, message="受付コードが長すぎます。"),
        ],
        render_kw={"autocomplete": "off", "autofocus": True},
    )


class WorkshopForm(FlaskForm):
    title = StringField(
        "題名",
        validators=required("題名", 200),
    )
    description = TextAreaField("内容・プログラム", description="Markdownで書けます。")
    format = JaRadioField("開催形式", validators=[InputRequired("開催形式を選んでください。")])
    starts_at = TokyoDateTimeField(
        "開始日時", validators=[InputRequired("開始日時を入力してください。")]
    )
    ends_at = TokyoDateTimeField(
        "終了日時", validators=[InputRequired("終了日時を入力してください。")]
    )
    signup_deadline = TokyoDateTimeField(
        "申込締切（任意）", description="空欄なら開始時刻まで受け付けます。"
    )
    venue = StringField("会場", validators=[at_most(200, "会場")])
    map_url = StringField(
        "地図のリンク（任意）",
        validators=[Optional(), at_most(500, "リンク")],
    )
    access = TextAreaField("交通・アクセス（任意）")
    accessibility = TextAreaField(
        "バリアフリー・配慮について（任意）", description="例: 車椅子用トイレあり、手話通訳あり"
    )
    online_url = StringField(
        "オンライン会議のURL（任意）",
        validators=[Optional(), at_most(500, "URL")],
        description="申込が確定した方にだけ、メールと申込確認ページでお知らせします。",
    )
    capacity = IntegerField(
        "定員（会場。オンラインだけの開催ではオンラインの定員）",
        validators=[
            InputRequired("定員を入力してください。"),
            NumberRange(min=1, max=10_000, message="定員は1〜10,000人で入力してください。"),
        ],
    )
    online_capacity = IntegerField(
        "オンラインの定員（ハイブリッド開催のとき）",
        validators=[
            Optional(),
            NumberRange(min=0, max=10_000, message="定員は0〜10,000人で入力してください。"),
        ],
    )
    has_waitlist = BooleanField("定員を超えたらキャンセル待ちを受け付ける", default=True)
    questions = TextAreaField(
        "独自の質問（任意、1行に1つ、5つまで）",
        description="例: このワークショップで話したいこと",
    )
    consultation_id = JaSelectField("つながる意見募集（任意）", validators=[Optional()])
    # no Optional(): it would clear pre_validate's error when the first value sent is empty
    facilitator_ids = JaCheckboxField(
        "担当のファシリテーター",
        description="選んだファシリテーターだけが、このワークショップの名簿・受付・代理申込を使えます。",
    )

    def configure(
        self, consultations: list[Any], facilitators: list[User] | None = None
    ) -> WorkshopForm:
        """facilitators: whom a planner may assign; None drops the field (a facilitator's form)."""
        self.format.choices = [(f.value, label) for f, label in WORKSHOP_FORMAT.items()]
        self.consultation_id.choices = [("", "なし")] + [
            (str(c.id), c.title) for c in consultations
        ]
        if facilitators is None:
            del self.facilitator_ids
        else:
            self.facilitator_ids.choices = [
                (str(user.id), facilitator_label(user)) for user in facilitators
            ]
        return self

    def fill(self, workshop: Workshop) -> None:
        for name in (
            "title",
            "description",
            "venue",
            "map_url",
            "access",
            "accessibility",
            "online_url",
        ):
            getattr(self, name).data = getattr(workshop, name) or ""
        self.format.data = workshop.format.value
        self.starts_at.fill(workshop.starts_at)
        self.ends_at.fill(workshop.ends_at)
        self.signup_deadline.fill(workshop.signup_deadline)
        self.capacity.data = workshop.capacity
        self.online_capacity.data = workshop.online_capacity
        self.has_waitlist.data = workshop.has_waitlist
        self.questions.data = "\n".join(workshop.questions)
        self.consultation_id.data = str(workshop.consultation_id or "")
        if "facilitator_ids" in self:
            self.facilitator_ids.data = [str(user.id) for user in workshop.facilitators]

    def to_input(self) -> WorkshopInput:
        starts_at = self.starts_at.moment()
        ends_at = self.ends_at.moment()
        assert starts_at is not None and ends_at is not None
        return WorkshopInput(
            title=self.title.data or "",
            starts_at=starts_at,
            ends_at=ends_at,
            format=WorkshopFormat(self.format.data),
            capacity=self.capacity.data or 0,
            online_capacity=self.online_capacity.data or 0,
            description=self.description.data or "",
            access=self.access.data or "",
            accessibility=self.accessibility.data or "",
            venue=self.venue.data or "",
            map_url=clean_text(self.map_url.data) or None,
            online_url=clean_text(self.online_url.data) or None,
            has_waitlist=bool(self.has_waitlist.data),
            signup_deadline=self.signup_deadline.moment(),
            questions=tuple(clean_text(self.questions.data).split("\n"))
            if self.questions.data
            else (),
            consultation_id=int(self.consultation_id.data) if self.consultation_id.data else None,
            facilitator_ids=tuple(int(v) for v in self.facilitator_ids.data or [])
            if "facilitator_ids" in self
            else None,
        )


def facilitator_label(user: User) -> str:
    label = f"{user.display_name}（{user.email}）"
    return label if user.active else label + "（利用停止中）"


class OpinionForm(FlaskForm):
    text = TextAreaField(
        "当日の意見（付箋1枚を1行に）",
        validators=[DataRequired("意見を1行に1つずつ入力してください。")],
        description="模造紙や付箋の文字を、1行に1つずつ入力または貼り付けてください。行頭の「・」や番号は取り除きます。",
    )
    table = StringField(
        "テーブル・グループ名（任意）",
        validators=[Optional(), at_most(100)],
    )
    age_group = JaSelectField(
        "このテーブルの年代（任意、全員が同じ年代のとき）", validators=[Optional()]
    )
    district = StringField(
        "地区（任意）",
        validators=[Optional(), at_most(100, "地区")],
    )
    attributes = StringField(
        "テーブルの特徴（任意）",
        validators=[Optional(), at_most(200)],
        description="例: 20代〜70代の混合、子育て中の方が中心",
    )

    def configure(self, consultation: Consultation | None) -> OpinionForm:
        """The age groups the linked consultation offers (its own options, if the city changed
        them)."""
        if consultation is None:
            self.age_group.choices = age_group_choices()
        else:
            question = consultation.profile_question(Profile.AGE_GROUP)
            self.age_group.choices = [("", "選ばない"), *offered_choices(question)]
        return self

    def to_batch(self) -> OpinionBatch:
        return OpinionBatch(
            text=self.text.data or "",
            table=self.table.data or "",
            age_group=self.age_group.data or None,
            district=self.district.data or "",
            attributes=self.attributes.data or "",
        )
